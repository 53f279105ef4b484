"""How the facts run their experiments: built-in scenarios on the validation seed, with an ablation's overrides
applied to every arm, through one executor shared between facts; and what they read from the runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from ..builtin import SCENARIO_DIR
from ..config import SimConfig, with_overrides
from ..executor import Executor
from ..study.kpis import focal_brands, kpi_table
from ..study.runs import ArmRun, Job, market_jobs, run_jobs, scenario_jobs
from ..study.scenario import Scenario, load_scenario

Overrides = dict[str, Any] | None  # dotted path -> value, e.g. an ablation {"fatigue.enabled": False}
Workers = int | Executor  # worker processes, or the executor validate() shares between facts

VALIDATION_SEED = 1  # docs/MODEL.md §1: calibrate on seeds >= 1000, validate on seeds 1-99


def builtin_scenario(name: str, quick: bool, ov: Overrides = None) -> Scenario:
    """A built-in scenario on the validation seed, with ``ov`` (an ablation) applied to every arm."""
    sc = load_scenario(SCENARIO_DIR / f"{name}.yaml", quick=quick)
    sc.seed = VALIDATION_SEED
    if ov:
        sc.base = with_overrides(sc.base, ov)
        sc.arms = {arm: with_overrides(cfg, ov) for arm, cfg in sc.arms.items()}
    return sc


_SHARED: dict[str, dict[str, list[ArmRun]]] = {}


def run_arms(sc: Scenario, workers: Workers, share: bool = False) -> tuple[dict[str, list[ArmRun]], pd.DataFrame]:
    """Run a scenario's arms. ``share``: keep the runs for another fact that runs the very same
    experiment (F1 and F12 both read ``rising_cac``'s public-only arm); runs are pure functions
    of their configuration and seed, so the key is exactly that."""
    key = "|".join([str(sc.seed), str(sc.replications), str(sc.days), sc.base.model_dump_json()]
                   + [f"{arm}={cfg.model_dump_json()}" for arm, cfg in sc.arms.items()]) if share else ""
    if key in _SHARED:
        results = _SHARED[key]
    else:
        results = _runs(scenario_jobs(sc), workers)
        if share:
            _SHARED[key] = results
    return results, kpi_table(results, focal_brands(sc))


def brand_rows(run: ArmRun, b: int) -> pd.DataFrame:
    d = run.daily
    return d[(d["entity_type"] == "brand") & (d["brand_id"] == b)]


def paired(k: pd.DataFrame, arm: str, ref: str, kpi: str) -> list[float]:
    a = k[k["arm"] == arm].set_index("replication")[kpi]
    b = k[k["arm"] == ref].set_index("replication")[kpi]
    return list((a - b).dropna())


def run_markets(configs: dict[str, SimConfig], replications: int, days: int, workers: Workers,
                ov: Overrides = None) -> dict[str, list[ArmRun]]:
    """Runs of several markets, each warming up on itself (not arms of one base market)."""
    configs = {name: with_overrides(cfg, ov) if ov else cfg for name, cfg in configs.items()}
    return _runs(market_jobs(configs, replications, days, VALIDATION_SEED), workers)


@contextmanager
def executor_for(workers: Workers) -> Iterator[Executor]:
    """The executor :func:`~sim.validate.facts.validate` shares between facts, or a new one of ``workers`` processes."""
    if isinstance(workers, Executor):
        yield workers
    else:
        with Executor(workers=workers) as ex:
            yield ex


def _runs(jobs: list[Job], workers: Workers) -> dict[str, list[ArmRun]]:
    with executor_for(workers) as ex:
        return run_jobs(jobs, executor=ex)
