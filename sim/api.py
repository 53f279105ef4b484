"""The one run path: ``sim.run(config, seed, days) -> RunResult``.

Every workflow (scenarios, sweeps, validation, the explainer, calibration and optimisation)
builds, steps and summarises a model through :func:`run`, in this process or in a worker of
:class:`sim.executor.Executor`, and asks for the outputs it needs (``keep``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .config import SimConfig, default_config, with_overrides
from .metrics import order_frame, summary_frame
from .model import TrafficModel

OUTPUTS = ("daily", "summary", "ledger", "orders", "market")


@dataclass
class RunResult:
    """Output of one run. ``daily``: tidy per-day rows (brands and platforms); ``summary``:
    one row per brand; ``ledger``: every flow of money of the reported days; ``config``:
    the configuration that ran; ``orders``: the per-order log (agent units); ``market``: daily
    market-level series (reach breadth and the fatigue curve); ``seconds``: wall time of the run.
    Outputs not asked for (``keep``) are empty frames."""

    daily: pd.DataFrame
    summary: pd.DataFrame
    ledger: pd.DataFrame
    config: SimConfig
    seed: Any
    orders: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    market: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    seconds: float = 0.0

    def brand(self, name_or_id: str | int) -> pd.DataFrame:
        """Daily rows of one brand."""
        d = self.daily[self.daily["entity_type"] == "brand"]
        key = "brand_id" if isinstance(name_or_id, int) else "entity"
        return d[d[key] == name_or_id].reset_index(drop=True)


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed of replication k: ``SeedSequence([seed, k])`` in every arm and at every design point
    (common random numbers, docs/MODEL.md §4); a run's id never feeds it."""
    return np.random.SeedSequence([seed, replication])


def run(config: SimConfig | None = None, seed: Any = 0, days: int | None = None,
        base_config: SimConfig | None = None, overrides: dict[str, Any] | None = None,
        keep: Iterable[str] = OUTPUTS) -> RunResult:
    """Run the model for ``days`` reported days (default ``config.run.days``) after warm-up.

    ``base_config``: the market of the warm-up when it differs (an arm applied from reported day 1).
    ``keep``: the outputs to build (``daily``, ``summary``, ``ledger``, ``orders``, ``market``); the
    others are left empty, which saves time and memory when results travel between processes.
    A run is a pure function of (config, seed): the same inputs give bit-identical outputs.
    """
    keep = set(keep)
    unknown = keep - set(OUTPUTS)
    if unknown:
        raise ValueError(f"unknown outputs {sorted(unknown)}; known: {list(OUTPUTS)}")
    started = time.perf_counter()
    cfg = config if config is not None else default_config()
    if overrides:
        cfg = with_overrides(cfg, overrides)
    n_days = cfg.run.days if days is None else int(days)
    model = TrafficModel(config=cfg, seed=seed, base_config=base_config)
    for _ in range(n_days):
        model.step()
    daily = model.recorder.frame()
    empty = pd.DataFrame()
    return RunResult(
        daily=daily if "daily" in keep else empty,
        summary=summary_frame(model, daily) if "summary" in keep else empty,
        ledger=model.ledger.to_frame(model.scale) if "ledger" in keep else empty,
        config=cfg, seed=seed,
        orders=order_frame(model) if "orders" in keep else empty,
        market=model.recorder.market_frame() if "market" in keep else empty,
        seconds=time.perf_counter() - started)
