"""sim viz: the live app (Mesa SolaraViz) in headless Chromium, served from 127.0.0.1 only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests.browser import ARTIFACTS, guarded_context

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_app_parameters_come_from_the_configuration_tree():
    from sim.config import FatigueConfig
    from sim.teach import app

    params = app.model_params()
    tol = params["tolerance_cap"]
    lo, hi, step = FatigueConfig.model_fields["tolerance_mean"].json_schema_extra["ui"]
    assert (tol["min"], tol["max"], tol["step"]) == (lo, hi, step)
    assert tol["help"] == FatigueConfig.model_fields["tolerance_mean"].description
    assert set(params) - {"config", "seed", "n_consumers", "warmup_days"} <= set(app.KNOB_FIELDS) | {
        "n_brands", "alliance"}


def test_one_day_of_the_app_market_is_fast():
    """The app's market (2,000 consumers) must step well inside 50 ms a day for a smooth animation;
    the figure is printed (benchmarks hold the targets), the bound here only catches a gross regression."""
    from sim.teach import app

    m = app.AppModel()
    for _ in range(60):
        m.step()
    t0 = time.perf_counter()
    for _ in range(20):  # a day as the app sees it: the step and the daily rows its charts read
        m.step()
        app.market_series(m)
    ms = (time.perf_counter() - t0) / 20 * 1000
    print(f"app market: {ms:.1f} ms per simulated day (step and chart data, days 61-80)")
    assert ms < 50


def test_the_charts_series_appended_day_by_day_equal_the_recorders_frame():
    """The app appends each day's totals instead of rebuilding the tidy frame; the totals must be the
    ones the tidy frame gives, whether the series is read every day or caught up after many days."""
    from sim.teach import app

    m = app.AppModel(n_consumers=600, private_share=0.4)
    for day in range(25):
        m.step()
        if day < 10:
            app.market_series(m)  # read daily for ten days, then caught up in one go at the end
    got = app.market_series(m)
    d = m.recorder.frame()
    b, p = d[d["entity_type"] == "brand"], d[d["entity_type"] == "platform"]
    want = b.groupby("day")[list(app.MarketSeries.SUMS)].sum()
    assert got.index.tolist() == list(range(1, 26))
    np.testing.assert_allclose(got[list(app.MarketSeries.SUMS)].to_numpy(), want.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(got["cpm"].to_numpy(), p.groupby("day")["cpm"].mean().to_numpy(), rtol=1e-12)
    for strat, g in b.groupby("strategy"):
        mean_profit = g.groupby("day")["profit"].sum() / g["brand_id"].nunique()
        np.testing.assert_allclose(got[f"profit_{strat}"].to_numpy(), mean_profit.to_numpy(), rtol=1e-12)
    assert got["pool_members"].iloc[-1] > 0  # the pools chart has something to show
    # the figures draw these series
    fig = app.profit_figure(m)
    assert {tr.name for tr in fig.data} == set(b["strategy"].unique())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_viz_moves_a_slider_steps_and_the_charts_change():
    """Done-when: start `sim viz`, open it, move a slider, press Step several times, charts' data changed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "viz_server.log", "w")  # noqa: SIM115  (closed in finally; the server's output)
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "viz", "--port", str(port)], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                assert proc.poll() is None, "sim viz exited"
                assert time.monotonic() < deadline, "sim viz did not start"
                time.sleep(0.5)
        with sync_playwright() as p:
            # offline: nothing but the app itself (its websocket is not routed)
            browser, ctx, outside = guarded_context(p, f"http://127.0.0.1:{port}", offline=False,
                                                    viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 6", timeout=90_000)
            data = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
                        .map(g => (g.data || []).map(t => Array.from(t.y || []).map(Number)))"""
            # move the first slider (number of competing brands) with the keyboard
            slider = page.locator(".v-slider").nth(2)
            thumb = slider.locator("[role=slider]")
            before_value = thumb.get_attribute("aria-valuenow")
            thumb.focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            page.wait_for_timeout(1000)
            assert thumb.get_attribute("aria-valuenow") != before_value
            before = page.evaluate(data)
            step = page.get_by_role("button", name="Step")
            for _ in range(4):
                step.click()
                page.wait_for_timeout(600)
            # SolaraViz's counter: "Step: 4" in Mesa 3.3, "Time: 4.0" in Mesa 3.5 (model.time)
            page.wait_for_function(r"/(Step|Time): 4(\.0)?\b/.test(document.body.innerText)", timeout=30_000)
            # the day charts hold the days stepped; they redraw after the counter, later on a loaded machine
            longest = f"() => Math.max(0, ...({data})().slice(0, 5).flat().map(y => y.length))"
            try:
                page.wait_for_function(f"({longest})() >= 4", timeout=30_000)
            except PlaywrightTimeout:
                pass  # the assertion below says what the charts held
            after = page.evaluate(data)
            assert after != before
            series = [len(y) for chart in after[:5] for y in chart]
            assert series and max(series) >= 4, series
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "viz_app.png"), full_page=True)
            browser.close()
        assert not outside, outside
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
