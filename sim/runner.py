"""Run a scenario's arms × replications, locally or over a process pool.

Replication k of every arm uses the seed ``SeedSequence([scenario.seed, k])`` and warms up
on the *base* market, so arms share common random numbers and differences are paired
(MODEL_BRIEF §9). Results do not depend on the number of workers or their order.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import SimConfig
from .metrics import summary_frame
from .model import TrafficModel
from .scenario import Scenario


@dataclass
class ArmRun:
    """One run's outputs kept for the report."""

    arm: str
    replication: int
    daily: pd.DataFrame
    summary: pd.DataFrame
    seconds: float
    market: pd.DataFrame | None = None


def run_one(arm: str, k: int, cfg_json: str, base_json: str, seed: int, days: int) -> ArmRun:
    """One replication of one arm (a top-level function so that worker processes can run it)."""
    t0 = time.perf_counter()
    cfg = SimConfig.model_validate_json(cfg_json)
    base = SimConfig.model_validate_json(base_json)
    model = TrafficModel(config=cfg, seed=np.random.SeedSequence([seed, k]), base_config=base)
    for _ in range(days):
        model.step()
    daily = model.recorder.frame()
    summary = summary_frame(model, daily)
    return ArmRun(arm, k, daily, summary, time.perf_counter() - t0, model.recorder.market_frame())


Job = tuple[str, int, str, str, int, int]  # (arm, replication, config JSON, warm-up config JSON, seed, days)


def run_jobs(jobs: list[Job], workers: int = 1, progress: Callable[[ArmRun], None] | None = None
             ) -> dict[str, list[ArmRun]]:
    """Run jobs locally or over a process pool; results grouped by arm and ordered by replication."""
    results: dict[str, list[ArmRun]] = {}
    for arm, *_ in jobs:
        results.setdefault(arm, [])

    def done(r: ArmRun) -> None:
        results[r.arm].append(r)
        if progress:
            progress(r)

    if workers <= 1:
        for job in jobs:
            done(run_one(*job))
    else:
        # spawn: safe with the threads numpy and pyarrow start (and what Mesa selects on import anyway);
        # scripts that call this need the usual `if __name__ == "__main__":` guard
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
            futs = [pool.submit(run_one, *job) for job in jobs]
            try:
                for f in as_completed(futs):
                    done(f.result())
            except BaseException:
                for f in futs:
                    f.cancel()
                raise
    for runs in results.values():
        runs.sort(key=lambda r: r.replication)
    return results


def run_scenario(sc: Scenario, workers: int = 1, progress: Callable[[ArmRun], None] | None = None
                 ) -> dict[str, list[ArmRun]]:
    """All runs of a scenario (every arm warms up on the base market), grouped by arm."""
    base_json = sc.base.model_dump_json()
    jobs = [(arm, k, cfg.model_dump_json(), base_json, sc.seed, sc.days)
            for k in range(sc.replications) for arm, cfg in sc.arms.items()]
    return run_jobs(jobs, workers, progress)
