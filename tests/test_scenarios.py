"""Built-in scenarios run with --quick, and their headline direction matches their stylized fact
(five more are run by the stylized facts in tests/validation).

Each scenario runs once per session (3 replications, fewer agents at a larger scale; the
horizon is the scenario's own). Directions are asserted on paired differences or on all
replications, not on a single lucky run.
"""

from __future__ import annotations

import pytest

from sim.builtin import SCENARIO_DIR
from sim.study.kpis import focal_brands, kpi_table
from sim.study.report import summary_table
from sim.study.runs import run_scenario
from sim.study.scenario import load_scenario

_cache: dict[str, tuple] = {}


def quick(name: str):
    if name not in _cache:
        sc = load_scenario(SCENARIO_DIR / f"{name}.yaml", quick=True)
        results = run_scenario(sc, workers=2)
        kpis = kpi_table(results, focal_brands(sc))
        _cache[name] = (sc, results, kpis, summary_table(kpis, sc.reference_of).set_index(["arm", "kpi"]))
    return _cache[name]


def _diff(table, arm, kpi):
    r = table.loc[(arm, kpi)]
    return r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"]


pytestmark = pytest.mark.slow


def test_baseline_private_cultivation_shifts_profit_to_existing_customers():
    """S8/F4: a cultivated pool raises the share of profit from existing customers."""
    _, _, _, t = quick("baseline")
    m, lo, _ = _diff(t, "private_cultivate", "profit_share_existing")
    assert lo > 0, m


# rising_cac, group_saturation, durables_vs_fmcg, property_rights and harvest_vs_cultivate are checked
# by F1/F12, F7, F5, F9 and F6 in tests/validation/test_stylized_facts.py, at the same --quick size and with the
# facts' bands (stronger than the directions once asserted here), so they are not run twice.


def test_ad_fatigue_wasted_share_and_cac_rise_as_tolerance_falls():
    """S3/F3: past the tolerance cap, spend is wasted and CAC rises."""
    _, _, k, t = quick("ad_fatigue")
    means = k.groupby("arm")["wasted_share"].mean()
    assert means["tolerance_15"] < means["tolerance_8"] < means["tolerance_4"]
    assert _diff(t, "tolerance_4", "wasted_share")[1] > 0.2
    assert _diff(t, "tolerance_4", "cac_public")[1] > 0


def test_complementary_alliance_keeps_the_pool_active():
    """S12/F8: a complementary alliance raises pool activity; a same-category one does not raise profit."""
    _, _, _, t = quick("alliances")
    assert _diff(t, "complementary", "pool_active")[1] > 0
    same = _diff(t, "same_category", "profit")
    comp = _diff(t, "complementary", "profit")
    assert same[0] < comp[0]
