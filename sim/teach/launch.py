"""Starting the live app of ``sim viz``: the command that serves :mod:`sim.teach.app` with Solara, and the
environment that tells the app its language and the scenario whose base market it starts from."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..study.scenario import load_scenario

APP = "sim.teach.app"  # the module Solara serves


def app_command(scenario: Path | None, host: str, port: int, lang: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve the app. A bad scenario file fails here, with its line,
    before the server starts."""
    env = {**os.environ, "SIM_VIZ_LANG": lang}
    if scenario is not None:
        load_scenario(scenario)
        env["SIM_VIZ_FILE"] = str(scenario.resolve())
    cmd = [sys.executable, "-m", "solara", "run", APP, "--host", host, "--port", str(port), "--no-open",
           "--no-check-version", "--production"]
    return cmd, env
