"""Occasions, consideration, organic search and the logit pick, through the engine's choice kernel."""

import numpy as np
import pytest

from sim import choice as ch
from sim.engine.kernels import choice_rows

f32 = np.float32
KEYS = (np.array([21, 22], np.uint64), np.array([23, 24], np.uint64))


def _picks(V, aware, outside=0.5, search_rate=0.0, search_weight=None, on_platform=None, interval=1.0,
           occasion_mult=1.0):
    """Each consumer's pick in a one-category market whose utilities are V (β_q·quality alone), with the
    kernel's own counter-based draws."""
    n, k = aware.shape
    # every other term of the utility is 0: β_price ... β_touch, and the Hill term's coefficient
    coef = np.array([0.5, search_rate, 0, 0, 0, 0, 0, 0, 0, 1.0, 1.0, 7])
    terms = np.zeros((1, 4, k))
    terms[0, 0], terms[0, 2] = V, 1.0
    terms[0, 3] = 1.0 if search_weight is None else search_weight
    seller_platform = np.arange(k)[None, :]
    on_platform = np.ones((n, k), bool) if on_platform is None else on_platform
    zeros = np.zeros((n, k), f32)
    pick = np.empty((n, 1), np.int16)
    choice_rows(100, KEYS[0], KEYS[1], occasion_mult, coef, np.array([interval]), np.array([outside]),
                np.array([k]), np.arange(k)[None, :], seller_platform, terms, np.ones((n, 1), bool), np.ones(n, f32),
                np.ones(n, f32), on_platform, aware.astype(f32), np.zeros((n, k), np.int8), np.zeros((n, k), bool),
                zeros, zeros, zeros, zeros, np.full((n, k), -16384, np.int16), np.zeros((n, k), np.int32), pick)
    return pick[:, 0]


def test_logit_frequencies_match_softmax():
    n = 40_000
    pick = _picks(np.array([0.0, 1.0, -1.0]), np.ones((n, 3), bool), outside=0.5)
    w = np.exp([0.5, 0.0, 1.0, -1.0])
    p = w / w.sum()
    got = np.array([(pick == -1).mean()] + [(pick == k).mean() for k in range(3)])
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(got - p) < 4 * se)


def test_brands_not_considered_are_never_chosen_and_empty_sets_buy_nothing():
    aware = np.array([[False, True], [False, False]] * 500)
    pick = _picks(np.array([5.0, 0.0]), aware, outside=-50.0)
    # brand 0 is far better but not considered; the outside option's chance is e^-50
    assert (pick[::2] == 1).all() and (pick[1::2] == -1).all()


def test_organic_search_finds_sellers_in_proportion_to_their_weight_on_the_consumers_platforms():
    n = 40_000
    on_platform = np.ones((n, 3), bool)
    on_platform[: n // 2, 2] = False  # half the consumers cannot find the third seller
    # aware of nothing, every consumer searches; the outside option is never taken
    pick = _picks(np.zeros(3), np.zeros((n, 3), bool), outside=-50.0, search_rate=1.0,
                  search_weight=np.array([1.0, 3.0, 4.0]), on_platform=on_platform)
    for rows, w in ((slice(0, n // 2), np.array([1.0, 3.0, 0.0])), (slice(n // 2, n), np.array([1.0, 3.0, 4.0]))):
        p = w / w.sum()
        got = np.array([(pick[rows] == k).mean() for k in range(3)])
        assert np.all(np.abs(got - p) < 4 * np.sqrt(p * (1 - p) / (n // 2)) + 1e-12)


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
    aware = np.ones((n, 1), bool)
    base = (_picks(np.zeros(1), aware, interval=20.0) > -2).mean()
    holiday = (_picks(np.zeros(1), aware, interval=20.0, occasion_mult=3.0) > -2).mean()
    # binomial proportions of 100,000 consumers: 4 standard errors
    assert base == pytest.approx(0.05, abs=4 * np.sqrt(0.05 * 0.95 / n))
    assert holiday == pytest.approx(0.15, abs=4 * np.sqrt(0.15 * 0.85 / n))
