"""Report craft: time axes in calendar dates with each holiday window shaded and named; the focal brand's
assumptions per arm and what each arm changes, in the configuration tree's words."""

from __future__ import annotations

import re

import pandas as pd

from sim.calendar import holiday_windows
from sim.config import BrandConfig, StrategyConfig
from sim.study.assumptions import assumptions_html, describe_path
from sim.study.charts import charts
from sim.study.kpis import focal_brands, kpi_table
from sim.study.runs import run_scenario
from sim.study.scenario import load_scenario

TINY = """\
name: tiny
base: {population.agents: 300, run.warmup_days: 5, calendar.start_date: 2025-11-01}
arms:
  a: {brands.0.strategy: public_only}
  b: {brands.0.strategy: hybrid}
replications: 2
days: 20
"""


def test_dated_axes_and_holiday_windows(tmp_path):
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    sc = load_scenario(f)
    results = run_scenario(sc)
    figs = {key: fig for key, _, fig in charts(sc, results, kpi_table(results, focal_brands(sc)), "zh")}
    line = next(t for t in figs["ch_profit"].data if t.name == "a")
    assert pd.Timestamp(line.x[0]) == pd.Timestamp("2025-11-01") and pd.Timestamp(line.x[-1]) == pd.Timestamp(
        "2025-11-20")
    # 双11: 8 to 11 November (three days of build-up); nothing else falls in these 20 days
    assert holiday_windows(sc.base.calendar, 1, 20) == [("double_11", pd.Timestamp("2025-11-08").date(),
                                                          pd.Timestamp("2025-11-11").date())]
    for key in ("ch_cpm_cac", "ch_pool", "ch_profit", "ch_wasted"):
        shaded = [s for s in figs[key].layout.shapes if s.type == "rect"]
        assert shaded and pd.Timestamp(shaded[0].x0) < pd.Timestamp("2025-11-08") < pd.Timestamp(shaded[0].x1)
        assert "双11" in [a.text for a in figs[key].layout.annotations]
    assert not [s for s in figs["ch_new"].layout.shapes]  # a bar chart by channel has no time axis


def test_the_assumptions_table_shows_each_arms_focal_figures_and_changes(tmp_path):
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    sc = load_scenario(f)
    page = "\n".join(assumptions_html(sc, focal_brands(sc), "en"))
    rows = {r.split("</td>")[0].removeprefix("<tr><td>"): re.findall(r"<td>([^<]*)</td>", r)[1:]
            for r in page.split("\n") if r.startswith("<tr><td>")}
    hybrid = sc.arms["b"].strategies["hybrid"]
    assert rows["Price (RMB)"] == [f"{sc.base.brands[0].price:,.2f}"] * 2
    assert rows["Share of the budget to the private pool"] == ["–", f"{hybrid.private_share:.0%}"]  # a runs no pool
    assert rows["Strategy"] == ["public_only", "hybrid"]
    assert "<code>brands.0.strategy</code>) = hybrid" in page
    assert describe_path("strategies.hybrid.push_per_day") == StrategyConfig.model_fields["push_per_day"].description
    assert describe_path("brands.3.price") == BrandConfig.model_fields["price"].description
    assert describe_path("no.such.path") == "no.such.path"
