import numpy as np
import pytest

from sim import choice as ch


def test_logit_frequencies_match_softmax():
    n = 40_000
    V = np.tile([0.0, 1.0, -1.0], (n, 1))
    mask = np.ones_like(V, bool)
    u = np.random.default_rng(1).random(n)
    pick = ch.logit_pick(V, mask, outside=0.5, u=u)
    w = np.exp([0.5, 0.0, 1.0, -1.0])
    p = w / w.sum()
    got = np.array([(pick == -1).mean()] + [(pick == k).mean() for k in range(3)])
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(got - p) < 4 * se)


def test_masked_brands_are_never_chosen_and_empty_sets_buy_nothing():
    V = np.array([[5.0, 0.0], [5.0, 0.0], [1.0, 1.0]])
    mask = np.array([[False, True], [False, True], [False, False]])
    pick = ch.logit_pick(V, mask, outside=-50.0, u=np.array([0.1, 0.999999, 0.5]))
    assert pick.tolist() == [1, 1, -1]


def test_attribution_precedence_and_window():
    day, win = 100, 7
    member = np.array([True, False, True, False, False, False])
    t_priv = np.array([99, 99, 50, 0, 0, 0])
    t_all = np.array([99, 99, 99, 0, 0, 0])
    t_paid = np.array([99, 99, 99, 98, 0, 0])
    t_wom = np.array([99, 99, 99, 99, 95, 0])
    got = ch.attribute(day, win, member, t_priv, t_all, t_paid, t_wom)
    # private only counts for members; an old private touch falls out of the window
    assert got.tolist() == [ch.PRIVATE, ch.ALLIANCE, ch.ALLIANCE, ch.PAID, ch.WOM, ch.ORGANIC]


def test_occasions_follow_the_interval_and_holiday_multiplier():
    n = 100_000
    u = np.random.default_rng(2).random((n, 1))
    needs = np.ones((n, 1), bool)
    base = ch.occasions(u, needs, np.ones(n), np.array([20.0]), 1.0).mean()
    holiday = ch.occasions(u, needs, np.ones(n), np.array([20.0]), 3.0).mean()
    assert base == pytest.approx(0.05, abs=0.003)
    assert holiday == pytest.approx(0.15, abs=0.005)
