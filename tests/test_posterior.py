"""Scenario files with a posterior block: replication k of every arm runs on draw k (sim/posterior.py)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from sim.cli import app
from sim.config import SimConfig
from sim.study.runs import scenario_jobs
from sim.study.scenario import load_scenario
from sim.sweeps.experiment import load_experiment
from sim.sweeps.sweep import payload, run_rows

DRAWS = {"fatigue.tolerance_mean": [3.0, 9.0, 27.0], "fatigue.window_days": [3.4, 9.6, 5.0]}
SCENARIO = {
    "name": "post",
    "base": {"population.agents": 150, "run.warmup_days": 3},
    "arms": {"today": {"brands.0.strategy": "public_only"},
             "wide": {"brands.0.strategy": "hybrid", "fatigue.tolerance_mean": 30}},
    "replications": 4, "days": 3,
    "posterior": {"source": "test", "draws": DRAWS},
}


def write(tmp_path: Path, doc: dict, name: str = "post.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


def test_replication_k_runs_on_draw_k_and_arms_keep_what_they_set(tmp_path):
    sc = load_scenario(write(tmp_path, SCENARIO))
    jobs = scenario_jobs(sc)
    assert len(jobs) == 8
    for job in jobs:
        k = job.replication
        warm = SimConfig.model_validate_json(job.warmup)
        cfg = SimConfig.model_validate_json(job.config)
        assert warm.fatigue.tolerance_mean == DRAWS["fatigue.tolerance_mean"][k % 3]  # draws cycle: k mod 3
        assert warm.fatigue.window_days == round(DRAWS["fatigue.window_days"][k % 3])  # an integer field is rounded
        assert cfg.fatigue.window_days == warm.fatigue.window_days
        # the arm that sets the tolerance itself keeps its value; the other runs on the draw
        assert cfg.fatigue.tolerance_mean == (30 if job.arm == "wide" else warm.fatigue.tolerance_mean)
    # arms of one replication warm up on the same market: their differences stay paired
    by_k = {}
    for job in jobs:
        by_k.setdefault(job.replication, set()).add(job.warmup)
    assert all(len(v) == 1 for v in by_k.values())


def test_set_on_the_command_line_wins_over_the_draws(tmp_path):
    sc = load_scenario(write(tmp_path, SCENARIO), overrides={"fatigue.tolerance_mean": 11})
    for job in scenario_jobs(sc):
        assert SimConfig.model_validate_json(job.warmup).fatigue.tolerance_mean == 11


def test_a_sweep_of_a_calibrated_scenario_runs_each_replication_on_its_draw(tmp_path):
    scen = write(tmp_path, SCENARIO)
    exp = {"scenario": str(scen), "parameters": {"fatigue.window_days": {"values": [2]}},
           "base": {"fatigue.tolerance_mean": 5}, "replications": 2, "days": 2,
           "metrics": {"summary": ["profit"]}, "out": str(tmp_path / "sw")}
    e = load_experiment(write(tmp_path, exp, "e.yaml"))
    # the experiment's own base sets the tolerance: that path leaves the draws; the swept window wins too
    assert set(e.posterior.draws) == {"fatigue.window_days"}
    pl = payload(e)
    spec = {"run_id": "x", "point": 0, "arm": "base", "replication": 1, "params": {"fatigue.window_days": 2}}
    rows, _ = run_rows(pl, spec)
    assert len(rows) == 1 and rows["profit"].notna().all()
    # without the experiment's own settings the draws apply: a different fingerprint, so no mixing of folders
    exp2 = {k: v for k, v in exp.items() if k != "base"}
    e2 = load_experiment(write(tmp_path, exp2, "e2.yaml"))
    assert set(e2.posterior.draws) == set(DRAWS) and e2.fingerprint() != e.fingerprint()


def _check(path: Path) -> str:
    res = CliRunner().invoke(app, ["check", str(path)])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    return " ".join(res.output.split())


def test_draws_of_unequal_length_are_refused(tmp_path):
    doc = json.loads(json.dumps(SCENARIO))
    doc["posterior"]["draws"]["fatigue.window_days"] = [3, 4]
    msg = _check(write(tmp_path, doc))
    assert "post.yaml:" in msg and "posterior.draws" in msg and "same number of draws" in msg


def test_a_draw_outside_the_parameter_range_names_its_path_and_line(tmp_path):
    doc = json.loads(json.dumps(SCENARIO))
    doc["posterior"]["draws"]["fatigue.window_days"] = [3, -2, 5]
    p = write(tmp_path, doc)
    line = next(i for i, t in enumerate(p.read_text().splitlines(), 1) if "fatigue.window_days" in t
                and "posterior" not in t and i > 10)
    msg = _check(p)
    assert f"post.yaml:{line}: posterior.draws.fatigue.window_days" in msg and "draw 1" in msg
