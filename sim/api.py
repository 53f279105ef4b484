"""The Python API: ``sim.run(config, seed, days) -> RunResult``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .config import SimConfig, default_config, with_overrides
from .metrics import order_frame, summary_frame
from .model import TrafficModel


@dataclass
class RunResult:
    """Output of one run. ``daily``: tidy per-day rows (brands and platforms); ``summary``:
    one row per brand; ``ledger``: every flow of money of the reported days; ``config``:
    the configuration that ran; ``orders``: the per-order log (agent units); ``market``: daily
    market-level series (reach breadth and the fatigue curve)."""

    daily: pd.DataFrame
    summary: pd.DataFrame
    ledger: pd.DataFrame
    config: SimConfig
    seed: Any
    orders: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    market: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def brand(self, name_or_id: str | int) -> pd.DataFrame:
        """Daily rows of one brand."""
        d = self.daily[self.daily["entity_type"] == "brand"]
        key = "brand_id" if isinstance(name_or_id, int) else "entity"
        return d[d[key] == name_or_id].reset_index(drop=True)


def run(config: SimConfig | None = None, seed: Any = 0, days: int | None = None,
        base_config: SimConfig | None = None, overrides: dict[str, Any] | None = None) -> RunResult:
    """Run the model for ``days`` reported days (default ``config.run.days``) after warm-up.

    A run is a pure function of (config, seed): the same inputs give bit-identical outputs.
    """
    cfg = config if config is not None else default_config()
    if overrides:
        cfg = with_overrides(cfg, overrides)
    n_days = cfg.run.days if days is None else int(days)
    model = TrafficModel(config=cfg, seed=seed, base_config=base_config)
    for _ in range(n_days):
        model.step()
    daily = model.recorder.frame()
    return RunResult(daily=daily, summary=summary_frame(model, daily), ledger=model.ledger.to_frame(model.scale),
                     config=cfg, seed=seed, orders=order_frame(model), market=model.recorder.market_frame())
