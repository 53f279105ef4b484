"""sim explain: a standalone page that scrubs through knobs, offline, in headless Chromium."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.files.errors import UserError
from sim.teach.explain import DEFAULT_FILE, load_explainer
from tests.browser import ARTIFACTS, guarded_context

runner = CliRunner()

# reduced for CI: 2 × 2 runs of 400 consumers over 120 days
SMALL = """\
name: small
title: {en: Competition, zh: 竞争}
base: {population.agents: 400, run.warmup_days: 20}
knobs:
  n_brands: [5, 40]
  private_share: [0.1, 0.9]
days: 120
seed: 2
"""


def test_the_default_explainer_is_valid():
    ef, base, settings = load_explainer(DEFAULT_FILE)
    assert len(settings) == 4 * 3 and settings[0] == {"n_brands": 5, "private_share": 0.1}


@pytest.mark.parametrize("edit, key, line", [
    (("n_brands: [5, 40]", "n_brandz: [5, 40]"), "knobs.n_brandz", 5),
    (("private_share: [0.1, 0.9]", "private_share: [0.1, 1.9]"), "knobs.private_share", 6),
    (("days: 120", "dayz: 120"), "dayz", 7),
])
def test_a_bad_explainer_names_file_key_and_line(tmp_path, edit, key, line):
    p = tmp_path / "x.yaml"
    p.write_text(SMALL.replace(*edit), encoding="utf-8")
    with pytest.raises(UserError) as ei:
        load_explainer(p)
    assert (ei.value.key, ei.value.line) == (key, line), str(ei.value)
    res = runner.invoke(app, ["explain", str(p), "--out", str(tmp_path / "page.html")])
    assert res.exit_code == 2 and "Traceback" not in res.output and f"x.yaml:{line}" in res.output
    assert not (tmp_path / "page.html").exists()


@pytest.mark.slow
def test_the_page_works_offline_and_its_slider_changes_the_charts(tmp_path):
    """Done-when: open the page from disk with the network off, move its slider, the chart changes."""
    from playwright.sync_api import sync_playwright

    src = tmp_path / "small.yaml"
    src.write_text(SMALL, encoding="utf-8")
    page_file = tmp_path / "page.html"
    res = runner.invoke(app, ["explain", str(src), "--out", str(page_file), "--workers", "2"])
    assert res.exit_code == 0, res.output
    assert "<script src=" not in page_file.read_text(encoding="utf-8")  # one file: plotly.js is inlined
    visible = """id => { const gd = document.getElementById(id);
        return gd.data.filter(t => t.visible === true).map(t => t.y); }"""
    errors: list[str] = []
    with sync_playwright() as p:
        browser, ctx, refused = guarded_context(p, "file://", offline=True)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= 4")
        before = {c: page.evaluate(visible, f"chart-{c}") for c in ("cac", "waste", "pools", "profit")}
        assert all(len(v) >= 1 for v in before.values())
        # drag the first chart's slider to its last value (40 brands)
        rail = page.locator("#chart-cac g.slider-container rect.slider-rail-touch-rect").first.bounding_box()
        page.mouse.click(rail["x"] + rail["width"] * 0.98, rail["y"] + rail["height"] / 2)
        page.wait_for_function("document.body.dataset.run === '2'")  # n_brands index 1, private_share index 0
        after = {c: page.evaluate(visible, f"chart-{c}") for c in ("cac", "waste", "pools", "profit")}
        assert after["cac"] != before["cac"] and after["waste"] != before["waste"]
        # every chart follows the slider of the first, which shows its new value
        assert page.evaluate("document.getElementById('chart-profit').layout.sliders[0].active") == 1
        shown = page.evaluate("document.querySelector('#chart-cac g.slider-container text.slider-label')"
                              ".textContent")
        assert shown.endswith(": 40"), shown
        # the charts say what competition does: at 40 brands the mean CPM is higher than at 5
        mean = lambda ys: sum(v for v in ys if v is not None) / max(1, sum(v is not None for v in ys))  # noqa: E731
        assert mean(after["cac"][0]) > mean(before["cac"][0])
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explain_page.png"), full_page=True)
        browser.close()
    assert not errors, errors
    assert not refused, refused
