"""The baseline report opens from disk in headless Chromium with the network off, every chart rendered."""

from __future__ import annotations

import pytest

from sim.report import write_report
from tests.browser import ARTIFACTS, guarded_context

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def baseline_report():
    from tests.test_scenarios import quick

    sc, results, _, _ = quick("baseline")
    out = ARTIFACTS / "baseline_report"
    write_report(sc, results, out, "en", 0.0)
    return out


def test_baseline_report_renders_offline(baseline_report):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser, ctx, refused = guarded_context(p, "file://", offline=True)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((baseline_report / "index.html").resolve().as_uri())
        page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= 6")
        charts = page.locator(".plotly-graph-div")
        n = charts.count()
        assert n == 6
        for i in range(n):
            chart = charts.nth(i)
            assert chart.locator(".main-svg").count() >= 1, f"chart {i} did not render"
            # every chart drew data: lines, bars or filled bands
            assert chart.locator("path.js-line, g.point path, path.js-fill").count() > 0, f"chart {i} has no data"
        assert "Executive summary" in page.locator("#executive-summary").inner_text() or \
            page.locator("#executive-summary p").count() >= 3
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "baseline_report.png"), full_page=True)
        browser.close()
    assert not errors, errors
    assert not refused, refused
