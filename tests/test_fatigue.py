import numpy as np
import pytest

import sim
from sim.engine import kernels, rows
from sim.state import NEVER
from tests.conftest import small_config

KEY = np.array([21, 22], np.uint64)  # the counter key of a made-up run


def _expose(last_attended, tolerance, day, window=7, lam=1.0, enabled=True, wearout=np.inf, penalty=0.0,
            adstock=None, trust=None):
    """One call of the exposure kernel the engine runs; every pair in segment."""
    N, B = last_attended.shape
    f = np.float32
    st = dict(last_attended=last_attended.astype(np.int32), last_reached=np.full((N, B), NEVER, np.int32),
              t_paid=np.full((N, B), NEVER, np.int32),
              adstock=np.zeros((N, B), f) if adstock is None else adstock,
              awareness=np.zeros((N, B), f), trust=np.full((N, B), 0.5, f) if trust is None else trust,
              annoyance=np.zeros(N, f))
    out = {k: np.empty((N, B), f) for k in ("effective", "touch_draw")}
    out |= {k: np.empty(N, f) for k in ("valid_rows", "wasted_rows")}
    by_brand = kernels.exposure_rows(day, np.full(B, lam, f), np.ones((N, B), bool), np.asarray(tolerance, np.int32),
                                     window, enabled, f(wearout), f(penalty), f(0.5), f(np.log1p(-0.1)), f(0.9),
                                     f(0.01), KEY, *st.values(), *out.values())
    return {**st, **out, "valid_by_brand": by_brand[0], "wasted_by_brand": by_brand[1]}


def _priority(day, N, B):
    """The priority draws the kernel makes: word 1 of each pair's counter block."""
    i, b = np.divmod(np.arange(N * B), B)
    return kernels.pair_uniforms(KEY, day, i, b, 1).reshape(N, B)


def test_the_cap_attends_the_brands_with_the_smallest_priority_draws():
    N, B = 50, 8
    r = _expose(np.full((N, B), NEVER), np.full(N, 3), day=10)
    attended = r["effective"] > 0
    # λ = 1: exactly one impression per pair
    assert (r["valid_rows"] == B).all() and (r["valid_by_brand"] == N).all()
    assert (attended.sum(axis=1) == 3).all()
    rank = np.argsort(np.argsort(_priority(10, N, B), axis=1), axis=1)
    assert np.array_equal(attended, rank < 3)
    # the impressions of the brands not attended are wasted, summed per consumer and per brand
    assert (r["wasted_rows"] == B - 3).all()
    assert np.array_equal(r["wasted_by_brand"], (~attended).sum(axis=0))
    assert np.array_equal(r["last_attended"] == 10, attended)
    assert (r["last_reached"] == 10).all()


def test_brands_attended_in_the_window_keep_their_place():
    last = np.array([[9, 9, NEVER, NEVER]])  # two brands attended yesterday
    r = _expose(last, [2], day=10)
    assert (r["effective"] > 0).tolist() == [[True, True, False, False]]
    # once the window has passed they compete again: the two smallest priorities win
    r = _expose(last, [2], day=30)
    rank = np.argsort(np.argsort(_priority(30, 1, 4), axis=1), axis=1)
    assert np.array_equal(r["effective"] > 0, rank < 2)


def test_a_lowered_cap_binds_at_once():
    """Remembered brands beyond a lowered tolerance do not keep their place."""
    r = _expose(np.full((1, 6), 9), [2], day=10)  # six brands attended yesterday, tolerance now 2
    rank = np.argsort(np.argsort(_priority(10, 1, 6), axis=1), axis=1)
    assert np.array_equal(r["effective"] > 0, rank < 2)


def test_no_cap_when_fatigue_is_off():
    r = _expose(np.full((5, 8), NEVER), np.zeros(5), day=10, enabled=False)
    assert (r["effective"] == 1).all() and (r["wasted_rows"] == 0).all() and (r["wasted_by_brand"] == 0).all()


def test_wear_out_adstock_and_hill():
    # λ = 5: five impressions a pair; past 3 a day they are wasted and each costs trust
    r = _expose(np.full((1, 2), NEVER), [5], day=1, lam=5.0, wearout=3.0, penalty=0.01)
    assert r["effective"].tolist() == [[3.0, 3.0]]
    assert r["wasted_rows"].tolist() == [4.0] and r["wasted_by_brand"].tolist() == [2.0, 2.0]
    assert r["trust"][0, 0] == pytest.approx(0.5 - 0.02)
    assert r["adstock"][0, 0] == pytest.approx(3.0)
    assert r["awareness"][0, 0] == pytest.approx(1 - 0.9**3)
    assert r["annoyance"][0] == pytest.approx(0.01 * 4)
    # no impressions the next day: the stock decays by θ = 0.5
    r = _expose(np.full((1, 2), 1), [5], day=2, lam=0.0, adstock=r["adstock"])
    assert r["adstock"][0, 0] == pytest.approx(1.5)
    f = np.float32
    assert rows.hill(f(2.0), f(2.0**1.5), f(1.5)) == pytest.approx(0.5)  # half saturation at x = K
    assert rows.hill(f(-1.0), f(2.0**1.5), f(1.5)) == 0  # no stock, no response


def test_delivery_rounds_lambda_stochastically():
    """⌊λ + u⌋ has mean λ: 0.3 impressions a pair over 20,000 pairs, within 4 standard errors."""
    r = _expose(np.full((2000, 10), NEVER), np.full(2000, 99), day=3, lam=0.3)
    reached = r["last_reached"] == 3
    se = np.sqrt(0.3 * 0.7 / reached.size)
    assert abs(reached.mean() - 0.3) < 4 * se
    # no pair got more than one: the impressions are the pairs reached, per consumer and per brand
    assert np.array_equal(r["valid_rows"], reached.sum(axis=1))
    assert np.array_equal(r["valid_by_brand"], reached.sum(axis=0))


def _run(tolerance: float, enabled: bool = True, seed: int = 3):
    cfg = small_config(agents=1500, warmup=0, **{"fatigue.tolerance_mean": tolerance, "fatigue.tolerance_sd": 0.0,
                                                "fatigue.enabled": enabled})
    return sim.run(cfg, seed=seed, days=20)


def test_exposures_past_the_tolerance_cap_change_nothing_but_cost():
    """With a tolerance of 0 every valid impression is wasted: paid for, no click, no paid customer."""
    r = _run(0)
    b = r.daily[r.daily["entity_type"] == "brand"]
    assert b["ad_spend"].sum() > 0
    assert b["impressions_wasted"].sum() == pytest.approx(b["impressions_valid"].sum())
    assert b["clicks"].sum() == 0
    assert b["new_customers_paid"].sum() == 0


def test_switching_the_tolerance_cap_off_removes_the_waste():
    on = _run(2)
    off = _run(2, enabled=False)

    def wasted_share(r):
        b = r.daily[r.daily["entity_type"] == "brand"]
        return b["impressions_wasted"].sum() / b["impressions_valid"].sum()

    assert wasted_share(on) > 0.3
    assert wasted_share(off) < 0.5 * wasted_share(on)
