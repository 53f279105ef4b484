"""A scenario's study as ``sim run`` makes it: every arm's runs on one executor and, on request, the same runs
with each of the focal brand's channels switched off (:mod:`.incrementality`, the channel truth) and each lever
moved across its range (:mod:`.sensitivity`, what flips the verdict); :func:`.report.write_report` then writes
the report of what it measured."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..executor import Executor, default_workers
from ..files.errors import UserError
from .runs import KEEP, ArmRun, run_scenario
from .scenario import Scenario

if TYPE_CHECKING:
    from .incrementality import ChannelTruth
    from .sensitivity import Sensitivity

def _nothing(*_: Any) -> None:
    return None


@dataclass
class StudyProgress:
    """What a caller (the CLI's progress bars) hears of a study while it runs: each run of the scenario (and of
    its counterfactuals); then, with a sensitivity analysis, its start, each of its runs and each round of runs
    it adds."""

    run: Callable[[ArmRun], None] = _nothing
    sensitivity_start: Callable[[], None] = _nothing
    sensitivity_run: Callable[[ArmRun], None] = _nothing
    sensitivity_round: Callable[[int], None] = _nothing


@dataclass
class Study:
    """What a study measured: the runs by arm, the channel truth and the sensitivity (each when asked for)."""

    results: dict[str, list[ArmRun]]
    truths: list[ChannelTruth] | None = None
    sensitivity: Sensitivity | None = None
    seconds: float = 0.0


def check_study(sc: Scenario, sensitivity: bool) -> None:
    """Refuse what the scenario cannot answer: a sensitivity analysis compares an arm with its reference."""
    if sensitivity and len(sc.arms) < 2:
        raise UserError(sc.path, "--sensitivity compares an arm with its reference: the file has one arm", key="arms")


def default_folder(sc: Scenario) -> Path:
    """Where the report goes unless told: reports/<scenario> under the working folder."""
    return Path("reports") / sc.name


def kept_outputs(export: bool) -> tuple[str, ...]:
    """What each run sends back: what the report reads, and the order log when the tables are exported."""
    return KEEP + ("orders",) if export else KEEP


def planned_runs(sc: Scenario, export: bool = False, incrementality: bool = False) -> int:
    """How many runs the study starts with (a sensitivity analysis adds its own, round by round)."""
    if incrementality:  # (imported on use: the plain run starts as fast as before)
        from .incrementality import counterfactual_jobs

        return len(counterfactual_jobs(sc, kept_outputs(export)))
    return len(sc.arms) * sc.replications


def run_study(sc: Scenario, workers: int = 0, export: bool = False, incrementality: bool = False,
              sensitivity: bool = False, progress: StudyProgress | None = None) -> Study:
    """Run the study on one executor of ``workers`` processes (0: one per core; no more than there are runs,
    unless a sensitivity analysis follows)."""
    progress = progress or StudyProgress()
    t0 = time.perf_counter()
    keep = kept_outputs(export)
    n_workers = default_workers(workers)
    total = planned_runs(sc, export, incrementality)
    truths = found = None
    with Executor(workers=min(n_workers, total) if not sensitivity else n_workers) as ex:
        if incrementality:
            from .incrementality import run_with_counterfactuals

            results, truths = run_with_counterfactuals(sc, progress=progress.run, executor=ex, keep=keep)
        else:
            results = run_scenario(sc, progress=progress.run, executor=ex, keep=keep)
        if sensitivity:
            from .sensitivity import run_sensitivity

            progress.sensitivity_start()
            found = run_sensitivity(sc, results, ex, progress=progress.sensitivity_run,
                                    on_round=progress.sensitivity_round)
    return Study(results, truths, found, time.perf_counter() - t0)
