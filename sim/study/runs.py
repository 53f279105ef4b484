"""Run a scenario's arms × replications through the one run path (:func:`sim.api.run`) and the
one executor (:class:`sim.executor.Executor`).

Replication k of every arm uses the seed ``SeedSequence([scenario.seed, k])`` and warms up
on the *base* market, so arms share common random numbers and differences are paired
(docs/MODEL.md §4, Stochasticity). Results do not depend on the number of workers or their order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from ..api import replication_seed
from ..api import run as run_model
from ..config import SimConfig
from ..executor import Executor
from .scenario import Scenario

KEEP = ("daily", "summary", "market")  # what reports and facts read; ledgers and order logs stay in the worker


@dataclass
class ArmRun:
    """One run's outputs kept for the report."""

    arm: str
    replication: int
    daily: pd.DataFrame
    summary: pd.DataFrame
    seconds: float
    market: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None  # the order log, when the job keeps it (sim run --export)


@dataclass(frozen=True)
class Job:
    """One run of a workflow: a label (the arm), a replication, the market of the reported days
    and of the warm-up (JSON, so any executor can ship it), the base seed and the days."""

    arm: str
    replication: int
    config: str
    warmup: str
    seed: int
    days: int
    keep: tuple[str, ...] = KEEP


def run_job(job: Job) -> ArmRun:
    """One replication of one arm (a top-level function, so that worker processes can run it)."""
    cfg = SimConfig.model_validate_json(job.config)
    warm = SimConfig.model_validate_json(job.warmup)  # its own object even when equal: the model then
    # re-applies the run's market after warm-up, as it does for an arm
    r = run_model(cfg, seed=replication_seed(job.seed, job.replication), days=job.days, base_config=warm,
                  keep=job.keep)
    return ArmRun(job.arm, job.replication, r.daily, r.summary, r.seconds, r.market,
                  r.orders if "orders" in job.keep else None)


def run_jobs(jobs: list[Job], workers: int | None = 1, progress: Callable[[ArmRun], None] | None = None,
             executor: Executor | None = None) -> dict[str, list[ArmRun]]:
    """Run jobs on ``executor`` (or a new one with ``workers``); results grouped by arm and ordered by
    replication. Jobs that differ only in their label run once: a run is a pure function of its
    market, seed and days, so an arm equal to another (an ablation that switches off what told two
    arms apart) gets a copy of that arm's outputs."""
    results: dict[str, list[ArmRun]] = {job.arm: [] for job in jobs}
    labels: dict[tuple, list[str]] = {}  # a run's inputs -> the arms that share it
    unique: list[Job] = []
    for job in jobs:
        key = (job.config, job.warmup, job.seed, job.days, job.replication, job.keep)
        if key not in labels:
            labels[key] = []
            unique.append(job)
        labels[key].append(job.arm)
    shared = {(arms[0], key[4]): arms for key, arms in labels.items()}  # (arm that runs, replication) -> arms

    def fan_out(r: ArmRun) -> None:
        for arm in shared[(r.arm, r.replication)]:
            copy = r if arm == r.arm else replace(
                r, arm=arm, daily=r.daily.copy(), summary=r.summary.copy(),
                market=None if r.market is None else r.market.copy(),
                orders=None if r.orders is None else r.orders.copy())
            results[arm].append(copy)
            if progress:
                progress(copy)

    ex = executor or Executor(workers=min(workers or 1, max(len(unique), 1)))
    try:
        ex.results(run_job, [(job,) for job in unique], fan_out)
    finally:
        if executor is None:
            ex.close()
    for runs in results.values():
        runs.sort(key=lambda r: r.replication)
    return results


def scenario_jobs(sc: Scenario, keep: tuple[str, ...] = KEEP) -> list[Job]:
    """Every run of a scenario: each arm warms up on the base market (of replication k's posterior draw,
    when the scenario carries one). ``keep``: the outputs each run sends back."""
    jobs = []
    for k in range(sc.replications):
        base, arms = sc.replication(k)
        base_json = base.model_dump_json()
        jobs.extend(Job(arm, k, cfg.model_dump_json(), base_json, sc.seed, sc.days, keep)
                    for arm, cfg in arms.items())
    return jobs


def run_scenario(sc: Scenario, workers: int | None = 1, progress: Callable[[ArmRun], None] | None = None,
                 executor: Executor | None = None, keep: tuple[str, ...] = KEEP) -> dict[str, list[ArmRun]]:
    """All runs of a scenario (every arm warms up on the base market), grouped by arm."""
    return run_jobs(scenario_jobs(sc, keep), workers, progress, executor)


def market_jobs(configs: dict[str, SimConfig], replications: int, days: int, seed: int) -> list[Job]:
    """Runs of several markets, each warming up on itself (not arms of one base market)."""
    out = []
    for name, cfg in configs.items():
        js = cfg.model_dump_json()
        out.extend(Job(name, k, js, js, seed, days) for k in range(replications))
    return out


__all__: list[Any] = ["ArmRun", "Job", "run_job", "run_jobs", "scenario_jobs", "run_scenario", "market_jobs"]
