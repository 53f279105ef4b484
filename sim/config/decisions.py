"""A brand's decisions (a candidate strategy) as overrides of the base market, applied from reported day 1 like
an arm: what an optimisation tries, and what the channel truth of a study switches off.

Decision paths are configuration paths (``brands.0.budget_per_day``), plus ``strategy.FIELD``
for a field of the decided brand's own strategy. Changing ``strategies.hybrid`` would change
every brand that runs the hybrid preset; ``strategy.private_share`` gives the decided brand a
strategy of its own (``<brand name>_plan``: a copy of the strategy it runs, or of the one a
``brands.B.strategy`` decision picks, with the decided fields), so competitors keep theirs.
"""

from __future__ import annotations

from typing import Any

from .brands import SimConfig, StrategyConfig
from .fields import ConfigError
from .paths import get_path

OWN = "strategy."


def plan_name(cfg: SimConfig, brand: int) -> str:
    return f"{cfg.brands[brand].name}_plan"


def current_values(cfg: SimConfig, brand: int, paths: list[str]) -> dict[str, Any]:
    """What the brand does today at each decision path; KeyError(path) for a path the market lacks."""
    out = {}
    strategy = cfg.strategies[cfg.brands[brand].strategy]
    for path in paths:
        if path.startswith(OWN):
            name = path[len(OWN):]
            if name not in StrategyConfig.model_fields:
                raise KeyError(path)
            out[path] = getattr(strategy, name)
        else:
            try:
                out[path] = get_path(cfg, path)
            except (KeyError, IndexError, ValueError, TypeError):
                raise KeyError(path) from None
    return out


def candidate_overrides(cfg: SimConfig, brand: int, values: dict[str, Any]) -> dict[str, Any]:
    """Arm overrides (dotted paths) that put a candidate's decision values into the market."""
    own = {k[len(OWN):]: v for k, v in values.items() if k.startswith(OWN)}
    out = {k: v for k, v in values.items() if not k.startswith(OWN)}
    if own:
        key = f"brands.{brand}.strategy"
        chosen = out.get(key, cfg.brands[brand].strategy)
        if chosen not in cfg.strategies:
            raise ConfigError(key, f"unknown strategy {chosen!r}")
        name = plan_name(cfg, brand)
        out[f"strategies.{name}"] = {**cfg.strategies[chosen].model_dump(mode="json"), **own}
        out[key] = name
    return out
