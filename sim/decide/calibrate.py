"""``sim calibrate``: fit the market's unknowns to a brand's own figures (ABC-SMC, pyabc).

The market of a calibration file is simulated at parameter values proposed by ABC-SMC; a
proposal is accepted when its run reproduces the brand's figures to within ε, the root mean
square of (simulated − observed) / sd over the targets, and ε shrinks from generation to
generation (the median of the last generation's distances). Generation 0 is a sample of the
prior (ε = ∞), which also tells whether a target can be reached inside the priors at all.
The budget ends the search; the last complete generation is the posterior. A fifth of the
budget (``check_runs``) re-simulates posterior draws on fresh seeds for ``fit.csv``: the
figures the fitted market produces, with a 90 % interval, beside the brand's.

Outputs in the study folder: ``posterior.parquet`` (one column per dotted path, ``weight``),
``fit.csv``, ``calibrated.yaml`` (the base scenario whose replications run on posterior draws),
``calibration.json`` (method, generations, ε, runs, warnings) and ``index.html``.
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

from ..config import with_overrides
from ..executor import Executor
from ..posterior import typed
from .abc import MedianEpsilon, OrderedSampler, Simulator, Space, distance, observed, sanitise
from .calibrated import resample, write_outputs
from .load import Calibration, load_calibration
from .runs import RunStore, RunTask, run_tasks, task_key
from .source import as_file
from .study import study_folder, write_json

STREAM_RUNS, STREAM_CHECK = 13, 12  # seeds: SeedSequence([seed, stream, ...]); abc.py 11, calibrated.py 14
STATE = ("runs", "runs.log", "abc.db", "generations.json")
Progress = Callable[[dict[str, Any]], None]


@dataclass
class CalibrationResult:
    """What a calibration found: the posterior, the fit, the warnings and what it cost."""

    out: Path
    posterior: pd.DataFrame
    fit: pd.DataFrame
    warnings: list[str]
    summary: dict[str, Any]


def calibrate(source: str | os.PathLike | dict[str, Any], out: str | os.PathLike | None = None,
              workers: int | None = None, scheduler: Any = None, quick: bool = False, resume: bool = True,
              progress: Progress | None = None, lang: str = "en") -> CalibrationResult:
    """Fit a calibration file (or a mapping of the same keys) and write its outputs; see the module doc."""
    t0 = time.perf_counter()
    with as_file(source, "calibration") as path:
        cal = load_calibration(path, quick=quick, out=out)
    c = cal.common
    about = {"file": str(c.path), "name": c.name, "quick": quick, "budget_runs": c.budget_runs}
    with study_folder(c.out, "calibration", c.text_hash, resume, STATE, about) as folder, \
            Executor(workers=workers, scheduler=scheduler) as ex:
        store = RunStore(folder)
        reused = store.count()  # finished by an earlier, interrupted invocation
        history, unused = run_abc(cal, ex, store, folder, progress)
        post, prior_figures, gens = posterior_of(cal, history)
        # what the search could not use re-simulates the fit
        fit, check = fit_check(cal, ex, store, post, prior_figures, progress, cal.check_runs + unused * c.replications)
        warnings = fit_warnings(cal, post, fit)
        summary = {"method": "ABC-SMC (pyabc, ordered sampler), RMS distance in sd units, median epsilon schedule",
                   "population_size": cal.population_size, "generations": gens, "epsilon": gens[-1]["epsilon"],
                   "runs": store.count(), "budget_runs": c.budget_runs, "workers": ex.workers,
                   "seconds": round(time.perf_counter() - t0, 1), "warnings": warnings,
                   "intervals": intervals(cal, post), "seed": c.seed, "quick": quick}
        summary["runs_new"] = summary["runs"] - reused  # this invocation's: its seconds and runs/s are of these
        summary["runs_per_second"] = round(summary["runs_new"] / max(summary["seconds"], 1e-9), 3)
        write_outputs(cal, folder, post, fit, check, summary, lang)
    return CalibrationResult(out=folder, posterior=post, fit=fit, warnings=warnings, summary=summary)


# --------------------------------------------------------------------------- the search


def market_json(cal: Calibration, values: dict[str, float]) -> str:
    """The market at parameter values: they describe the market, so they hold from the first warm-up day."""
    cfg = cal.common.market.config
    return with_overrides(cfg, typed(cfg, values)).model_dump_json()


def run_abc(cal: Calibration, ex: Executor, store: RunStore, folder: Path, progress: Progress | None
            ) -> tuple[Any, int]:
    """Run (or resume) ABC-SMC in ``folder/abc.db`` until the budget is spent; returns pyabc's History and
    the evaluations left unused (a generation that could not have been finished is not started)."""
    import json

    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    c = cal.common
    space = Space(list(cal.params), list(cal.params.values()))
    simulator = Simulator()
    gen_file = folder / "generations.json"
    consumed: dict[str, int] = json.loads(gen_file.read_text()) if gen_file.is_file() else {}
    reps = c.replications
    history_box: list[Any] = []

    def used() -> int:  # evaluations of completed generations, plus the current one's so far
        max_t = history_box[0].max_t if history_box else -1
        return sum(v for gen, v in consumed.items() if int(gen) <= max_t) + current["used"]

    current = {"generation": None, "used": 0}

    def evaluate(generation: int, proposals: list[tuple[int, dict[str, float]]]) -> list[dict[str, float]]:
        if current["generation"] != generation:
            current.update(generation=generation, used=0)
        tasks, keys = [], []
        for i, param in proposals:
            values = space.to_values(param)
            js = market_json(cal, values)
            ks = []
            for r in range(reps):
                seed = (c.seed, STREAM_RUNS, generation + 1, i, r)
                ks.append(task_key("abc", values, seed))
                tasks.append(RunTask(ks[-1], js, None, seed, c.days, c.market.brand))
            keys.append(ks)
        progress_line = _runs_progress(progress, store, c.budget_runs, f"generation {generation}")
        records = run_tasks(ex, store, tasks, progress_line)
        current["used"] += len(proposals)
        return [sanitise(_mean_figures([records[k]["figures"] for k in ks], cal.targets), cal.targets)
                for ks in keys]

    def batch_size(t: int, need: int) -> int:
        # the last generation's acceptance rate; the next one accepts fewer (a smaller epsilon), hence 1.25
        rate = _acceptance(history_box[0], t - 1) if t > 0 else 1.0
        return int(min(4 * cal.population_size, math.ceil(1.25 * need / max(rate, 0.05)))) if t > 0 else need

    def budget_left() -> int:
        return cal.evaluations - used()

    sampler = OrderedSampler(simulator, c.seed, evaluate, budget_left, batch_size)
    abc = pyabc.ABCSMC(simulator, space.prior(), distance(cal.targets), population_size=cal.population_size,
                       sampler=sampler, eps=MedianEpsilon(),
                       transitions=pyabc.MultivariateNormalTransition())
    db = f"sqlite:///{(folder / 'abc.db').resolve()}"
    if (folder / "abc.db").is_file() and _has_run(db):
        history = abc.load(db, 1)
    else:
        (folder / "abc.db").unlink(missing_ok=True)
        history = abc.new(db, observed(cal.targets))
    history_box.append(history)

    def finished(t: int) -> None:  # generation t is complete (counted in consumed from now on)
        consumed[str(t)] = current["used"]
        current["used"] = 0
        write_json(gen_file, consumed)

    sampler.on_generation = finished
    if budget_left() >= cal.population_size:
        with warnings.catch_warnings():  # pyabc compares epsilon with generation 0's infinite one (inf - inf)
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="pyabc")
            abc.run(max_total_nr_simulations=np.inf)
    return history, cal.evaluations - used()


def _has_run(db: str) -> bool:
    import pyabc

    try:
        return len(pyabc.History(db).all_runs()) > 0
    except Exception:  # noqa: BLE001 - an unreadable or empty history file: start again
        return False


def _acceptance(history: Any, t: int) -> float:
    pops = history.get_all_populations()
    row = pops[pops["t"] == t]
    if not len(row) or not row["samples"].iloc[0]:
        return 1.0
    return float(row["particles"].iloc[0] / row["samples"].iloc[0])


def _mean_figures(figs: list[dict[str, float | None]], targets: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for m in targets:
        v = [f.get(m) for f in figs if f.get(m) is not None]
        out[m] = float(np.mean(v)) if v else None
    return out


def _runs_progress(progress: Progress | None, store: RunStore, total: int, stage: str) -> Progress | None:
    if progress is None:
        return None
    return lambda rec: progress({"runs": store.count(), "total": total, "stage": stage})


# --------------------------------------------------------------------------- the posterior


def posterior_of(cal: Calibration, history: Any) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """The last generation's particles on the parameters' own scales, generation 0's figures (the prior
    predictive) and a record of every generation."""
    space = Space(list(cal.params), list(cal.params.values()))
    df, w = history.get_distribution(m=0, t=history.max_t)
    post = pd.DataFrame([space.to_values(row) for row in df.to_dict("records")])
    post["weight"] = np.asarray(w, float) / float(np.sum(w))
    _, stats = history.get_weighted_sum_stats(t=0)
    prior = pd.DataFrame([{m: float(s[m]) for m in cal.targets} for s in stats])
    pops = history.get_all_populations()
    gens = [{"t": int(r.t), "epsilon": float(r.epsilon), "particles": int(r.particles), "evaluations": int(r.samples)}
            for r in pops[pops["t"] >= 0].itertuples()]
    return post, prior, gens


def fit_check(cal: Calibration, ex: Executor, store: RunStore, post: pd.DataFrame, prior: pd.DataFrame,
              progress: Progress | None, runs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-simulate ``runs`` posterior draws on fresh seeds: per target, the brand's figure and the fitted
    market's."""
    c = cal.common
    draws = resample(post, runs, c.seed, STREAM_CHECK)
    tasks = []
    for j, values in enumerate(draws.to_dict("records")):
        seed = (c.seed, STREAM_CHECK, j)
        tasks.append(RunTask(task_key("check", values, seed), market_json(cal, values), None, seed, c.days,
                             c.market.brand))
    records = run_tasks(ex, store, tasks, _runs_progress(progress, store, c.budget_runs, "fit check"))
    check = pd.DataFrame([{**values, **{m: records[task.key]["figures"].get(m) for m in cal.targets}}
                          for values, task in zip(draws.to_dict("records"), tasks, strict=True)])
    rows = []
    for m, target in cal.targets.items():
        v = pd.to_numeric(check[m], errors="coerce").dropna().to_numpy(float)
        p = prior[m].to_numpy(float)
        p = p[np.abs(p - target.value) < 900 * target.sd]  # drop the sentinel of runs that could not compute it
        mean = float(v.mean()) if v.size else math.nan
        sd_sim = float(v.std(ddof=1)) if v.size > 1 else 0.0
        z = (target.value - mean) / math.sqrt(target.sd ** 2 + sd_sim ** 2) if v.size else math.nan
        rows.append({"target": m, "observed": target.value, "sd": target.sd, "simulated_mean": mean,
                     "simulated_lo": float(np.quantile(v, 0.05)) if v.size else math.nan,
                     "simulated_hi": float(np.quantile(v, 0.95)) if v.size else math.nan,
                     "z": z, "prior_min": float(p.min()) if p.size else math.nan,
                     "prior_max": float(p.max()) if p.size else math.nan,
                     "reached": bool(v.size and abs(z) <= 2.0)})
    return pd.DataFrame(rows), check


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    cw = np.cumsum(w[order]) / np.sum(w)
    return float(x[order][min(np.searchsorted(cw, q), len(x) - 1)])


def intervals(cal: Calibration, post: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Each parameter's posterior median and 90 % interval, and its prior range."""
    w = post["weight"].to_numpy(float)
    out = {}
    for path, r in cal.params.items():
        x = post[path].to_numpy(float)
        out[path] = {"median": weighted_quantile(x, w, 0.5), "lo": weighted_quantile(x, w, 0.05),
                     "hi": weighted_quantile(x, w, 0.95), "prior_low": r.low, "prior_high": r.high}
    return out


def fit_warnings(cal: Calibration, post: pd.DataFrame, fit: pd.DataFrame) -> list[str]:
    """Plain warnings: a target the fitted market does not reach, parameters the targets cannot tell apart,
    a parameter the targets say nothing about. Keys, not sentences: the report words them (en/zh)."""
    out = []
    for r in fit.itertuples():
        if not r.reached:
            outside = not (r.prior_min - 2 * r.sd <= r.observed <= r.prior_max + 2 * r.sd)
            out.append(f"unreached:{r.target}:{'prior' if outside else 'fit'}")
    space = Space(list(cal.params), list(cal.params.values()))
    w = post["weight"].to_numpy(float)
    z = np.column_stack([np.log(post[p]) if r.scale == "log" else post[p].to_numpy(float)
                         for p, r in zip(space.paths, space.ranges, strict=True)])
    mu = (w[:, None] * z).sum(axis=0)
    cov = (w[:, None, None] * ((z - mu)[:, :, None] * (z - mu)[:, None, :])).sum(axis=0)
    sd = np.sqrt(np.diag(cov))
    for a in range(len(space.paths)):
        lo, hi = space.ranges[a].low, space.ranges[a].high
        width = (math.log(hi) - math.log(lo)) if space.ranges[a].scale == "log" else hi - lo
        if sd[a] >= 0.8 * width / math.sqrt(12):  # as wide as the uniform prior
            out.append(f"uninformed:{space.paths[a]}")
        for b in range(a + 1, len(space.paths)):
            rho = cov[a, b] / (sd[a] * sd[b]) if sd[a] > 0 and sd[b] > 0 else 0.0
            if abs(rho) >= 0.8:
                out.append(f"ridge:{space.paths[a]}:{space.paths[b]}:{rho:.2f}")
    return out
