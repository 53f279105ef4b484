"""Sweeps: experiment files, designs, run ids and seeds, executors, resume after SIGKILL, failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.files.errors import UserError
from sim.sweeps import sweep as sw
from sim.sweeps.experiment import load_experiment
from sim.sweeps.sweep import load_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

# 16 short runs: 4 design points × 2 replications × 2 arms, 300 consumers, 15 days
SMALL = """\
name: small
base:
  population.agents: 300
  run.warmup_days: 5
parameters:
  categories.0.purchase_interval_days: {range: [7, 60], scale: log}
  brands.0.unit_cost: {values: [15, 30]}
arms:
  public_only: {brands.0.strategy: public_only}
  private_cultivate: {brands.0.strategy: private_cultivate}
design: {method: grid, levels: 2}
replications: 2
days: 15
seed: 3
batch: 1
metrics: {summary: [profit, cac_public, pool_members], daily: [profit, orders]}
"""


def write(tmp_path: Path, text: str, name: str = "e.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def results(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A sweep's summary and daily rows without the timing column (the only thing allowed to differ)."""
    return load_sweep(folder).drop(columns="run_seconds"), load_sweep(folder, daily=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The small sweep, uninterrupted, in this process (1 worker)."""
    tmp = tmp_path_factory.mktemp("ref")
    exp = load_experiment(write(tmp, SMALL))
    out = run_sweep(exp, tmp / "sweep", workers=1)
    assert (out.done, out.failed, out.skipped) == (16, 0, 0)
    return exp, tmp / "sweep"


# ------------------------------------------------------------------------------ the file


@pytest.mark.parametrize("edit, key, line, words", [
    (("  brands.0.unit_cost: {values: [15, 30]}", "  brands.0.unit_cost: {values: [15, -30]}"),
     "parameters.brands.0.unit_cost", 7, "greater than or equal to 0"),
    (("  brands.0.unit_cost: {values: [15, 30]}", "  brands.0.unit_cots: {values: [15, 30]}"),
     "parameters.brands.0.unit_cots", 7, "unit_cost"),
    (("{method: grid, levels: 2}", "{method: grud, levels: 2}"), "design.method", 11, "grid"),
    (("replications: 2", "replication: 2"), "replication", 12, "replications"),
    (("summary: [profit,", "summary: [proft,"), "metrics.summary.0", 16, "profit"),
    (("range: [7, 60]", "range: [60, 7]"), "parameters.categories.0.purchase_interval_days", 6, "below"),
    (("  private_cultivate: {brands.0.strategy: private_cultivate}",
      "  private_cultivate: {brands.0.strategy: private_cultivat}"), "brands.0.strategy", 10, "private_cultivate"),
])
def test_a_bad_experiment_names_file_key_and_line(tmp_path, edit, key, line, words):
    p = write(tmp_path, SMALL.replace(*edit))
    with pytest.raises(UserError) as ei:
        load_experiment(p)
    e = ei.value
    assert (e.file, e.line) == (str(p), line) and key in (e.key or "") and words in e.message, str(e)
    res = runner.invoke(app, ["sweep", str(p), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "Traceback" not in res.output and f"e.yaml:{line}" in res.output
    assert not (tmp_path / "out").exists()


def test_sobol_needs_a_power_of_two_and_numeric_parameters(tmp_path):
    text = SMALL.replace("{method: grid, levels: 2}", "{method: sobol, samples: 6}")
    with pytest.raises(UserError, match="brands.0.unit_cost"):  # values of a sobol parameter must be numbers
        load_experiment(write(tmp_path, text.replace("[15, 30]", "[a, b]")))
    with pytest.raises(UserError, match="power of two") as ei:
        load_experiment(write(tmp_path, text))
    assert ei.value.key == "design.samples" and ei.value.line == 11


def test_designs_cover_their_ranges(tmp_path):
    base = SMALL.replace("  brands.0.unit_cost: {values: [15, 30]}\n",
                         "  brands.0.unit_cost: {values: [15, 30]}\n  population.read_attention_mean: "
                         "{range: [1, 9]}\n  market.entrants: {range: [0, 10]}\n")
    grid = load_experiment(write(tmp_path, base.replace("levels: 2", "levels: 3")))
    assert len(grid.points) == 3 * 2 * 3 * 3  # ranges at 3 levels, values at their own count
    interval = sorted({p["categories.0.purchase_interval_days"] for p in grid.points})
    assert interval == pytest.approx([7, np.sqrt(7 * 60), 60])  # log scale: the geometric midpoint
    assert all(isinstance(p["market.entrants"], int) for p in grid.points)  # an int field stays int
    for method, n in (("lhs", 16), ("sobol", 8 * (4 + 2)), ("morris", 8 * (4 + 1))):
        design = f"{{method: {method}, samples: {16 if method == 'lhs' else 8}, levels: 4, seed: 5}}"
        exp = load_experiment(write(tmp_path, base.replace("{method: grid, levels: 2}", design)))
        assert len(exp.points) == n, method
        x = np.array([p["population.read_attention_mean"] for p in exp.points])
        assert x.min() >= 1 and x.max() <= 9 and x.max() - x.min() > 4, method
        assert {p["brands.0.unit_cost"] for p in exp.points} <= {15, 30}
        again = load_experiment(write(tmp_path, base.replace("{method: grid, levels: 2}", design)))
        assert again.points == exp.points  # the design is a function of the file
    lhs = load_experiment(write(tmp_path, base.replace("{method: grid, levels: 2}", "{method: lhs, samples: 16}")))
    strata = np.floor((np.array([p["population.read_attention_mean"] for p in lhs.points]) - 1) / 8 * 16)
    assert sorted(strata) == list(range(16))  # Latin: one point in each of the 16 strata


def test_run_ids_are_stable_and_seeds_follow_the_replication(tmp_path):
    """Ids hash parameters, arm and replication; replication k has the same seed at every design point."""
    text = SMALL.replace("  brands.0.unit_cost: {values: [15, 30]}\n",
                         "  report.discount_rate_per_year: {values: [0.02, 0.2]}\n")
    exp = load_experiment(write(tmp_path, text))
    ids = [r.run_id for r in exp.runs()]
    assert len(set(ids)) == len(ids) == 16 and ids == [r.run_id for r in load_experiment(write(tmp_path, text)).runs()]
    run_sweep(exp, tmp_path / "s", workers=1)
    df = load_sweep(tmp_path / "s").set_index(["categories.0.purchase_interval_days", "report.discount_rate_per_year",
                                               "arm", "replication"])
    low, high = (df.xs(r, level="report.discount_rate_per_year") for r in (0.02, 0.2))
    # the discount rate enters NPV only: with the same seed, profit is identical across these points
    assert np.array_equal(low["profit"].to_numpy(), high["profit"].to_numpy())
    reps = df.xs(("public_only", 0.02), level=("arm", "report.discount_rate_per_year"))["profit"].unstack()
    assert (reps[0] != reps[1]).all()  # while replications differ


# ------------------------------------------------------------------------------ executors


def test_one_worker_two_workers_and_a_dask_cluster_agree(reference, tmp_path):
    """Done-when: the same sweep with 1 worker, 2 workers and a Dask LocalCluster of 2 gives identical results."""
    from distributed import LocalCluster

    exp, ref = reference
    run_sweep(exp, tmp_path / "two", workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        out = run_sweep(exp, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert out.done == 16
    want_s, want_d = results(ref)
    assert len(want_s) == 16 and want_s["run_id"].is_unique and len(want_d) == 16 * 15
    for other in ("two", "dask"):
        got_s, got_d = results(tmp_path / other)
        pd.testing.assert_frame_equal(got_s, want_s)
        pd.testing.assert_frame_equal(got_d, want_d)


def _sweep_cmd(path: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sim.cli", "sweep", str(path), "--out", str(out), *extra]


def test_a_sweep_killed_with_sigkill_resumes_with_nothing_lost_or_duplicated(reference, tmp_path):
    """Done-when: SIGKILL mid-way, resume, and find the uninterrupted sweep's run ids and values."""
    exp, ref = reference
    path = write(tmp_path, SMALL)
    out = tmp_path / "killed"
    proc = subprocess.Popen(_sweep_cmd(path, out, "--workers", "2"), cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(sw.finished_ids(out) if (out / "runs").exists() else ()) < 4:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, as when a machine is lost
    proc.wait()
    n_before = len(sw.finished_ids(out))
    assert 4 <= n_before < 16, n_before
    res = run_sweep(load_experiment(path), out, workers=1)
    assert res.skipped == n_before and res.done == 16 - n_before and res.failed == 0
    got_s, got_d = results(out)
    want_s, want_d = results(ref)
    assert got_s["run_id"].is_unique
    pd.testing.assert_frame_equal(got_s, want_s)
    pd.testing.assert_frame_equal(got_d, want_d)
    assert not [p for p in out.rglob(".*tmp-*")]  # no half-written file left behind


def test_a_worker_that_dies_has_its_runs_retried(reference, tmp_path):
    """A local worker killed mid-sweep breaks the pool; a new pool reruns what had not reported."""
    import multiprocessing as mp

    exp, ref = reference
    out = tmp_path / "lost"
    killed = []

    def kill_one() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ((out / "runs").exists() and sw.finished_ids(out)):
            time.sleep(0.02)
        children = mp.active_children()
        if children:
            os.kill(children[0].pid, signal.SIGKILL)
            killed.append(children[0].pid)

    t = threading.Thread(target=kill_one)
    t.start()
    res = run_sweep(exp, out, workers=2)
    t.join()
    assert killed and res.failed == 0 and res.done == 16
    pd.testing.assert_frame_equal(results(out)[0], results(ref)[0])


def test_a_failing_run_is_retried_once_then_recorded_and_the_sweep_goes_on(reference, tmp_path, monkeypatch):
    exp, ref = reference
    specs = exp.runs()
    flaky, broken = specs[1].run_id, specs[5].run_id
    calls: dict[str, int] = {}
    real = sw.run_rows

    def faulty(pl, spec):
        calls[spec["run_id"]] = calls.get(spec["run_id"], 0) + 1
        if spec["run_id"] == broken or (spec["run_id"] == flaky and calls[flaky] == 1):
            raise RuntimeError("injected failure")
        return real(pl, spec)

    monkeypatch.setattr(sw, "run_rows", faulty)
    out = tmp_path / "faults"
    res = run_sweep(exp, out, workers=1)
    assert (res.done, res.failed) == (15, 1) and calls[flaky] == 2 and calls[broken] == 2
    errs = sw.load_errors(out)
    assert [e["run_id"] for e in errs] == [broken] and "injected failure" in errs[0]["traceback"]
    assert broken not in sw.finished_ids(out)
    monkeypatch.setattr(sw, "run_rows", real)
    res = run_sweep(exp, out, workers=1)  # resume: the failed run is tried again, and now succeeds
    assert (res.skipped, res.done, res.failed) == (15, 1, 0) and sw.load_errors(out) == []
    pd.testing.assert_frame_equal(results(out)[0], results(ref)[0])


def test_max_runs_then_resume_and_a_changed_experiment_is_refused(reference, tmp_path):
    exp, ref = reference
    out = tmp_path / "part"
    first = run_sweep(exp, out, workers=1, max_runs=5)
    assert (first.done, first.remaining) == (5, 11)
    path = write(tmp_path, SMALL.replace("days: 15", "days: 16"))
    with pytest.raises(UserError, match="different sweep"):
        run_sweep(load_experiment(path), out, workers=1)
    assert len(sw.finished_ids(out)) == 5  # refused: nothing removed
    second = run_sweep(exp, out, workers=1)
    assert (second.skipped, second.done) == (5, 11)
    pd.testing.assert_frame_equal(results(out)[0], results(ref)[0])
    again = run_sweep(exp, out, workers=1, resume=False)  # --no-resume: every run again
    assert (again.skipped, again.done) == (0, 16)


def test_cli_sweep_and_analyze(reference, tmp_path):
    exp, ref = reference
    path = write(tmp_path, SMALL)
    res = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "s"), "--workers", "1", "--max-runs", "3"])
    assert res.exit_code == 0, res.output
    assert "3 runs done, 0 already there, 0 failed, 13 left (of 16)" in " ".join(res.output.split())
    res = runner.invoke(app, ["analyze", str(ref), "--out", str(tmp_path / "report"), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "交叉边界" in page and '<script src="plotly.min.js">' in page and "cdn.plot.ly" not in page
    res = runner.invoke(app, ["analyze", str(tmp_path / "nothing")])
    assert res.exit_code == 2 and "not a sweep folder" in res.output


def test_load_sweep_is_one_line_of_pandas(reference):
    _, ref = reference
    import sim

    direct = pd.read_parquet(ref / "runs")
    assert len(direct) == 16 and set(sim.load_sweep(ref)["run_id"]) == set(direct["run_id"])


# ------------------------------------------------------------------------------ analysis

SOBOL = """\
name: sobol_small
base: {population.agents: 300, run.warmup_days: 10}
parameters:
  categories.0.purchase_interval_days: {range: [7, 60], scale: log}
  report.discount_rate_per_year: {range: [0.01, 0.5]}
  platforms.0.reserve_cpm: {range: [5, 40]}
design: {method: sobol, samples: 8, seed: 1}
replications: 1
days: 25
metrics: {summary: [profit, npv, pool_members]}
"""


def test_analyze_reports_sobol_indices_with_confidence_intervals(tmp_path):
    """Done-when: a Sobol sweep's report has S1 and ST with CIs for each kept metric.

    The discount rate enters NPV but not profit, and every design point uses the same seed, so its
    indices for profit are exactly zero, while for NPV its total index is positive."""
    from sim.sweeps.analyze import write_sweep_report

    exp = load_experiment(write(tmp_path, SOBOL))
    assert len(exp.points) == 8 * (3 + 2)
    run_sweep(exp, tmp_path / "s", workers=1)
    write_sweep_report(tmp_path / "s", tmp_path / "r")
    s = pd.read_csv(tmp_path / "r" / "sensitivity.csv").set_index(["metric", "parameter"])
    assert set(s.index.get_level_values("metric")) == {"profit", "npv"} and len(s) == 6
    for col in ("S1", "ST"):
        assert (s[f"{col}_ci_low"] <= s[col] + 1e-12).all() and (s[col] <= s[f"{col}_ci_high"] + 1e-12).all()
    assert (s[["S1_ci_low", "S1_ci_high"]].diff(axis=1).iloc[:, 1] > 0).any()  # intervals, not points
    rate = s.loc[("profit", "report.discount_rate_per_year")]
    assert rate["S1"] == 0 and rate["ST"] == 0 and rate["ST_ci_high"] == 0
    # Jansen's ST is a mean of squared differences: positive exactly when the output moves with the parameter
    assert s.loc[("npv", "report.discount_rate_per_year"), "ST"] > 0
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert 'id="sensitivity"' in page and "Sobol" in page
    # the focal brand runs no pool here: its pool is 0 everywhere, and indices of a constant are not reported
    assert "pool members (end) (base): it is the same at every design point" in page


def test_analyze_a_morris_sweep(tmp_path):
    from sim.sweeps.analyze import write_sweep_report

    text = SOBOL.replace("{method: sobol, samples: 8, seed: 1}", "{method: morris, samples: 4, levels: 4, seed: 1}")
    exp = load_experiment(write(tmp_path, text))
    assert len(exp.points) == 4 * (3 + 1)
    run_sweep(exp, tmp_path / "s", workers=1)
    write_sweep_report(tmp_path / "s", tmp_path / "r")
    s = pd.read_csv(tmp_path / "r" / "sensitivity.csv").set_index(["metric", "parameter"])
    assert s.loc[("profit", "report.discount_rate_per_year"), "mu_star"] == 0
    assert s.loc[("npv", "report.discount_rate_per_year"), "mu_star"] > 0
    assert (s["mu_star_ci_low"] <= s["mu_star"]).all() and (s["mu_star"] <= s["mu_star_ci_high"]).all()


def test_frontier_line_interpolates_the_zero_crossing():
    from sim.sweeps.tables import frontier_line

    grid = pd.DataFrame([[-2.0, 2.0, 6.0], [-4.0, -1.0, 1.0], [1.0, 2.0, 3.0]], index=[1, 2, 3],
                        columns=[0.0, 10.0, 20.0])
    line = frontier_line(grid, "a", "b").set_index("a")["b"]
    assert line[1] == pytest.approx(5.0) and line[2] == pytest.approx(15.0) and np.isnan(line[3])


@pytest.mark.slow
def test_analyze_draws_the_crossover_frontier(tmp_path):
    """Done-when: on the crossover experiment the report draws the frontier where private beats public.

    Reduced for CI (500 agents, a 30-day warm-up, 2 levels, 1 replication: 24 runs of 365 days); the
    frontier must sit between adjacent grid values whose mean paired differences change sign."""
    from sim.sweeps.analyze import write_sweep_report

    text = (ROOT / "experiments" / "crossover.yaml").read_text(encoding="utf-8")
    text = text.replace("scenario: ../scenarios/", f"scenario: {ROOT / 'scenarios'}/")
    text = text.replace("  population.agents: 5000\n  population.scale: 2\n",
                        "  population.agents: 500\n  population.scale: 20\n  run.warmup_days: 30\n")
    text = text.replace("levels: 4}", "levels: 2}").replace("replications: 3", "replications: 1")
    exp = load_experiment(write(tmp_path, text))
    assert len(exp.runs()) == 2 * 2 * 3 * 2
    run_sweep(exp, tmp_path / "s", workers=2)
    write_sweep_report(tmp_path / "s", tmp_path / "r")
    a, b = "categories.0.purchase_interval_days", "brands.0.unit_cost"
    diffs = pd.read_csv(tmp_path / "r" / "differences.csv").groupby([a, b])["diff"].mean().unstack(b)
    front = pd.read_csv(tmp_path / "r" / "frontier.csv")
    # private pays for a frequently bought, high-margin product and not for a rarely bought one
    assert diffs.loc[7.0, 10.0] > 0 and diffs.loc[120.0].max() < 0
    assert len(front)
    for _, row in front.iterrows():  # each crossing lies where the sign changes, between its neighbours
        if row["along"] == b:
            z = diffs.loc[row[a]]
            assert z.min() < 0 < z.max() and diffs.columns.min() < row[b] < diffs.columns.max()
        else:
            z = diffs[row[b]]
            assert z.min() < 0 < z.max() and diffs.index.min() < row[a] < diffs.index.max()
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "Crossover frontier" in page and '"type":"contour"' in page


def test_a_parameter_whose_values_are_lists_is_swept_and_analysed(tmp_path):
    """Alliance members are lists: they are stored as text labels and the report still has its frontier."""
    from sim.sweeps.analyze import write_sweep_report

    text = SMALL.replace("  brands.0.unit_cost: {values: [15, 30]}\n",
                         "  alliances.groups.0.members: {values: [[0, 11], [0, 11, 12]]}\n").replace(
        "  run.warmup_days: 5\n", "  run.warmup_days: 5\n  alliances.groups: [{name: g, members: [0, 11]}]\n")
    exp = load_experiment(write(tmp_path, text))
    run_sweep(exp, tmp_path / "s", workers=1)
    df = load_sweep(tmp_path / "s")
    assert sorted(df["alliances.groups.0.members"].unique()) == ["[0, 11, 12]", "[0, 11]"]
    write_sweep_report(tmp_path / "s", tmp_path / "r")
    d = pd.read_csv(tmp_path / "r" / "differences.csv")
    assert len(d) == 4 and set(d["alliances.groups.0.members"]) == {"[0, 11]", "[0, 11, 12]"}
