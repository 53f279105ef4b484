"""Experiment files: a base market, parameters by dotted path, a design, replications, metrics.

An experiment file (YAML, ``yaml.safe_load`` only) describes a parameter sweep::

    name: crossover
    question: {en: "...", zh: "..."}
    scenario: ../scenarios/baseline.yaml   # optional: a scenario's base market (its arms are not run)
    base: {population.agents: 2000}        # optional: overrides on top (dotted or nested)
    parameters:
      categories.0.purchase_interval_days: {range: [7, 180], scale: log}
      brands.0.unit_cost: {values: [15, 25, 35]}
    arms:                                   # optional: every design point runs each arm (paired)
      public_only: {brands.0.strategy: public_only}
      private_cultivate: {brands.0.strategy: private_cultivate}
    design: {method: grid, levels: 4}       # grid | lhs | sobol | morris
    replications: 3
    days: 365
    metrics: {summary: [profit, cac_public], daily: [cac_public], brands: focal}
    out: ../reports/sweeps/crossover

Design points are drawn here, once, from the design's own seed; each run then has the seed
``SeedSequence([seed, replication])`` at every design point and in every arm (common random
numbers, docs/MODEL.md §4) and an id that hashes its parameters, arm and replication.
Every error names the file, the key and the line (:class:`~sim.files.UserError`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from ..config import ConfigError, NoBoolNumbers, SimConfig, default_config, get_path, suggest, with_overrides
from ..files.economics import warn_economics
from ..files.errors import UserError
from ..files.markets import apply_overrides, check_resources, flatten, quicken
from ..files.reading import line_for, read_yaml, validate_file
from ..metrics import SUMMARY_METRICS
from ..posterior import PosteriorDraws
from ..study.kpis import KPIS
from ..study.scenario import load_scenario


class Parameter(NoBoolNumbers):
    """One swept parameter: a list of values, or a range [low, high] (linear or log scale)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    values: list[Any] | None = Field(None, description="The values to try (any type the configuration accepts)")
    range: tuple[float, float] | None = Field(None, description="[low, high] of a continuous parameter")
    scale: Literal["linear", "log"] = Field("linear", description="Spacing and sampling of a range")
    label: str | None = Field(None, description="Name shown in reports (default: the dotted path)")

    @model_validator(mode="after")
    def _one_of(self) -> Parameter:
        if (self.values is None) == (self.range is None):
            raise ValueError("give either values or range")
        if self.values is not None and not self.values:
            raise ValueError("values: at least one value is needed")
        if self.values is not None:  # a repeated value would run the same design points twice
            seen = [json.dumps(v, sort_keys=True, default=str) for v in self.values]
            for v, k in zip(self.values, seen, strict=True):
                if seen.count(k) > 1:
                    raise ValueError(f"values: {v!r} is given more than once (values must be distinct)")
        if self.range is not None:
            lo, hi = self.range
            if not lo < hi:
                raise ValueError(f"range: low must be below high, got [{lo}, {hi}]")
            if self.scale == "log" and lo <= 0:
                raise ValueError("range: a log scale needs a positive low end")
        return self


class Design(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid")
    method: Literal["grid", "lhs", "sobol", "morris"] = Field("grid", description="Sampling design")
    levels: int = Field(3, ge=2, le=1000, description="grid: points per range; morris: grid levels")
    samples: int = Field(16, ge=1, le=1_000_000,
                         description="lhs: points; sobol: base samples N (N·(D+2) points); morris: trajectories")
    second_order: bool = Field(False, description="sobol: also second-order indices (N·(2D+2) points)")
    seed: int = Field(0, ge=0, description="Seed of the sampler (design points), separate from the runs' seed")


class Metrics(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid")
    summary: list[str] = Field(default_factory=lambda: ["profit", "cac_public", "pool_members"],
                               description="Run summaries kept (per kept brand)")
    daily: list[str] = Field(default_factory=list, description="Daily series kept (per kept brand)")
    brands: Literal["focal", "all"] = Field("focal", description="Keep the focal brand's rows, or every brand's")


class Analysis(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid")
    heatmap: list[str] | None = Field(None, description="Two parameters for the heatmap (default: the first two)")
    frontier: list[str] | None = Field(
        None, description="[arm A, arm B]: draw where B's profit beats A's (default: the first two arms)")
    metric: str = Field("profit", description="Metric of the heatmap and the frontier")


class QuickExperiment(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid")
    agents: int = Field(1000, ge=50, description="Simulated consumers under --quick (scale rises to match)")
    replications: int = Field(2, ge=1, description="Replications under --quick")
    samples: int = Field(8, ge=1, description="Design samples (lhs, sobol, morris) under --quick")
    levels: int = Field(2, ge=2, description="Grid levels per range under --quick")


class ExperimentFile(NoBoolNumbers):
    """The top level of an experiment file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str | None = Field(None, description="Experiment name (default: the file name)")
    question: dict[Literal["en", "zh"], str] | str = Field("", description="The question the sweep answers")
    scenario: str | None = Field(None, description="A scenario file whose base market the sweep starts from")
    base: dict[str, Any] = Field(default_factory=dict, description="Overrides of the base market (dotted or nested)")
    parameters: dict[str, Parameter] = Field(..., description="Swept parameters by dotted configuration path")
    arms: dict[str, dict[str, Any] | None] = Field(
        default_factory=dict, description="Optional arms run at every design point (paired comparisons)")
    design: Design = Field(default_factory=Design)
    replications: int = Field(3, ge=1, le=10_000, description="Replications per design point and arm")
    days: int = Field(365, ge=1, le=36_500, description="Reported days per run")
    seed: int = Field(0, ge=0, description="Base seed: replication k uses SeedSequence([seed, k]) everywhere")
    metrics: Metrics = Field(default_factory=Metrics)
    analysis: Analysis = Field(default_factory=Analysis)
    out: str | None = Field(None, description="Output folder (relative to the file; default reports/sweeps/NAME)")
    batch: int | None = Field(None, ge=1, le=10_000, description="Runs per task (default: chosen from the run count)")
    quick: QuickExperiment = Field(default_factory=QuickExperiment)


_SECTIONS = {"design": Design, "metrics": Metrics, "analysis": Analysis, "quick": QuickExperiment}


@dataclass
class RunSpec:
    """One run of a sweep: a design point, an arm and a replication."""

    run_id: str
    point: int
    arm: str
    replication: int
    params: dict[str, Any]


@dataclass
class Experiment:
    """A validated experiment: the base market, design points and the runs they make."""

    path: Path | None
    name: str
    question: dict[str, str]
    base: SimConfig
    parameters: dict[str, Parameter]
    arms: dict[str, dict[str, Any]]
    design: Design
    points: list[dict[str, Any]]
    unit_points: np.ndarray  # the sampler's points in [0, 1]^D (log ranges in log space)
    replications: int
    days: int
    seed: int
    metrics: Metrics
    analysis: Analysis
    out: Path
    batch: int | None
    quick: bool = False
    posterior: PosteriorDraws | None = None  # from a calibrated scenario: replication k runs on draw k

    def runs(self) -> list[RunSpec]:
        """Every run in a fixed order: point, then replication, then arm."""
        out = []
        for p, params in enumerate(self.points):
            for k in range(self.replications):
                for arm in self.arms:
                    out.append(RunSpec(run_id(params, arm, k), p, arm, k, params))
        return out

    def fingerprint(self) -> str:
        """Hash of everything that defines the runs' results (not the design: points carry their values)."""
        blob = {"base": self.base.model_dump(mode="json"), "arms": self.arms, "days": self.days,
                "seed": self.seed, "metrics": self.metrics.model_dump(mode="json")}
        if self.posterior is not None:  # (absent otherwise, so older sweep folders keep their fingerprint)
            blob["posterior"] = self.posterior.model_dump(mode="json")
        blob = json.dumps(blob, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def run_id(params: dict[str, Any], arm: str, replication: int) -> str:
    """A run's id: a hash of its parameter values, arm and replication (never a seed)."""
    blob = json.dumps({"params": params, "arm": arm, "replication": replication}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- designs


def scale_point(spec: Parameter, u: float, integer: bool) -> Any:
    """Map a unit coordinate u ∈ [0, 1] to a parameter value (log ranges are uniform in log)."""
    if spec.values is not None:
        return spec.values[min(int(u * len(spec.values)), len(spec.values) - 1)]
    lo, hi = spec.range  # type: ignore[misc]
    x = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))) if spec.scale == "log" else lo + u * (hi - lo)
    if integer:
        return int(round(x))
    return float(np.float64(x).round(12))  # drop the last bits of noise so ids are stable across platforms


def unit_design(design: Design, parameters: dict[str, Parameter]) -> np.ndarray:
    """The design's points in the unit cube [0, 1]^D, in the sampler's order."""
    D = len(parameters)
    specs = list(parameters.values())
    if design.method == "grid":
        axes = []
        for s in specs:
            n = len(s.values) if s.values is not None else design.levels
            axes.append((np.arange(n) + 0.5) / n if s.values is not None else np.linspace(0, 1, n))
        return np.array(list(itertools.product(*axes)), float).reshape(-1, D)
    if design.method == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=D, seed=np.random.default_rng(design.seed)).random(design.samples)
    problem = {"num_vars": D, "names": list(parameters), "bounds": [[0.0, 1.0]] * D}
    if design.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, design.samples, calc_second_order=design.second_order, seed=design.seed)
    from SALib.sample import morris

    return morris.sample(problem, design.samples, num_levels=design.levels, seed=design.seed)


def _is_int_field(base: SimConfig, path: str) -> bool:
    try:
        v = get_path(base, path)
    except (KeyError, IndexError, ValueError, TypeError):
        return False
    return isinstance(v, int) and not isinstance(v, bool)


# --------------------------------------------------------------------------- loading


def load_experiment(path: str | os.PathLike, quick: bool = False, out: str | os.PathLike | None = None
                    ) -> Experiment:
    """Read, validate and resolve an experiment file. Raises :class:`UserError` on any mistake."""
    p = Path(path)
    data, lines = read_yaml(p)
    ef = validate_file(ExperimentFile, data, p, lines, {"parameters": Parameter, **_SECTIONS},
                       "parameters, design, arms, ...")
    if not ef.parameters:
        raise UserError(p, "at least one parameter is needed", key="parameters", line=line_for(lines, "parameters"))
    if ef.scenario:
        sp = (p.parent / ef.scenario) if not Path(ef.scenario).is_absolute() else Path(ef.scenario)
        if not sp.is_file():
            raise UserError(p, f"scenario file {ef.scenario} not found", key="scenario",
                            line=line_for(lines, "scenario"))
        from_scenario = load_scenario(sp)
        start, posterior = from_scenario.base, from_scenario.posterior
    else:
        start, posterior = default_config(), None
    base = apply_overrides(start, ef.base, p, lines, "base")
    warn_economics(base, p, lines, "base", flatten(ef.base, start.model_dump(mode="python")))
    if posterior is not None:  # what the experiment's own base sets wins over the fitted market
        posterior = posterior.without(flatten(ef.base, start.model_dump(mode="python")))
    if quick:
        base = quicken(base, ef.quick.agents, p, lines)
    check_resources(base, p, lines, "base")
    arms = {name: dict(ov or {}) for name, ov in ef.arms.items()} or {"base": {}}
    design = ef.design.model_copy()
    reps = ef.replications
    if quick:
        reps = min(reps, ef.quick.replications)
        design.samples = min(design.samples, ef.quick.samples)
        design.levels = min(design.levels, ef.quick.levels) if design.method == "grid" else design.levels
    _check_design(p, lines, design, ef.parameters)
    _check_size(p, lines, design, ef.parameters)
    _check_metrics(p, lines, ef.metrics, ef.analysis, arms)
    if ef.analysis.heatmap is not None:
        if len(ef.analysis.heatmap) != 2:
            raise UserError(p, "heatmap takes two parameters", key="analysis.heatmap",
                            line=line_for(lines, "analysis.heatmap"))
        for i, k in enumerate(ef.analysis.heatmap):
            if k not in ef.parameters:
                raise UserError(p, f"{k!r} is not a swept parameter{suggest(k, list(ef.parameters))}",
                                key=f"analysis.heatmap.{i}", line=line_for(lines, f"analysis.heatmap.{i}",
                                                                           "analysis.heatmap"))
    unit = unit_design(design, ef.parameters)
    ints = {k: _is_int_field(base, k) for k in ef.parameters}
    points = [{k: scale_point(s, float(u[j]), ints[k]) for j, (k, s) in enumerate(ef.parameters.items())}
              for u in unit]
    # every parameter value and every arm must make a valid configuration: checked before any run
    for k, s in ef.parameters.items():
        warned = False
        for v in (s.values if s.values is not None else [scale_point(s, 0.0, ints[k]), scale_point(s, 1.0, ints[k])]):
            try:
                cfg = with_overrides(base, {k: v})
            except ConfigError as exc:
                raise UserError(p, f"{exc.reason} (value {v!r})", key=f"parameters.{k}",
                                line=line_for(lines, f"parameters.{k}")) from None
            if not warned:  # once per parameter, at its first value that warns
                warned = bool(warn_economics(cfg, p, lines, "parameters", {k: v}, key=f"parameters.{k}",
                                             note=f" (value {v!r})"))
    for name, ov in arms.items():
        arm = apply_overrides(base, ov, p, lines, f"arms.{name}")  # validates, naming the arm's line on error
        arms[name] = flatten(ov, base.model_dump(mode="python"))
        warn_economics(arm, p, lines, f"arms.{name}", arms[name])
    for name in arms:
        try:
            with_overrides(base, {**points[0], **arms[name]})
        except ConfigError as exc:
            raise UserError(p, f"{exc.reason} at the first design point", key=f"arms.{name}",
                            line=line_for(lines, f"arms.{name}")) from None
    name = ef.name or p.stem
    if out is not None:
        out_dir = Path(out)
    else:  # a --quick sweep goes beside the full one, never into it
        out_dir = Path(os.path.normpath(p.parent / ef.out)) if ef.out else Path("reports") / "sweeps" / name
        out_dir = out_dir.with_name(out_dir.name + "-quick") if quick else out_dir
    q = ef.question if isinstance(ef.question, dict) else {"en": ef.question}
    return Experiment(path=p, name=name, question=dict(q), base=base, parameters=dict(ef.parameters), arms=arms,
                      design=design, points=points, unit_points=unit, replications=reps, days=ef.days, seed=ef.seed,
                      metrics=ef.metrics, analysis=ef.analysis, out=out_dir, batch=ef.batch, quick=quick,
                      posterior=posterior)


def _check_design(p: Path, lines: dict[str, int], design: Design, parameters: dict[str, Parameter]) -> None:
    if design.method in ("sobol", "morris"):
        for k, s in parameters.items():
            if s.values is not None and not all(isinstance(v, int | float) and not isinstance(v, bool)
                                                for v in s.values):
                raise UserError(p, f"{design.method} needs numeric parameters; give this one a range",
                                key=f"parameters.{k}", line=line_for(lines, f"parameters.{k}"))
    if design.method == "sobol" and design.samples & (design.samples - 1):
        raise UserError(p, f"sobol needs a power of two for samples, got {design.samples}", key="design.samples",
                        line=line_for(lines, "design.samples", "design"))


MAX_POINTS = 100_000


def _check_size(p: Path, lines: dict[str, int], design: Design, parameters: dict[str, Parameter]) -> None:
    """Refuse a design too large to draw (a grid of 1000 levels on five axes would never finish drawing)."""
    D = len(parameters)
    if design.method == "grid":
        n = math.prod(len(s.values) if s.values is not None else design.levels for s in parameters.values())
    elif design.method == "sobol":
        n = design.samples * (2 * D + 2 if design.second_order else D + 2)
    elif design.method == "morris":
        n = design.samples * (D + 1)
    else:
        n = design.samples
    if n > MAX_POINTS:
        raise UserError(p, f"the design has {n:,} points; at most {MAX_POINTS:,} (fewer levels, samples or "
                        "parameters)", key="design", line=line_for(lines, "design", "parameters"))


def _check_metrics(p: Path, lines: dict[str, int], metrics: Metrics, analysis: Analysis,
                   arms: dict[str, Any]) -> None:
    from ..metrics import BRAND_METRICS

    known = list(dict.fromkeys(list(SUMMARY_METRICS) + KPIS))
    for i, m in enumerate(metrics.summary):
        if m not in known:
            raise UserError(p, f"unknown summary metric {m!r}{suggest(m, known)}", key=f"metrics.summary.{i}",
                            line=line_for(lines, f"metrics.summary.{i}", "metrics.summary"))
    for i, m in enumerate(metrics.daily):
        if m not in BRAND_METRICS:
            raise UserError(p, f"unknown daily metric {m!r}{suggest(m, list(BRAND_METRICS))}",
                            key=f"metrics.daily.{i}", line=line_for(lines, f"metrics.daily.{i}", "metrics.daily"))
    if analysis.metric not in metrics.summary:
        # named where the user wrote it: the analysis metric, or the summary that left out the default one
        key = "analysis.metric" if "analysis.metric" in lines else "metrics.summary"
        raise UserError(p, f"the analysis metric {analysis.metric!r} is not among metrics.summary", key=key,
                        line=line_for(lines, key, "analysis", "metrics"))
    if analysis.frontier is not None:
        for i, a in enumerate(analysis.frontier):
            if a not in arms:
                raise UserError(p, f"{a!r} is not an arm{suggest(a, list(arms))}", key=f"analysis.frontier.{i}",
                                line=line_for(lines, f"analysis.frontier.{i}", "analysis.frontier"))
