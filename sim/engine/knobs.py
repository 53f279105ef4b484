"""Keyword knobs (for ``mesa.batch_run`` and the live app) and the strategy assignment of
``market.private_share``: how a model's constructor arguments become its configuration."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..config import SimConfig, with_overrides

# Keyword knobs accepted by TrafficModel (for batch_run and the live app) -> how they map onto the config.
# A plain dotted path is set as it is; the others are expanded by apply_knobs.
KNOBS: dict[str, str] = {
    "n_consumers": "population.agents",
    "n_brands": "(resize brands)",
    "private_share": "market.private_share",
    "tolerance_cap": "fatigue.tolerance_mean",
    "push_frequency": "strategies.*.push_per_day (strategies that run pools)",
    "content_share": "strategies.*.content_share (strategies that run pools)",
    "alliance": "alliances.enabled",
    "reserve_cpm": "platforms.*.reserve_cpm",
    "invalid_traffic_share": "platforms.*.invalid_traffic_share",
    "warmup_days": "run.warmup_days",
    "focal_strategy": "brands.<focal>.strategy",
}


def apply_knobs(cfg: SimConfig, knobs: dict[str, Any]) -> SimConfig:
    """Map the app's / batch_run's keyword knobs onto configuration overrides."""
    unknown = set(knobs) - set(KNOBS)
    if unknown:
        raise TypeError(f"unknown knob(s) {sorted(unknown)}; known: {sorted(KNOBS)}")
    ov: dict[str, Any] = {}
    k = dict(knobs)
    if "n_brands" in k:
        n = int(k.pop("n_brands"))
        data = cfg.model_dump(mode="python")
        base = data["brands"]
        if n < 1:
            raise ValueError("n_brands must be >= 1")
        brands = [dict(base[i % len(base)]) for i in range(n)]
        for i in range(len(base), n):
            brands[i]["name"] = f"{base[i % len(base)]['name']}_{i}"
        data["brands"] = brands
        data["alliances"]["groups"] = [g for g in data["alliances"]["groups"] if max(g["members"], default=0) < n]
        if data["market"]["focal_brand"] >= n:
            data["market"]["focal_brand"] = 0
        cfg = SimConfig.model_validate(data)
    for name, path in KNOBS.items():
        if name in k and " " not in path and "*" not in path and "<" not in path:
            ov[path] = k.pop(name)
    for name, leaf in (("push_frequency", "push_per_day"), ("content_share", "content_share")):
        if name in k:
            v = k.pop(name)
            for sname, s in cfg.strategies.items():
                if s.run_pool:
                    ov[f"strategies.{sname}.{leaf}"] = v
    for name, leaf in (("reserve_cpm", "reserve_cpm"), ("invalid_traffic_share", "invalid_traffic_share")):
        if name in k:
            v = k.pop(name)
            for p in range(len(cfg.platforms)):
                ov[f"platforms.{p}.{leaf}"] = v
    if "focal_strategy" in k:
        ov[f"brands.{cfg.market.focal_brand}.strategy"] = k.pop("focal_strategy")
    return with_overrides(cfg, ov) if ov else cfg


def assign_private_share(cfg: SimConfig, rng: np.random.Generator) -> SimConfig:
    """market.private_share: give private_cultivate to that share of the non-focal brands.

    Rounded to nearest, at least one when the share is above 0; chosen by the dedicated
    strategy stream so that every arm picks the same brands. Others become public_only.
    """
    share = cfg.market.private_share
    others = [i for i in range(len(cfg.brands)) if i != cfg.market.focal_brand]
    order = rng.permutation(len(others))  # drawn whether or not it is used
    if share is None:
        return cfg
    k = int(np.floor(share * len(others) + 0.5))
    if share > 0:
        k = max(1, k)
    chosen = {others[j] for j in order[:k]}
    ov = {f"brands.{i}.strategy": ("private_cultivate" if i in chosen else "public_only") for i in others}
    return with_overrides(cfg, ov)
