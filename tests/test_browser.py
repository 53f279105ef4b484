"""The baseline report opens from disk in headless Chromium with the network off, every chart rendered, in
English and Chinese, with the sections a decision rests on: what flips the verdict (tornado and table),
what each channel truly earns, the assumptions, and time axes in calendar dates.

The market is the baseline scenario at a reduced size (500 consumers, 2 replications, 180 days, two levers with
one bisection step) so that the page is built by the code path ``sim run --sensitivity --incrementality`` runs
(about a minute on two cores); the screenshots go to tests/artifacts."""

from __future__ import annotations

import pytest

from sim.builtin import SCENARIO_DIR
from sim.executor import Executor
from sim.study.incrementality import run_with_counterfactuals
from sim.study.levers import COMPETITORS, SensitivitySpec
from sim.study.report import write_report
from sim.study.scenario import load_scenario
from sim.study.sensitivity import run_sensitivity
from tests.browser import ARTIFACTS, guarded_context

# one worker builds the module's reports once for both languages (--dist loadgroup)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("baseline_reports")]


@pytest.fixture(scope="module")
def baseline_reports():
    sc = load_scenario(SCENARIO_DIR / "baseline.yaml", overrides={"population.agents": 500}, quick=True,
                       replications=2)
    sc.days = 180  # half a year: the dated axes, at half the cost
    sc.sensitivity = SensitivitySpec(steps=1, parameters={"fatigue.tolerance_mean": (7.5, 30), COMPETITORS: (4, 18)})
    with Executor(workers=2) as ex:
        results, truths = run_with_counterfactuals(sc, executor=ex)
        found = run_sensitivity(sc, results, ex)
    out = {}
    for lang in ("en", "zh"):
        out[lang] = ARTIFACTS / f"baseline_report_{lang}"
        write_report(sc, results, out[lang], lang, 0.0, truths=truths, sensitivity=found)
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_baseline_report_renders_offline(baseline_reports, lang):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser, ctx, refused = guarded_context(p, "file://", offline=True)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((baseline_reports[lang] / "index.html").resolve().as_uri())
        page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= 7")
        charts = page.locator(".plotly-graph-div")
        n = charts.count()
        assert n == 7  # six charts and the tornado
        for i in range(n):
            chart = charts.nth(i)
            assert chart.locator(".main-svg").count() >= 1, f"chart {i} did not render"
            # every chart drew data: lines, bars or filled bands
            assert chart.locator("path.js-line, g.point path, path.js-fill").count() > 0, f"chart {i} has no data"
        # the tornado: one bar per lever and end
        assert page.locator("#tornado g.point path").count() >= 4
        assert page.locator("#sensitivity-table tr").count() == 1 + 2
        assert page.locator("#channel-truth tr").count() >= 1 + 3
        assert page.locator("#assumptions-table tr").count() > 5
        assert page.locator("#executive-summary p").count() >= 4
        # dated time axes: the first chart's x ticks name months (plotly's own date ticks, in either language)
        ticks = page.locator("#chart-0 .xtick text").all_text_contents()
        assert any(m in " ".join(ticks) for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                                    "Oct", "Nov", "Dec")), ticks
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"baseline_report_{lang}.png"), full_page=True)
        browser.close()
    assert not errors, errors
    assert not refused, refused
