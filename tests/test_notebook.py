"""The teaching notebook runs top to bottom (at a reduced size) and shows what it says it shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "four_phenomena.ipynb"

pytestmark = pytest.mark.slow


def test_the_notebook_runs_and_shows_the_rise_of_cpm(monkeypatch):
    monkeypatch.setenv("SIM_NOTEBOOK_AGENTS", "500")
    monkeypatch.setenv("SIM_NOTEBOOK_DAYS", "60")
    monkeypatch.setenv("SIM_NOTEBOOK_WARMUP", "20")
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4 and all("id" in c for c in nb["cells"])
    ns: dict = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{NOTEBOOK.name}", "exec"), ns)  # noqa: S102
    comp, fatigue, sat = ns["competition"], ns["fatigue"], ns["saturation"]
    assert len(comp) == 4 and len(fatigue) == 4 and len(sat) == 3 and len(ns["alliance"]) == 2
    # what the text claims, in the directions that hold even at this size
    assert comp["cpm"].iloc[-1] > comp["cpm"].iloc[0]  # 40 brands bid the impression price above 5 brands
    assert fatigue["wasted_share"].iloc[0] > fatigue["wasted_share"].iloc[-1]  # tolerance 3 wastes more than 30
    assert ns["model"].day == 30
