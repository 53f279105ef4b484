import numpy as np
import pytest

import sim
from sim import fatigue
from sim.state import NEVER
from tests.conftest import small_config


def test_attend_caps_distinct_brands_at_tolerance():
    N, B = 50, 8
    reached = np.ones((N, B), bool)
    last = np.full((N, B), NEVER, np.int32)
    tol = np.full(N, 3, np.int32)
    att = fatigue.attend(reached, last, day=10, window=7, tolerance=tol,
                         priority=np.random.default_rng(0).random((N, B)))
    assert (att.sum(axis=1) == 3).all()


def test_brands_attended_in_the_window_keep_their_place():
    reached = np.ones((1, 4), bool)
    last = np.array([[9, 9, NEVER, NEVER]], np.int32)  # two brands attended yesterday
    att = fatigue.attend(reached, last, day=10, window=7, tolerance=np.array([2]), priority=np.zeros((1, 4)))
    assert att.tolist() == [[True, True, False, False]]
    # once the window has passed they compete again (priority decides)
    att = fatigue.attend(reached, last, day=30, window=7, tolerance=np.array([2]),
                         priority=np.array([[0.9, 0.8, 0.1, 0.2]]))
    assert att.tolist() == [[False, False, True, True]]


def test_a_lowered_cap_binds_at_once():
    """Remembered brands beyond a lowered tolerance do not keep their place."""
    reached = np.ones((1, 6), bool)
    last = np.full((1, 6), 9, np.int32)  # six brands attended yesterday, tolerance now 2
    att = fatigue.attend(reached, last, day=10, window=7, tolerance=np.array([2]),
                         priority=np.array([[0.5, 0.1, 0.9, 0.3, 0.8, 0.7]]))
    assert att.tolist() == [[False, True, False, True, False, False]]


def test_adstock_and_hill():
    x = np.zeros(1, np.float32)
    fatigue.update_adstock(x, np.array([2.0], np.float32), 0.5)
    fatigue.update_adstock(x, np.array([0.0], np.float32), 0.5)
    assert x[0] == pytest.approx(1.0)
    assert fatigue.hill(np.array([2.0]), 2.0, 1.5)[0] == pytest.approx(0.5)
    eff, excess = fatigue.wear_out(np.array([5.0]), 3.0)
    assert (eff[0], excess[0]) == (3.0, 2.0)


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
