"""``sim optimize``: the brand's best strategy under its bounds, paired with what it does today (Optuna).

Every candidate is a set of decision values applied from reported day 1, after the base market's
warm-up, like a scenario arm; every candidate and the current strategy run on the same seeds
``SeedSequence([seed, k])``, k < replications (common random numbers), so candidates are compared
on the same draws. Optuna's TPE proposes candidates in rounds of ``batch``; each proposal is made
by a sampler seeded from (seed, trial number) with the earlier trials in the storage as its only
input, so the search is the same for any number of workers and a study killed mid-round resumes
with the same trials, re-using every run that had finished.

The winner's curse: the best of many noisy candidates looks better than it is on the seeds that
chose it. The best candidate is chosen on the search seeds; it, the next few and the current
strategy then run on fresh seeds (k = replications, replications + 1, ...), and the reported gain is
its paired difference from the current strategy there, with a 95 % t interval.
"""

from __future__ import annotations

import logging
import math
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import SimConfig, with_overrides
from ..config.decisions import candidate_overrides
from ..executor import Executor
from ..reporting import mean_ci
from .load import Optimization, load_optimization
from .runs import RunStore, RunTask, run_tasks, task_key
from .source import as_file
from .study import study_folder

STREAM_SAMPLER = 21  # SeedSequence([seed, STREAM_SAMPLER, trial number]) seeds the proposal of each trial
STATE = ("runs", "runs.log", "study.db")
Progress = Callable[[dict[str, Any]], None]


@dataclass
class OptimizationResult:
    out: Path
    result: dict[str, Any]
    trials: pd.DataFrame


def optimize(source: str | os.PathLike | dict[str, Any], out: str | os.PathLike | None = None,
             workers: int | None = None, scheduler: Any = None, quick: bool = False, resume: bool = True,
             progress: Progress | None = None, lang: str = "en", base: str | None = None) -> OptimizationResult:
    """Search an optimisation file's decisions (or a mapping of the same keys) and write its outputs.

    ``base``: a scenario (e.g. a calibration's calibrated.yaml) instead of the file's base."""
    from .optimized import write_outputs

    t0 = time.perf_counter()
    with as_file(source, "optimization") as path:
        opt = load_optimization(path, quick=quick, out=out, base=base)
    c = opt.common
    about = {"file": str(c.path), "name": c.name, "quick": quick, "budget_runs": c.budget_runs}
    with study_folder(c.out, "optimization", c.text_hash, resume, STATE, about) as folder, \
            Executor(workers=workers, scheduler=scheduler) as ex:
        search = Search(opt, ex, RunStore(folder), folder, progress)
        reused = search.store.count()  # finished by an earlier, interrupted invocation
        search.run()
        trials = search.trials_frame()
        result = search.confirm(trials)
        result.update(runs=search.store.count(), budget_runs=c.budget_runs, workers=ex.workers,
                      seconds=round(time.perf_counter() - t0, 1), quick=quick)
        result["runs_new"] = result["runs"] - reused  # this invocation's: its seconds and runs/s are of these
        result["runs_per_second"] = round(result["runs_new"] / max(result["seconds"], 1e-9), 3)
        write_outputs(opt, folder, trials, result, lang)
    return OptimizationResult(out=folder, result=result, trials=trials)


def objective_value(values: list[float], opt: Optimization) -> float:
    """A candidate's objective over its replications: the mean, or the risk quantile."""
    v = np.asarray(values, float)
    if v.size == 0 or not np.isfinite(v).all():
        return math.nan
    risk = opt.objective.risk
    return float(np.quantile(v, risk.lower_quantile) if risk is not None else v.mean())


class Search:
    """The rounds of one study: propose, run, tell; then confirm the best on fresh seeds."""

    def __init__(self, opt: Optimization, ex: Executor, store: RunStore, folder: Path, progress: Progress | None):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        logging.getLogger("optuna").setLevel(logging.WARNING)
        self.opt, self.ex, self.store, self.progress = opt, ex, store, progress
        self.c = opt.common
        self.cfg = self.c.market.config
        storage = optuna.storages.RDBStorage(f"sqlite:///{(folder / 'study.db').resolve()}")
        direction = "maximize" if opt.objective.direction == "maximize" else "minimize"
        self.study = optuna.create_study(study_name="study", storage=storage, direction=direction,
                                         load_if_exists=True)
        self.distributions = self._distributions()
        self.search_seeds = list(range(self.c.replications))
        self.fresh_seeds = list(range(self.c.replications, self.c.replications + opt.confirm_replications))

    def _distributions(self) -> dict[str, Any]:
        from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

        out = {}
        for path, d in self.opt.decisions.items():
            if d.choices is not None:
                out[path] = CategoricalDistribution(d.choices)
            elif d.integer:
                out[path] = IntDistribution(int(d.low), int(d.high), log=d.scale == "log")
            else:
                out[path] = FloatDistribution(d.low, d.high, log=d.scale == "log")
        return out

    # ------------------------------------------------------------------ runs
    def market(self, k: int) -> SimConfig:
        """The warm-up market of replication k (its posterior draw, for a calibrated base)."""
        post = self.c.market.posterior
        return post.apply(self.cfg, k) if post is not None else self.cfg

    def tasks(self, purpose: str, values: dict[str, Any] | None, seeds: list[int]) -> list[RunTask]:
        """The runs of a candidate (``values``) or of the current strategy (None) on replications ``seeds``."""
        out = []
        for k in seeds:
            warm = self.market(k)
            cfg = warm if values is None else with_overrides(warm, candidate_overrides(warm, self.c.market.brand,
                                                                                       values))
            seed = (self.c.seed, k)
            out.append(RunTask(task_key(purpose, values or {}, seed), cfg.model_dump_json(), warm.model_dump_json(),
                               seed, self.c.days, self.c.market.brand))
        return out

    def metric(self, tasks: list[RunTask], records: dict[str, dict[str, Any]]) -> list[float]:
        m = self.opt.objective.metric
        return [math.nan if records[task.key]["figures"].get(m) is None else float(records[task.key]["figures"][m])
                for task in tasks]

    def _run(self, tasks: list[RunTask], stage: str) -> dict[str, dict[str, Any]]:
        done = self.store.count
        total = self.c.budget_runs
        progress = None if self.progress is None else (
            lambda rec: self.progress({"runs": done(), "total": total, "stage": stage}))
        return run_tasks(self.ex, self.store, tasks, progress)

    # ------------------------------------------------------------------ the search
    def ask(self) -> Any:
        import optuna
        from optuna.exceptions import ExperimentalWarning

        number = len(self.study.get_trials(deepcopy=False))
        state = np.random.SeedSequence([self.c.seed, STREAM_SAMPLER, number]).generate_state(1)[0]
        startup = int(min(10, max(4, self.opt.trials // 4)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExperimentalWarning)
            self.study.sampler = optuna.samplers.TPESampler(seed=int(state), multivariate=True, constant_liar=True,
                                                            n_startup_trials=startup)
            return self.study.ask(self.distributions)

    def run(self) -> None:
        from optuna.trial import TrialState

        self.current_search = self._run(self.tasks("current", None, self.search_seeds), "today's strategy")
        while True:
            trials = self.study.get_trials(deepcopy=False)
            running = [trial for trial in trials if trial.state == TrialState.RUNNING]  # a round a killed study left
            left = self.opt.trials - len(trials)
            if not running and left <= 0:
                return
            batch = running or [self.ask() for _ in range(min(self.opt.batch, left))]
            numbered = [(trial.number, dict(trial.params)) for trial in batch]
            tasks = {n: self.tasks("candidate", params, self.search_seeds) for n, params in numbered}
            records = self._run([task for ts in tasks.values() for task in ts], f"round of trial {numbered[0][0]}")
            for n, _params in numbered:
                value = objective_value(self.metric(tasks[n], records), self.opt)
                if math.isfinite(value):
                    self.study.tell(n, value)
                else:  # the metric is undefined in some replication (a CAC with no paid customer)
                    self.study.tell(n, state=TrialState.FAIL)

    def trials_frame(self) -> pd.DataFrame:
        """One row per trial: its number, state, decision values, objective and each replication's metric."""
        rows = []
        for trial in self.study.get_trials(deepcopy=False):
            tasks = self.tasks("candidate", dict(trial.params), self.search_seeds)
            recs = {k.key: self.store.get(k.key) for k in tasks}
            vals = self.metric(tasks, recs) if all(recs.values()) else [math.nan] * len(tasks)
            rows.append({"trial": trial.number, "state": trial.state.name, **dict(trial.params),
                         "objective": trial.value if trial.value is not None else math.nan,
                         "mean": float(np.mean(vals)) if vals else math.nan,
                         **{f"{self.opt.objective.metric}_rep{k}": v for k, v in zip(self.search_seeds, vals,
                                                                                     strict=True)}})
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ the confirmation
    def confirm(self, trials: pd.DataFrame) -> dict[str, Any]:
        """The best few candidates and the current strategy on fresh seeds; the best's paired gain there."""
        opt = self.opt
        sign = 1.0 if opt.objective.direction == "maximize" else -1.0
        done = trials[trials["state"] == "COMPLETE"].copy()
        done["rank_key"] = -sign * done["objective"]
        done = done.sort_values(["rank_key", "trial"], kind="stable")
        paths = list(opt.decisions)
        top, seen = [], set()
        for r in done.to_dict("records"):
            params = {p: _plain(r[p]) for p in paths}
            key = repr(sorted(params.items()))
            if key not in seen:
                seen.add(key)
                top.append((int(r["trial"]), params, float(r["objective"])))
            if len(top) == opt.confirm_candidates:
                break
        cur_tasks = self.tasks("current", None, self.fresh_seeds)
        cand_tasks = [self.tasks("candidate", params, self.fresh_seeds) for _, params, _ in top]
        records = self._run(cur_tasks + [task for ts in cand_tasks for task in ts], "fresh seeds")
        current = np.asarray(self.metric(cur_tasks, records), float)
        current_search = np.asarray(self.metric(self.tasks("current", None, self.search_seeds), self.current_search))
        confirmed = []
        for (number, params, value), ts in zip(top, cand_tasks, strict=True):
            diff = sign * (np.asarray(self.metric(ts, records), float) - current)
            m, lo, hi = mean_ci(diff)
            confirmed.append({"trial": number, "params": params, "search_value": value,
                              "fresh_value": objective_value(self.metric(ts, records), opt),
                              "gain": {"mean": m, "lo": lo if math.isfinite(lo) else m, "hi": hi if math.isfinite(
                                  hi) else m}, "fresh": [float(x) for x in diff]})
        best = confirmed[0]
        return {"best": best["params"], "gain": best["gain"], "best_trial": best["trial"],
                "objective": opt.objective.model_dump(mode="json"), "current": dict(opt.current),
                "current_value": {"search": objective_value(list(current_search), opt),
                                  "fresh": objective_value(list(current), opt)},
                "best_value": {"search": best["search_value"], "fresh": best["fresh_value"]},
                "fresh_seeds": {"seed": self.c.seed, "replications": self.fresh_seeds,
                                "rule": f"SeedSequence([{self.c.seed}, k]) for k in {self.fresh_seeds}"},
                "search_seeds": {"seed": self.c.seed, "replications": self.search_seeds},
                "confirmed": confirmed, "trials": int(len(trials)),
                "gain_definition": "paired difference best - current of the objective's metric on the fresh seeds, "
                                   "signed so that positive is better (mean and 95% t interval)"}


def _plain(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    return x
