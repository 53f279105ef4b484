"""Shared set-up of the browser tests: Debian's Chromium through Playwright, nothing outside allowed."""

from __future__ import annotations

import os
from pathlib import Path

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parent / "artifacts"))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def guarded_context(p, allowed: str, offline: bool, viewport: dict | None = None):
    """Launch Chromium and a context in which every request not starting with ``allowed`` is aborted.

    Returns (browser, context, refused): ``refused`` collects the URLs aborted, for the test to assert on.
    """
    assert Path(CHROMIUM).exists(), "Chromium is missing: .ci/run and `make test` install Debian's chromium"
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    ctx = browser.new_context(offline=offline, viewport=viewport or {"width": 1300, "height": 900})
    refused: list[str] = []

    def guard(route):
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    return browser, ctx, refused
