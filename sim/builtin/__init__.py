"""The built-in files, shipped inside the package and found through :mod:`importlib.resources` (so that a
wheel install has them too): scenarios (and the explainers under ``scenarios/explain``), experiments
(sweeps, calibrations, optimisations) and the JSON Schemas of the file formats. The folders keep the
repository's layout, so that a file's relative references (``scenario: ../scenarios/baseline.yaml``, the
``$schema`` comment) hold here as they do there; the repository's top-level ``scenarios/``, ``schema/`` and
``experiments/*.yaml`` are links to these files. A name finds a built-in file (the scenario ``baseline``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

ROOT = Path(str(files(__name__)))  # a folder on disk: a wheel installs its files unzipped
SCENARIO_DIR = ROOT / "scenarios"
EXPLAIN_DIR = SCENARIO_DIR / "explain"
EXPERIMENT_DIR = ROOT / "experiments"
SCHEMA_DIR = ROOT / "schema"


def resolve_file(name: str, folder: Path = SCENARIO_DIR) -> Path:
    """A file path, or the name of a built-in file in ``folder`` (the scenario ``baseline``)."""
    p = Path(name)
    if p.exists() or p.suffix in (".yaml", ".yml"):
        return p
    builtin = folder / f"{name}.yaml"
    return builtin if builtin.exists() else p


def find_file(name: str) -> Path:
    """A file path, or the name of a built-in file of any kind: a scenario, an experiment, an explainer."""
    path = resolve_file(name)
    for folder in (EXPERIMENT_DIR, EXPLAIN_DIR):
        path = path if path.exists() else resolve_file(name, folder)
    return path


def builtin_scenarios() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.yaml"))
