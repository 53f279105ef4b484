"""Small markets for the calibration and optimisation tests, written as scenario files.

Eight brands instead of twenty and a short warm-up keep a run under a second, so that a
calibration or a search of a few hundred runs fits in CI; the mechanisms are the default ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import sim
from sim.model import apply_knobs


def small_market(agents: int = 800, warmup: int = 40, brands: int = 8, **overrides: Any) -> sim.SimConfig:
    cfg = sim.with_overrides(sim.default_config(), {"population.agents": agents, "run.warmup_days": warmup,
                                                    "alliances.groups": []})
    cfg = apply_knobs(cfg, {"n_brands": brands})
    return sim.with_overrides(cfg, overrides) if overrides else cfg


def write_market(path: Path, cfg: sim.SimConfig, arms: dict[str, Any] | None = None, **top: Any) -> Path:
    """A scenario file whose base market is ``cfg`` (its brands listed in full)."""
    base = {"population.agents": cfg.population.agents, "population.scale": cfg.population.scale,
            "run.warmup_days": cfg.run.warmup_days, "alliances.groups": [],
            "brands": [b.model_dump(mode="json") for b in cfg.brands],
            "categories": [c.model_dump(mode="json") for c in cfg.categories]}
    doc = {"name": path.stem, "base": base, "arms": arms or {"today": {}}, "replications": 2, "days": 30, **top}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path
