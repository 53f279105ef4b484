"""The pass rule of docs/MODEL.md §1: a fact passes only when the 95% CI lies inside its band."""

import math

from sim.validate.checks import Check, Down, FactResult, Up
from sim.validate.facts import FACTS, facts_frame


def test_ci_inside_the_band_passes_straddling_fails():
    assert Check("x", [0.50, 0.52, 0.48, 0.51, 0.49], 0.40, 0.60).passed
    # the mean is inside but the interval is not: an underpowered test cannot pass
    assert not Check("x", [0.30, 0.70, 0.45, 0.62], 0.40, 0.60).passed
    assert not Check("x", [0.70, 0.72, 0.71], 0.40, 0.60).passed


def test_directional_checks_need_the_ci_to_exclude_zero():
    assert Check("gain", [3.0, 4.0, 5.0], 0.0).passed
    assert not Check("gain", [3.0, -1.0, 5.0], 0.0).passed
    assert Check("loss", [-3.0, -4.0, -5.0], high=0.0).passed
    assert Up("gain", [3.0, 4.0, 5.0]).passed and not Up("gain", [3.0, -1.0, 5.0]).passed
    assert Down("loss", [-3.0, -4.0, -5.0]).passed and not Down("loss", [3.0, 4.0, 5.0]).passed


def test_a_directional_fact_needs_its_declared_minimum_effect():
    """§9: the CI of the paired difference excludes zero and the effect is at least its minimum."""
    assert Up("gain", [0.17, 0.18, 0.19], 0.15).passed
    # the CI excludes zero but the effect is below the declared minimum
    assert not Up("gain", [0.10, 0.11, 0.12], 0.15).passed
    # a mean at the minimum with the CI reaching below it still passes (the minimum is on the effect)
    assert Up("gain", [0.13, 0.15, 0.17], 0.15).passed
    assert Down("change", [-0.4, -0.35, -0.45], -0.30).passed
    assert not Down("change", [-0.2, -0.25, -0.22], -0.30).passed


def test_no_effect_passes_only_inside_the_equivalence_margin():
    same = dict(direction=-1, high=0.0, equivalence=0.02)
    assert Check("rel", [0.001, -0.004, 0.003, 0.0], **same).passed  # equivalent
    assert Check("rel", [-0.10, -0.12, -0.11], **same).passed  # lower
    # underpowered: a wide CI around zero is neither equivalent nor lower
    assert not Check("rel", [0.08, -0.09, 0.05, -0.06], **same).passed
    assert not Check("rel", [0.05, 0.06, 0.07], **same).passed


def test_single_values_and_empty_facts():
    assert Check("docking error", [0.004], high=0.02).passed
    assert not Check("docking error", [0.03], high=0.02).passed
    assert not Check("nothing", [], 0, 1).passed
    unmeasured = FactResult("F3", "fatigue cap", "sweep", [], note="not measured yet")
    assert not unmeasured.passed
    row = facts_frame([unmeasured]).iloc[0]
    assert not row["pass"] and math.isnan(row["mean"])


def test_every_fact_of_the_brief_is_listed():
    assert list(FACTS) == [f"F{i}" for i in range(1, 14)]


def test_fatigue_curve_bins_waste_by_reach_breadth():
    """The F3 measurement: waste by reach breadth x = brands reaching a consumer in the window / tolerance."""
    import sim
    from tests.conftest import small_config

    def curve(tolerance):
        ov = {"fatigue.tolerance_mean": tolerance, "fatigue.tolerance_sd": 0.0}
        r = sim.run(small_config(agents=1500, warmup=5, **ov), seed=1, days=10)
        m = r.market
        b = r.daily.query("entity_type == 'brand'")
        valid, wasted = m.filter(like="valid_x").sum(), m.filter(like="wasted_x").sum()
        # the bins account for every valid and wasted impression
        assert valid.sum() == b["impressions_valid"].sum() and wasted.sum() == b["impressions_wasted"].sum()
        assert (m["reach_x_mean"] > 0).all() and set(m["day"]) == set(range(1, 11))
        return valid.to_numpy(), wasted.to_numpy()

    valid, wasted = curve(2.0)
    assert wasted[-1] / valid[-1] > 0.5  # x >= 2: four or more brands for two places
    valid, wasted = curve(50.0)
    assert wasted.sum() == 0 and valid[0] == valid.sum()  # nobody near a cap of 50: all at x < 0.5, no waste


def test_orders_from_clicks_are_a_subset_of_orders():
    import sim
    from tests.conftest import small_config

    r = sim.run(small_config(agents=1500, warmup=5), seed=2, days=10)
    b = r.daily.query("entity_type == 'brand'")
    assert 0 < b["orders_from_clicks"].sum() <= b["clicks"].sum()
    assert (b["orders_from_clicks"] <= b["orders"]).all()
