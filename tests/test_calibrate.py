"""sim calibrate: known parameters are recovered from their own figures, an unreachable figure is flagged,
results do not depend on the workers, a killed calibration resumes with no run twice, and the calibrated
scenario runs each replication on a posterior draw."""

from __future__ import annotations

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
from sim.decide.calibrate import fit_warnings
from sim.decide.load import load_calibration
from sim.study.scenario import load_scenario
from tests.decide_markets import small_market, write_market

ROOT = Path(__file__).resolve().parents[1]
TRUTH = {"fatigue.tolerance_mean": 4.0, "categories.0.purchase_interval_days": 14.0,
         "platforms.0.ad_slots_per_user": 10.0}
PRIORS = {"fatigue.tolerance_mean": {"low": 2, "high": 12},
          "categories.0.purchase_interval_days": {"low": 5, "high": 40, "scale": "log"},
          "platforms.0.ad_slots_per_user": {"low": 3, "high": 30, "scale": "log"}}


def _file(tmp_path: Path, doc: dict, name: str = "cal.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


@pytest.mark.slow
def test_known_parameters_are_recovered_from_their_own_figures(tmp_path):
    """Figures simulated at known values on a seed the calibration never uses ([99, 0]; it draws from
    [1000, ...]) must put each true value inside its 90 % posterior interval, and the interval must be
    narrower than the prior's own 90 % range (the data taught something). The sd's are about twice each
    figure's run-to-run spread at the truth, as a brand unsure of its dashboard would state them."""
    cfg = small_market(agents=800, warmup=40)
    market = write_market(tmp_path / "market.yaml", cfg)
    days = 60
    obs = sim.run(sim.with_overrides(cfg, TRUTH), seed=[99, 0], days=days, keep=("summary",)).summary.loc[0]
    sd = {"wasted_share": 0.04, "cpm": 4.0, "impressions": 0.08 * float(obs["impressions"]),
          "repurchase_rate_365": 0.1, "orders": 60.0}
    doc = {"base": str(market), "days": days, "targets": {m: {"value": float(obs[m]), "sd": s} for m, s in sd.items()},
           "params": PRIORS, "budget_runs": 300, "population_size": 30, "check_runs": 20, "seed": 1000}
    res = sim.calibrate(_file(tmp_path, doc), out=tmp_path / "cal", workers=2)
    iv = res.summary["intervals"]
    for path, truth in TRUTH.items():
        r, p = iv[path], PRIORS[path]
        assert r["lo"] <= truth <= r["hi"], (path, r)
        scale = np.log if p.get("scale") == "log" else (lambda x: x)
        width = (scale(r["hi"]) - scale(r["lo"])) / (scale(p["high"]) - scale(p["low"]))
        assert width < 0.9, (path, width, r)  # a uniform prior's 90 % interval spans 0.9 of its range
    assert not [w for w in res.warnings if w.startswith("unreached")], res.warnings
    post = pd.read_parquet(tmp_path / "cal" / "posterior.parquet")
    assert set(post.columns) == {*TRUTH, "weight"} and np.isclose(post["weight"].sum(), 1.0)
    fit = pd.read_csv(tmp_path / "cal" / "fit.csv").set_index("target")
    assert (fit["simulated_lo"] <= fit["simulated_hi"]).all() and fit["reached"].all()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    cfg = small_market(agents=300, warmup=10, brands=5)
    market = write_market(folder / "market.yaml", cfg)
    obs = sim.run(sim.with_overrides(cfg, {"fatigue.tolerance_mean": 3.0}), seed=[99, 1], days=20,
                  keep=("summary",)).summary.loc[0]
    doc = {"base": str(market), "days": 20,
           "targets": {"wasted_share": {"value": float(obs["wasted_share"]), "sd": 0.05},
                       "cpm": {"value": float(obs["cpm"]), "sd": 5.0}},
           "params": {"fatigue.tolerance_mean": {"low": 1.5, "high": 8}},
           "budget_runs": 40, "population_size": 10, "check_runs": 6, "seed": 1000}
    return folder, doc


def test_a_figure_the_priors_cannot_reach_gets_the_warning_not_a_confident_fit(tiny, tmp_path):
    _, doc = tiny
    doc = {**doc, "targets": {**doc["targets"], "wasted_share": {"value": 0.98, "sd": 0.01}},
           "params": {"fatigue.tolerance_mean": {"low": 6, "high": 8}}}  # 5 brands, tolerance >= 6: no waste
    res = sim.calibrate(_file(tmp_path, doc), out=tmp_path / "cal", workers=1)
    assert "unreached:wasted_share:prior" in res.warnings, res.warnings
    assert "unreached:cpm:prior" not in res.warnings
    page = (tmp_path / "cal" / "index.html").read_text(encoding="utf-8")
    assert "wasted_share = 0.98 cannot be reached inside the priors" in page
    fit = pd.read_csv(tmp_path / "cal" / "fit.csv").set_index("target")
    assert not fit.loc["wasted_share", "reached"] and fit.loc["wasted_share", "prior_max"] < 0.5


def test_the_posterior_does_not_depend_on_the_number_of_workers(tiny, tmp_path):
    _, doc = tiny
    path = _file(tmp_path, doc)
    one = sim.calibrate(path, out=tmp_path / "one", workers=1)
    two = sim.calibrate(path, out=tmp_path / "two", workers=2)
    pd.testing.assert_frame_equal(one.posterior, two.posterior)
    pd.testing.assert_frame_equal(one.fit, two.fit)
    assert one.summary["generations"] == two.summary["generations"]


def test_a_calibration_killed_with_sigkill_resumes_with_no_run_lost_or_twice(tiny, tmp_path):
    _, doc = tiny
    path = _file(tmp_path, doc)
    whole = sim.calibrate(path, out=tmp_path / "whole", workers=1)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim.cli", "calibrate", str(path), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    log = out / "runs.log"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not log.exists() or len(log.read_text().split()) < 14):
        time.sleep(0.05)  # inside the second generation: part of it is on disk
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = len(log.read_text().split())
    total = whole.summary["runs"]
    assert 14 <= before < total, (before, total)
    again = sim.calibrate(path, out=out, workers=2)
    keys = log.read_text().split()
    assert len(keys) == len(set(keys)) == total  # nothing run twice, nothing missing
    pd.testing.assert_frame_equal(again.posterior, whole.posterior)
    pd.testing.assert_frame_equal(again.fit, whole.fit)


def test_the_calibrated_scenario_runs_each_replication_on_a_posterior_draw(tiny, tmp_path):
    _, doc = tiny
    res = sim.calibrate(_file(tmp_path, doc), out=tmp_path / "cal", workers=1)
    scen = tmp_path / "cal" / "calibrated.yaml"
    sc = load_scenario(scen)
    assert sc.posterior is not None and sc.posterior.size == len(res.posterior)
    drawn = [sc.replication(k)[0].fatigue.tolerance_mean for k in range(sc.posterior.size)]
    lo, hi = res.posterior["fatigue.tolerance_mean"].min(), res.posterior["fatigue.tolerance_mean"].max()
    assert all(lo <= x <= hi for x in drawn) and len(set(drawn)) > 1
    out = tmp_path / "report"
    run = CliRunner().invoke(app, ["run", str(scen), "--out", str(out), "--replications", "2", "--workers", "1"])
    assert run.exit_code == 0, run.output
    assert (out / "index.html").is_file() and (out / "summary.csv").is_file()
    assert CliRunner().invoke(app, ["check", str(scen)]).exit_code == 0


def test_the_warnings_name_parameters_the_targets_cannot_tell_apart(tiny, tmp_path):
    """A posterior on a ridge (one parameter a function of the other) and one as wide as its prior."""
    _, doc = tiny
    doc = {**doc, "params": {"fatigue.tolerance_mean": {"low": 1.5, "high": 8},
                             "ads.ctr": {"low": 0.005, "high": 0.05, "scale": "log"}}}
    cal = load_calibration(_file(tmp_path, doc))
    rng = np.random.default_rng(0)
    tol = rng.uniform(1.5, 8, 400)
    ridge = pd.DataFrame({"fatigue.tolerance_mean": tol, "ads.ctr": 0.005 * np.exp(0.3 * tol + rng.normal(0, 0.02,
                                                                                                       400)),
                          "weight": np.full(400, 1 / 400)})
    fit = pd.DataFrame({"target": ["cpm"], "reached": [True], "prior_min": [0.0], "prior_max": [1.0],
                        "observed": [0.5], "sd": [0.1]})
    w = fit_warnings(cal, ridge, fit)
    assert any(x.startswith("ridge:fatigue.tolerance_mean:ads.ctr") for x in w), w
    assert "uninformed:fatigue.tolerance_mean" in w  # uniform over its whole prior: the targets said nothing
    narrow = ridge.assign(**{"fatigue.tolerance_mean": rng.normal(3, 0.1, 400), "ads.ctr": rng.uniform(0.01, 0.012,
                                                                                                         400)})
    assert fit_warnings(cal, narrow, fit) == []


BAD = [
    ({"targets": {"cac_publik": {"value": 40, "sd": 5}}}, "targets.cac_publik", "unknown summary metric"),
    ({"targets": {"cac_public": {"value": 40, "sd": 0}}}, "targets.cac_public.sd", "greater than 0"),
    ({"params": {"fatigue.tolerance_mean": {"low": 9, "high": 6}}}, "params.fatigue.tolerance_mean", "low must be"),
    ({"params": {"ads.ctr": {"low": 0, "high": 0.1, "scale": "log"}}}, "params.ads.ctr", "positive low"),
    ({"params": {"graph.kind": {"low": 1, "high": 2}}}, "params.graph.kind", "not a number"),
    ({"params": {"fatigue.tolerance_mean": {"low": 6, "high": 2000}}}, "params.fatigue.tolerance_mean", "2000"),
    ({"known": {"fatigue.tolerance_mean": 10}}, "params.fatigue.tolerance_mean", "also under known"),
    ({"budget_runs": 12}, "budget_runs", "at least two ABC generations"),
    ({"brand": -1}, "brand", ""),
]


@pytest.mark.parametrize(("change", "key", "words"), BAD, ids=[b[1] + ":" + b[2][:12] for b in BAD])
def test_a_bad_calibration_file_exits_2_naming_file_key_and_line(tmp_path, change, key, words):
    doc = {"base": "baseline", "days": 30, "targets": {"cac_public": {"value": 40, "sd": 5}},
           "params": {"fatigue.tolerance_mean": {"low": 6, "high": 24}}, "budget_runs": 60}
    doc.update(change)
    path = _file(tmp_path, doc)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(out), "--workers", "1"])
    msg = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and not out.exists()
    section, _, rest = key.partition(".")
    literal = rest.rsplit(".sd", 1)[0] if section in ("params", "targets") else section
    lines = path.read_text().splitlines()
    start = next(i for i, t in enumerate(lines) if t.startswith(f"{section}:")) if section != literal else 0
    line = next(i for i, t in enumerate(lines, 1) if i > start and t.strip().startswith(f"{literal}:"))
    if key.endswith(".sd"):
        line = next(i for i, t in enumerate(lines, 1) if i > line and t.strip().startswith("sd:"))
    assert f"cal.yaml:{line}: {key}" in msg and words in msg, msg
