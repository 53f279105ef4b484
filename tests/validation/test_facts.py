"""The pass rule of MODEL_BRIEF §9: a fact passes only when the 95% CI lies inside its band."""

import math

from sim.facts import FACTS, Check, FactResult, facts_frame


def test_ci_inside_the_band_passes_straddling_fails():
    assert Check("x", [0.50, 0.52, 0.48, 0.51, 0.49], 0.40, 0.60).passed
    # the mean is inside but the interval is not: an underpowered test cannot pass
    assert not Check("x", [0.30, 0.70, 0.45, 0.62], 0.40, 0.60).passed
    assert not Check("x", [0.70, 0.72, 0.71], 0.40, 0.60).passed


def test_directional_checks_need_the_ci_to_exclude_zero():
    assert Check("gain", [3.0, 4.0, 5.0], 0.0).passed
    assert not Check("gain", [3.0, -1.0, 5.0], 0.0).passed
    assert Check("loss", [-3.0, -4.0, -5.0], high=0.0).passed


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
