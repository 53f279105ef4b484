"""sim optimize: the search finds what a fine grid finds, keeps a furniture brand's pool off, reports an
unbiased gain, resumes after SIGKILL with the same trials, and refuses bad files with file, key and line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.reporting import mean_ci
from sim.study.scenario import load_scenario
from tests.decide_markets import small_market, write_market

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _file(tmp_path: Path, doc: dict, name: str = "opt.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def price_market(tmp_path_factory):
    folder = tmp_path_factory.mktemp("price")
    cfg = small_market(agents=600, warmup=40)
    return cfg, write_market(folder / "market.yaml", cfg)


def test_one_decision_lands_where_a_fine_grid_on_the_same_seeds_has_its_optimum(price_market, tmp_path):
    """The focal brand's bid, as a multiple of one order's contribution: bid too little and it buys no
    impressions, too much and it pays more per customer than the customer is worth. The grid's plateau
    (multiples whose paired difference from the grid's best has a 95 % CI that reaches 0) plus one grid
    step (on the log scale of the search) is the tolerance; the optimiser must choose inside it."""
    cfg, market = price_market
    reps, days, lo, hi = 4, 90, 0.2, 6.0
    opt = {"base": str(market), "days": days, "objective": "profit",
           "decisions": {"strategy.bid_lifetime_multiple": {"low": lo, "high": hi, "scale": "log"}},
           "budget_runs": 4 + 4 + 2 * 4 + 14 * reps, "replications": reps, "seed": 7, "batch": 4,
           "confirm": {"candidates": 2, "replications": 4}, "out": str(tmp_path / "opt")}
    res = sim.optimize(opt, workers=2)
    best = res.result["best"]["strategy.bid_lifetime_multiple"]
    grid = np.geomspace(lo, hi, 13)
    own = cfg.strategies[cfg.brands[0].strategy].model_dump(mode="json")  # brand 0 alone changes its bids

    def profit_at(x: float, k: int) -> float:  # the oracle: the run path itself, the same seeds as the search
        arm = sim.with_overrides(cfg, {"strategies.mine": {**own, "bid_lifetime_multiple": float(x)},
                                       "brands.0.strategy": "mine"})
        r = sim.run(arm, seed=[7, k], days=days, base_config=cfg.model_copy(deep=True), keep=("summary",))
        return float(r.summary.loc[0, "profit"])

    profit = np.array([[profit_at(x, k) for k in range(reps)] for x in grid])
    j = int(profit.mean(axis=1).argmax())
    plateau = [x for i, x in enumerate(grid) if i == j or mean_ci(profit[i] - profit[j])[2] >= 0]
    step = grid[1] / grid[0]
    assert 0 < j < len(grid) - 1, f"the grid's optimum {grid[j]} should be inside the range for this test to bite"
    assert len(plateau) <= len(grid) // 2, f"a flat response makes the tolerance meaningless: {plateau}"
    assert min(plateau) / step <= best <= max(plateau) * step, (best, plateau, profit.mean(axis=1).round())


@pytest.fixture(scope="module")
def furniture_market(tmp_path_factory):
    folder = tmp_path_factory.mktemp("furniture")
    full = sim.default_config()
    brands = [full.brands[i] for i in (0, 1, 2, 15, 16, 17)]  # three snack brands, three furniture brands
    cfg = sim.with_overrides(small_market(agents=600, warmup=40), {})
    data = cfg.model_dump(mode="python")
    data["brands"] = [b.model_dump(mode="python") for b in brands]
    data["market"]["focal_brand"] = 3
    cfg = sim.config.validate_config(data)
    return write_market(folder / "market.yaml", cfg)


def test_in_the_furniture_market_the_search_keeps_the_private_pool_off(furniture_market, tmp_path):
    """F5: rarely bought goods repurchase rarely; a pool's wages and content cost more than it earns."""
    opt = {"base": str(furniture_market), "brand": 3, "days": 180, "objective": "profit",
           "decisions": {"brands.3.strategy": {"choices": ["public_only", "hybrid", "private_cultivate"]},
                         "strategy.private_share": {"low": 0.0, "high": 0.6}},
           "budget_runs": 2 + 4 + 2 * 4 + 10 * 2, "replications": 2, "seed": 3, "batch": 5,
           "confirm": {"candidates": 2, "replications": 4}, "out": str(tmp_path / "opt")}
    study = sim.optimize(opt, workers=2)
    best = study.result["best"]
    assert best["brands.3.strategy"] == "public_only" or best["strategy.private_share"] <= 0.1, best
    trials = study.trials
    assert set(trials["brands.3.strategy"]) == {"public_only", "hybrid", "private_cultivate"}  # all were tried
    pooled = trials.loc[trials["brands.3.strategy"] != "public_only", "objective"].max()
    assert study.result["best_value"]["search"] > pooled, (study.result["best_value"], pooled)
    # best.yaml: today against the best on seeds neither the search nor the confirmation used, and under
    # --quick at the study's own --quick size with every confirmation replication
    best_file = tmp_path / "opt" / "best.yaml"
    sc = load_scenario(best_file, quick=True)
    assert set(sc.arms) == {"current", "best"} and sc.reference == "current" and sc.seed == 4
    assert sc.replications == 4  # (a scenario's default --quick keeps 3)
    assert yaml.safe_load(best_file.read_text(encoding="utf-8"))["quick"] == {"agents": 1000, "replications": 4}


def test_when_every_candidate_is_equal_the_fresh_seed_gain_covers_zero(price_market, tmp_path):
    """Two studies whose candidates are all as good as today's strategy.

    1. A competitor's name: it changes no draw and no number, so every paired difference is exactly 0 and
       so is the reported gain (a pairing slip, different seeds for today and the candidate, would not be).
    2. The social graph's rewiring probability, 0.08 to 0.13 (today 0.10): a graph of the same kind whose
       friendships fall elsewhere, so the runs' paths differ while word of mouth, a weak force here, moves
       the brand's profit by no measurable amount. Candidates then differ by noise: the chosen one's edge
       on the search seeds is positive by selection (the winner's curse), and its gain on fresh seeds must
       have a 95 % interval that covers 0. (Over seeds 11-16 the fresh gains were -69 to +11 RMB, every
       interval covering 0, while the in-sample edges were +79 to +132 RMB whenever the pick was not today.)"""
    _, market = price_market
    base = {"base": str(market), "days": 60, "objective": "profit", "replications": 3, "seed": 11, "batch": 6}
    same = sim.optimize({**base, "decisions": {"brands.7.name": {"choices": ["a", "b"]}},
                         "confirm": {"candidates": 1, "replications": 4}, "budget_runs": 3 + 4 + 4 + 2 * 3,
                         "out": str(tmp_path / "same")}, workers=2).result
    assert same["gain"] == {"mean": 0.0, "lo": 0.0, "hi": 0.0}
    noisy = sim.optimize({**base, "decisions": {"graph.rewire_prob": {"choices": [0.08, 0.09, 0.1, 0.11, 0.12, 0.13]}},
                          "confirm": {"candidates": 2, "replications": 6}, "budget_runs": 3 + 6 + 2 * 6 + 6 * 3,
                          "out": str(tmp_path / "noisy")}, workers=2)
    r = noisy.result
    assert r["best"]["graph.rewire_prob"] != 0.1  # (today's own value would make every difference 0)
    in_sample = r["best_value"]["search"] - r["current_value"]["search"]
    assert in_sample > 0, r  # chosen because its draws were kind
    g = r["gain"]
    assert g["lo"] <= 0 <= g["hi"], g


def test_a_study_killed_with_sigkill_resumes_with_the_same_trials_and_no_run_twice(tmp_path):
    cfg = small_market(agents=300, warmup=10, brands=5)
    market = write_market(tmp_path / "market.yaml", cfg)
    doc = {"base": str(market), "days": 20, "objective": "profit",
           "decisions": {"strategy.private_share": {"low": 0.0, "high": 0.5},
                         "brands.0.strategy": {"choices": ["public_only", "hybrid"]}},
           "budget_runs": 2 + 4 + 4 + 12 * 2, "replications": 2, "seed": 5, "batch": 3,
           "confirm": {"candidates": 1, "replications": 4}}
    path = _file(tmp_path, doc)
    whole = sim.optimize(path, out=tmp_path / "whole", workers=1)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim.cli", "optimize", str(path), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    log = out / "runs.log"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not log.exists() or len(log.read_text().split()) < 9):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = len(log.read_text().split())
    assert 9 <= before < 34, before
    again = sim.optimize(path, out=out, workers=2)
    keys = log.read_text().split()
    assert len(keys) == len(set(keys)) == 34  # every run once, whether before or after the kill
    assert (whole.result["runs_new"], again.result["runs_new"]) == (34, 34 - before)  # runs/s counts only new runs
    cols = ["trial", "state", "strategy.private_share", "brands.0.strategy", "objective"]
    pd.testing.assert_frame_equal(again.trials[cols], whole.trials[cols])
    assert again.result["best"] == whole.result["best"] and again.result["gain"] == whole.result["gain"]


def test_a_changed_file_is_refused_in_an_existing_study_folder(tmp_path):
    cfg = small_market(agents=200, warmup=5, brands=4)
    market = write_market(tmp_path / "market.yaml", cfg)
    doc = {"base": str(market), "days": 10, "decisions": {"brands.0.price": {"low": 30, "high": 60}},
           "budget_runs": 2 + 4 + 4 + 2 * 2, "replications": 2, "confirm": {"candidates": 1, "replications": 4}}
    path = _file(tmp_path, doc)
    out = tmp_path / "study"
    sim.optimize(path, out=out, workers=1)
    doc["decisions"]["brands.0.price"]["high"] = 70
    _file(tmp_path, doc)
    res = CliRunner().invoke(app, ["optimize", str(path), "--out", str(out), "--workers", "1"])
    assert res.exit_code == 2 and "different file" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(app, ["optimize", str(path), "--out", str(out), "--workers", "1", "--no-resume"])
    assert res.exit_code == 0, res.output
    assert json.loads((out / "result.json").read_text())["trials"] == 2


BAD = [
    ({"objective": "proft"}, "objective", "unknown summary metric 'proft'"),
    ({"decisions": {"brands.0.prise": {"low": 1, "high": 2}}}, "decisions.brands.0.prise", "not a parameter"),
    ({"decisions": {"brands.0.price": {"low": 60, "high": 30}}}, "decisions.brands.0.price", "low must be below"),
    ({"decisions": {"strategy.push_per_day": {"low": 0, "high": 99}}}, "decisions.strategy.push_per_day", "99"),
    ({"decisions": {"strategy.adaptive_review_days": {"low": 7, "high": 60}}},
     "decisions.strategy.adaptive_review_days", "integer: true"),
    ({"decisions": {"brands.0.strategy": {"choices": ["public_only", "nope"]}}}, "decisions.brands.0.strategy",
     "unknown strategy"),
    ({"brand": 40}, "brand", "does not exist"),
    ({"budget_runs": 10}, "budget_runs", "room for"),
    ({"base": "no_such_scenario"}, "base", "no scenario file"),
]


@pytest.mark.parametrize(("change", "key", "words"), BAD, ids=[b[1] + ":" + b[2][:12] for b in BAD])
def test_a_bad_optimisation_file_exits_2_naming_file_key_and_line(tmp_path, change, key, words):
    doc = {"base": "baseline", "days": 30, "objective": "profit",
           "decisions": {"brands.0.price": {"low": 30, "high": 60}}, "budget_runs": 60, "replications": 2}
    doc.update(change)
    path = _file(tmp_path, doc)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["optimize", str(path), "--out", str(out), "--workers", "1"])
    msg = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and not out.exists()
    yaml_key = key.removeprefix("decisions.")  # the key as written in the file (decisions' keys are dotted)
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if t.strip().startswith(f"{yaml_key}:"))
    assert f"opt.yaml:{line}: {key}" in msg and words in msg, msg
