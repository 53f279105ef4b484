"""Where the built-in files live (scenarios, experiments, schemas) and how a name finds one."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = ROOT / "scenarios"
EXPERIMENT_DIR = ROOT / "experiments"
SCHEMA_DIR = ROOT / "schema"


def resolve_file(name: str, folder: Path = SCENARIO_DIR) -> Path:
    """A file path, or the name of a built-in file in ``folder`` (the scenario ``baseline``)."""
    p = Path(name)
    if p.exists() or p.suffix in (".yaml", ".yml"):
        return p
    builtin = folder / f"{name}.yaml"
    return builtin if builtin.exists() else p


def builtin_scenarios() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.yaml"))
