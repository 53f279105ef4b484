"""A file's market: its overrides (dotted or nested keys) applied to a configuration with errors that name
the file's line, the smaller market of ``--quick``, and the checks made before any run (the edge list
agrees with the population, the runs fit in memory)."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from ..config import ConfigError, SimConfig, get_path, with_overrides
from ..graph import GraphFileError, SocialGraph, load_edgelist
from .errors import UserError
from .reading import line_for


def flatten(overrides: dict[str, Any], template: Any, prefix: str = "") -> dict[str, Any]:
    """Nested and dotted keys to dotted paths; a mapping recurses where the config has a section."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            try:
                target = get_path(template, path)
            except (KeyError, IndexError, ValueError, TypeError):
                target = None
            if isinstance(target, dict):
                out.update(flatten(value, template, path + "."))
                continue
        out[path] = value
    return out


def apply_overrides(cfg: SimConfig, overrides: dict[str, Any], file: Path | None, lines: dict[str, int],
                    section: str) -> SimConfig:
    """``cfg`` with a section's overrides applied; a bad path or value names its line in the file."""
    flat = flatten(overrides, cfg.model_dump(mode="python"))
    for path, value in flat.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise UserError(file, f"value must be a finite number, got {value}", key=path,
                            line=line_for(lines, f"{section}.{path}"))
    try:
        return with_overrides(cfg, flat)
    except ConfigError as exc:
        raw = [k for k in overrides if exc.path.startswith(str(k).split(".")[0])]
        line = line_for(lines, f"{section}.{exc.path}", *[f"{section}.{k}" for k in raw], section)
        raise UserError(file, exc.reason, key=exc.path, line=line) from None


def quicken(cfg: SimConfig, agents: int, file: Path | None = None, lines: dict[str, int] | None = None,
            key: str = "quick.agents") -> SimConfig:
    """Fewer agents, larger scale: the represented market is unchanged (docs/MODEL.md §2.8)."""
    n = cfg.population.agents
    if cfg.graph.kind == "edgelist" or n <= agents:
        return cfg
    try:
        return with_overrides(cfg, {"population.agents": agents,
                                    "population.scale": cfg.population.scale * n / agents})
    except ConfigError as exc:  # e.g. a scale beyond its bound: say which setting of the file leads there
        raise UserError(file, f"--quick with {agents} agents: {exc}", key=key,
                        line=line_for(lines or {}, key, "quick")) from None


# ------------------------------------------------------------------------------ an edge list's market


def resolve_graph_path(cfg: SimConfig, file: Path) -> SimConfig:
    """A relative graph.path is relative to the scenario file (or, failing that, to the working folder)."""
    if cfg.graph.kind != "edgelist" or not cfg.graph.path or Path(cfg.graph.path).is_absolute():
        return cfg
    beside = file.parent / cfg.graph.path
    return with_overrides(cfg, {"graph.path": str(beside.resolve())}) if beside.exists() else cfg


def _edgelist(cfg: SimConfig) -> SocialGraph:
    try:
        return load_edgelist(Path(cfg.graph.path or ""))
    except GraphFileError as exc:
        raise UserError(exc.path, exc.reason, key="graph.path", line=exc.line) from None


def agents_from_graph(cfg: SimConfig, given: bool) -> SimConfig:
    """With an edge list the file decides the population: population.agents, unless the file gives
    it (then it must agree, see check_resources), is the edge list's node count."""
    if cfg.graph.kind != "edgelist" or given:
        return cfg
    return with_overrides(cfg, {"population.agents": _edgelist(cfg).n})


# ------------------------------------------------------------------------------ memory


def estimate_bytes(cfg: SimConfig) -> int:
    """Peak memory of one run, estimated before allocating (consumer state and day temporaries)."""
    n = cfg.population.agents
    b = len(cfg.brands) + cfg.market.entrants
    per_pair = 4 * 6 + 4 * 9 + 1 * 3  # float32 state, int32 days/groups/orders, int8/bool flags
    per_pair += 4 * 20  # temporaries of the daily update
    edges = n * cfg.graph.mean_degree * 12
    return int(n * b * per_pair + edges + n * 64)


def available_bytes() -> int:
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def check_resources(cfg: SimConfig, file: Path, lines: dict[str, int], section: str) -> None:
    """The edge list (if any) has population.agents nodes, the backend can run here, and one run fits in the
    memory available."""
    if cfg.graph.kind == "edgelist":
        gp = Path(cfg.graph.path or "")
        g = _edgelist(cfg)
        if g.n != cfg.population.agents:
            raise UserError(file, f"the edge list {gp} has {g.n} nodes but population.agents is "
                            f"{cfg.population.agents}", key="population.agents",
                            line=line_for(lines, f"{section}.population.agents", f"{section}.population", section))
    if cfg.run.backend == "cuda":
        from ..engine.gpu import unavailable_reason

        why = unavailable_reason(len(cfg.brands))
        if why:
            raise UserError(file, f"run.backend is cuda, but {why}", key="run.backend",
                            line=line_for(lines, f"{section}.run.backend", f"{section}.run", section))
    need = estimate_bytes(cfg)
    have = available_bytes()
    if need > have:
        raise UserError(file, f"a population of {cfg.population.agents:,} agents needs about {need / 2**30:.1f} GiB "
                        f"but {have / 2**30:.1f} GiB is available; lower it or raise population.scale",
                        key="population.agents", line=line_for(lines, f"{section}.population.agents",
                                                               f"{section}.population", section))
