"""A wheel of the package works on its own (issue 3/4 item 3): built from the package's files alone and
unpacked outside the checkout, it finds its built-in files and runs a built-in scenario."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import sys
from pathlib import Path

import sim
from sim.builtin import EXPERIMENT_DIR, SCHEMA_DIR, builtin_scenarios, resolve_file
from sim.sweeps.experiment import load_experiment
from sim.teach.explain import DEFAULT_FILE, load_explainer
from sim.study.runs import run_scenario
from sim.study.scenario import load_scenario
from sim.schemas import KINDS

site = Path(sys.argv[1]).resolve()
assert Path(sim.__file__).resolve().is_relative_to(site), sim.__file__
assert len(builtin_scenarios()) >= 9 and all(p.resolve().is_relative_to(site) for p in builtin_scenarios())
assert all((SCHEMA_DIR / f"{kind}.schema.json").is_file() for kind in KINDS)
load_experiment(resolve_file("crossover", EXPERIMENT_DIR), quick=True)  # its scenario is found beside it
load_explainer(DEFAULT_FILE)
sc = load_scenario(resolve_file("baseline"), overrides={"population.agents": 200, "run.warmup_days": 5},
                   replications=1)
sc.days = 5
results = run_scenario(sc)
assert set(results) == set(sc.arms) and all(len(runs[0].daily) for runs in results.values())
print("ok")
"""


def test_a_wheel_unpacked_elsewhere_runs_a_builtin_scenario(tmp_path):
    src = tmp_path / "src"  # (a copy: a build in the checkout would reuse whatever its build/ holds)
    shutil.copytree(ROOT / "sim", src / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                            str(src)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    site = tmp_path / "site"
    with zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl"))) as wheel:
        wheel.extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}  # found before the checkout's editable install
    run = subprocess.run([sys.executable, "-c", CHECK, str(site)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]
    check = subprocess.run([sys.executable, "-m", "sim.cli", "check", "crossover"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=600)
    assert check.returncode == 0 and str(site) in check.stdout and ": ok — experiment crossover" in check.stdout
