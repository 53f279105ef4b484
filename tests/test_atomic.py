"""Reports are written whole or not at all: an interrupted or killed write leaves the previous report intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.study.report import write_report
from sim.study.runs import run_scenario
from sim.study.scenario import load_scenario

TINY = """\
name: tiny
base: {population.agents: 300, run.warmup_days: 5}
arms:
  a: {brands.0.strategy: public_only}
  b: {brands.0.strategy: hybrid}
replications: 2
days: 15
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    f = d / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    sc = load_scenario(f)
    return sc, run_scenario(sc, workers=1), f


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_interrupted_write_leaves_the_previous_report_intact(tiny, tmp_path, monkeypatch):
    sc, results, _ = tiny
    out = tmp_path / "report"
    write_report(sc, results, out, "en", 1.0)
    before = _snapshot(out)
    calls = {"n": 0}
    real = pd.DataFrame.to_parquet

    def dying(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C in the middle of writing the run files
        return real(self, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", dying)
    with pytest.raises(KeyboardInterrupt):
        write_report(sc, results, out, "zh", 2.0)
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary folder left behind


def test_killed_write_leaves_the_previous_report_intact(tiny, tmp_path):
    _, _, f = tiny
    out = tmp_path / "report"
    cmd = [sys.executable, "-m", "sim.cli", "run", str(f), "--out", str(out), "--workers", "1"]
    subprocess.run(cmd, check=True, capture_output=True)
    before = _snapshot(out)
    proc = subprocess.Popen(cmd + ["--lang", "zh"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    killed_mid_write = False
    while time.time() < deadline and proc.poll() is None:
        if any(p.name.startswith(".report.tmp-") for p in tmp_path.iterdir()):
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_write = True
            break
        time.sleep(0.002)
    proc.wait()
    assert killed_mid_write, "the write finished before it could be killed"
    assert _snapshot(out) == before
    # the next run clears the dead run's temporary folder and replaces the report whole
    subprocess.run(cmd + ["--lang", "zh"], check=True, capture_output=True)
    assert "结论摘要" in (out / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_ctrl_c_inside_a_compiled_kernel_still_exits_130():
    """numba turns a KeyboardInterrupt raised in its boxing callback into a SystemError caused by it
    (seen in CI: `sim run` exited 1 with a traceback); that is the user's Ctrl-C all the same."""
    import typer

    from sim.cli.common import exit_if_interrupted

    def kernel_call() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError("CPUDispatcher(<function participation>) returned a result "
                              "with an exception set") from exc

    with pytest.raises(typer.Exit) as stopped:
        try:
            kernel_call()
        except SystemError as exc:
            exit_if_interrupted(exc, "interrupted: no report written")
    assert stopped.value.exit_code == 130
    with pytest.raises(SystemError, match="a bug"):  # any other SystemError is not an interrupt
        try:
            raise SystemError("a bug")
        except SystemError as exc:
            exit_if_interrupted(exc)


def test_ctrl_c_during_the_runs_writes_nothing(tmp_path):
    f = tmp_path / "slow.yaml"
    f.write_text(TINY.replace("days: 15", "days: 400").replace("replications: 2", "replications: 6"),
                 encoding="utf-8")
    out = tmp_path / "report"
    # SIGINT at its default: a shell starts background jobs with it ignored, and Python keeps that
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "run", str(f), "--out", str(out), "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(8)  # past the imports even on a loaded machine (an interrupt there is not the case under test);
    # the 12 runs of 400 days take longer than that
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [f]
