"""What flips the verdict (docs/METRICS.md §6c): one lever at a time, the paired difference in the focal
brand's profit between the arm the summary recommends (or the scenario's ``sensitivity.arm``) and its
reference, at each end of the lever's range, on the scenario's own seeds; where the sign differs from the
scenario's, the flip point by bisection on common random numbers.

The scenario's own runs are the centre. Each round of evaluations (all ends, then each bisection step of
every bracket) goes to the executor as one batch. A bracket is narrowed ``steps`` times; the flip point is
where the straight line between the bracket's ends crosses zero. Only sign changes between the values
evaluated are found: a lever that flips the verdict and back inside one interval is not seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..executor import Executor
from ..reporting import mean_ci
from .kpis import focal_brands, focal_kpis
from .levers import Lever, apply_lever, spec_levers
from .runs import ArmRun, Job, run_jobs
from .scenario import Scenario

KEEP = ("daily", "summary")  # the focal profit comes from the daily frame, as in the report's KPI table


@dataclass(frozen=True)
class Estimate:
    """The paired difference (arm − reference) in focal profit at one value of a lever."""

    value: float
    diff: tuple[float, float, float]  # mean, 95 % CI low, high over replications

    @property
    def sign(self) -> int:
        return int(np.sign(self.diff[0]))


@dataclass(frozen=True)
class Flip:
    """Where the verdict flips: the estimate inside the last bracket, and the bracket itself."""

    value: float
    bracket: tuple[float, float]


@dataclass(frozen=True)
class LeverResult:
    lever: Lever
    estimates: tuple[Estimate, ...]  # every value evaluated, in increasing order (the centre included)
    flips: tuple[Flip, ...]

    def at(self, value: float) -> Estimate:
        return next(e for e in self.estimates if e.value == value)

    @property
    def swing(self) -> float:
        """How far the difference moves between the ends of the range (the tornado's order)."""
        return abs(self.at(self.lever.high).diff[0] - self.at(self.lever.low).diff[0])


@dataclass(frozen=True)
class Sensitivity:
    arm: str
    reference: str
    centre: tuple[float, float, float]  # the scenario's own paired difference (mean, CI)
    levers: tuple[LeverResult, ...]
    runs: int  # runs this analysis added to the scenario's own
    seconds: float


def contender(sc: Scenario, results: dict[str, list[ArmRun]]) -> tuple[str, str]:
    """(arm, reference) of the verdict the executive summary states: the best arm on mean focal profit
    against the reference, or, where the reference wins, the best of the others against it."""
    spec = sc.sensitivity
    if spec is not None and spec.arm is not None:
        return spec.arm, sc.reference_of(spec.arm) or sc.reference
    focal = focal_brands(sc)
    main = [a for a in sc.arms if sc.reference_of(a) in (None, sc.reference) and a != sc.reference]
    if not main:
        raise ValueError("a sensitivity analysis needs an arm besides the reference")
    mean = {a: np.mean([focal_kpis(r, focal[a])["profit"] for r in results[a]]) for a in main}
    return max(main, key=lambda a: mean[a]), sc.reference


def _paired(sc: Scenario, arm: str, ref: str, runs: dict[str, list[ArmRun]]) -> tuple[float, float, float]:
    focal = focal_brands(sc)
    a = [focal_kpis(r, focal[arm])["profit"] for r in runs[arm]]
    b = [focal_kpis(r, focal[ref])["profit"] for r in runs[ref]]
    return mean_ci(np.subtract(a, b))


def _label(path: str, value: float, arm: str) -> str:
    return f"{path}={value!r}|{arm}"


def _jobs(sc: Scenario, arm: str, ref: str, lever: Lever, value: float) -> list[Job]:
    """Both arms of the pair on every replication, the lever at ``value`` in the warm-up market as well."""
    jobs = []
    for k in range(sc.replications):
        base, arms = sc.replication(k)
        warm = apply_lever(base, lever.path, value, base.market.focal_brand).model_dump_json()
        for side in (arm, ref):
            cfg = apply_lever(arms[side], lever.path, value, arms[side].market.focal_brand)
            jobs.append(Job(_label(lever.path, value, side), k, cfg.model_dump_json(), warm, sc.seed, sc.days, KEEP))
    return jobs


def _evaluate(sc: Scenario, arm: str, ref: str, points: list[tuple[Lever, float]], executor: Executor,
              progress: Callable[[ArmRun], None] | None) -> tuple[dict[tuple[str, float], Estimate], int]:
    """One batch: every (lever, value) at once; the estimates and the number of distinct runs."""
    jobs = [j for lever, v in points for j in _jobs(sc, arm, ref, lever, v)]
    results = run_jobs(jobs, progress=progress, executor=executor)
    out = {}
    for lever, v in points:
        pair = {arm: results[_label(lever.path, v, arm)], ref: results[_label(lever.path, v, ref)]}
        out[(lever.path, v)] = Estimate(v, _paired(sc, arm, ref, pair))
    distinct = len({(j.config, j.warmup, j.replication) for j in jobs})
    return out, distinct


def _midpoint(lo: float, hi: float, integer: bool) -> float | None:
    if integer:
        return float((int(lo) + int(hi)) // 2) if hi - lo > 1 else None
    return (lo + hi) / 2


def _crossing(a: Estimate, b: Estimate, integer: bool) -> float:
    """Where the straight line between two estimates of opposite sign crosses zero."""
    x = a.value + (b.value - a.value) * a.diff[0] / (a.diff[0] - b.diff[0])
    return float(round(x)) if integer else float(x)


def _narrow(known: dict[float, Estimate], lever: Lever, lo: float, hi: float) -> tuple[float, float]:
    """The half of a bracket in which the sign changes, once its midpoint has been evaluated."""
    m = _midpoint(lo, hi, lever.integer)
    if m is None or m not in known:
        return lo, hi
    return (lo, m) if known[lo].sign * known[m].sign < 0 else (m, hi)


def run_sensitivity(sc: Scenario, results: dict[str, list[ArmRun]], executor: Executor,
                    progress: Callable[[ArmRun], None] | None = None,
                    on_round: Callable[[int], None] | None = None) -> Sensitivity:
    """The tornado's figures for the scenario whose own runs are ``results``. ``on_round(n)`` is told the
    number of runs of each round before it starts (a progress bar's total)."""
    t0 = time.perf_counter()
    arm, ref = contender(sc, results)
    focal_cfg = sc.arms[arm]
    levers = spec_levers(sc.sensitivity, focal_cfg, focal_cfg.market.focal_brand)
    centre = _paired(sc, arm, ref, results)
    steps = sc.sensitivity.steps if sc.sensitivity is not None else 3
    if sc.quick:
        steps = min(steps, 1)
    # per lever: value -> estimate; the scenario's own runs are the estimate at the arm's value
    known: dict[str, dict[float, Estimate]] = {lv.path: {lv.center: Estimate(lv.center, centre)} for lv in levers}
    todo = [(lv, v) for lv in levers for v in (lv.low, lv.high) if v != lv.center]
    brackets: list[tuple[Lever, float, float]] = []
    runs = 0
    for step in range(steps + 1):
        if todo:
            if on_round:
                on_round(len(todo) * 2 * sc.replications)
            found, n = _evaluate(sc, arm, ref, todo, executor, progress)
            runs += n
            for (path, v), est in found.items():
                known[path][v] = est
        if step == 0:  # every sign change between neighbouring values evaluated is a bracket
            for lv in levers:
                vals = sorted(known[lv.path])
                brackets += [(lv, a, b) for a, b in zip(vals, vals[1:], strict=False)
                             if known[lv.path][a].sign * known[lv.path][b].sign < 0]
        else:
            brackets = [(lv, *_narrow(known[lv.path], lv, a, b)) for lv, a, b in brackets]
        todo = [] if step == steps else [
            (lv, m) for lv, a, b in brackets if (m := _midpoint(a, b, lv.integer)) is not None]
    out = []
    for lv in levers:
        est = tuple(known[lv.path][v] for v in sorted(known[lv.path]))
        flips = tuple(Flip(_crossing(known[lv.path][a], known[lv.path][b], lv.integer), (a, b))
                      for x, a, b in brackets if x is lv)
        out.append(LeverResult(lv, est, flips))
    return Sensitivity(arm, ref, centre, tuple(out), runs, time.perf_counter() - t0)


def sensitivity_frame(s: Sensitivity) -> pd.DataFrame:
    """One row per lever (sensitivity.csv): the range, the difference at each end and the centre, the flips."""
    rows = []
    for r in s.levers:
        lv = r.lever
        row = {"arm": s.arm, "reference": s.reference, "parameter": lv.path, "low": lv.low, "centre": lv.center,
               "high": lv.high}
        for name, v in (("low", lv.low), ("centre", lv.center), ("high", lv.high)):
            d = r.at(v).diff
            row |= {f"diff_{name}": d[0], f"diff_{name}_lo": d[1], f"diff_{name}_hi": d[2]}
        first = r.flips[0] if r.flips else Flip(float("nan"), (float("nan"), float("nan")))
        row |= {"flips": len(r.flips), "flip_point": first.value, "flip_bracket_low": first.bracket[0],
                "flip_bracket_high": first.bracket[1],
                "more_flips": "; ".join(f"{f.value!r} [{f.bracket[0]!r}, {f.bracket[1]!r}]" for f in r.flips[1:])}
        row["values_evaluated"] = len(r.estimates)
        rows.append(row)
    return pd.DataFrame(rows)
