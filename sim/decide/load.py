"""Loading calibration and optimisation files (formats in :mod:`sim.decide.files`): the base market,
the brand, and every reference checked before any run, each error naming the file, key and line."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..builtin import SCENARIO_DIR, resolve_file
from ..config import ConfigError, SimConfig, get_path, suggest, with_overrides
from ..config.decisions import OWN, candidate_overrides, current_values
from ..files.economics import warn_economics
from ..files.errors import UserError, warn_file
from ..files.markets import apply_overrides, check_resources, flatten, quicken
from ..files.reading import line_for, read_yaml, validate_file
from ..metrics import SUMMARY_METRICS
from ..posterior import PosteriorDraws
from ..study.scenario import Scenario, load_scenario
from .files import SECTIONS, CalibrationFile, Decision, Objective, OptimizationFile, Range, Target, _DecisionFile

TARGET_METRICS = tuple(SUMMARY_METRICS)


# --------------------------------------------------------------------------- resolved


@dataclass
class Market:
    """The base market a decision file works on."""

    scenario: Scenario  # the base scenario (its arms are kept for calibrated.yaml)
    config: SimConfig  # its base market with the known figures (quickened under --quick)
    brand: int
    known: dict[str, Any]
    posterior: PosteriorDraws | None  # a calibrated base: replication k runs on draw k


@dataclass
class Common:
    """What calibration and optimisation files share, resolved."""

    path: Path
    name: str
    question: dict[str, str]
    market: Market
    days: int
    budget_runs: int
    replications: int
    seed: int
    out: Path
    quick: bool
    quick_agents: int  # the file's quick.agents: the size a --quick study ran at, kept for its best.yaml
    text_hash: str  # of the file's parsed content: a changed file is refused in an existing folder


def load_common(path: str | os.PathLike, model: type[_DecisionFile], kind: str, quick: bool,
                out: str | os.PathLike | None, hint: str, base: str | None = None
                ) -> tuple[Any, dict[str, int], Common]:
    """Read a decision file, validate its top level and resolve its base market and brand.

    ``base``: a scenario to use instead of the file's (``--base``; relative to the working folder).
    """
    p = Path(path)
    data, lines = read_yaml(p)
    f = validate_file(model, data, p, lines, SECTIONS, hint)
    if base is not None:
        base_path = resolve_file(base, SCENARIO_DIR)
        if not base_path.is_file():
            raise UserError(None, f"no scenario file or built-in scenario named {base!r}", key="--base")
    else:
        base_path = p.parent / f.base if (p.parent / f.base).is_file() else resolve_file(f.base, SCENARIO_DIR)
        if not base_path.is_file():
            raise UserError(p, f"no scenario file or built-in scenario named {f.base!r}", key="base",
                            line=line_for(lines, "base"))
    sc = load_scenario(base_path)
    cfg = apply_overrides(sc.base, f.known, p, lines, "known")
    warn_economics(cfg, p, lines, "known", flatten(f.known, sc.base.model_dump(mode="python")))
    posterior = sc.posterior.without(f.known) if sc.posterior is not None else None
    if quick:
        cfg = quicken(cfg, f.quick.agents, p, lines)
    check_resources(cfg, p, lines, "base")
    n_brands = len(cfg.brands)
    brand = cfg.market.focal_brand if f.brand == "focal" else f.brand
    if isinstance(f.brand, int) and not 0 <= f.brand < n_brands:
        raise UserError(p, f"brand {f.brand} does not exist (the market has brands 0 to {n_brands - 1})",
                        key="brand", line=line_for(lines, "brand"))
    budget = f.budget_runs
    reps = f.replications
    if quick:
        budget = f.quick.budget_runs or budget
        reps = f.quick.replications or reps
    name = f.name or p.stem
    if out is not None:
        out_dir = Path(out)
    else:  # a --quick study goes beside the full one, never into it
        out_dir = Path(os.path.normpath(p.parent / f.out)) if f.out else Path("reports") / kind / name
        out_dir = out_dir.with_name(out_dir.name + "-quick") if quick else out_dir
    q = f.question if isinstance(f.question, dict) else {"en": f.question}
    blob = json.dumps({"file": data, "base": cfg.model_dump(mode="json"),
                       "posterior": posterior.model_dump(mode="json") if posterior else None,
                       "quick": quick, "budget_runs": budget, "replications": reps}, sort_keys=True, default=str)
    common = Common(path=p, name=name, question=dict(q),
                    market=Market(scenario=sc, config=cfg, brand=brand, known=dict(f.known), posterior=posterior),
                    days=f.days, budget_runs=budget, replications=reps, seed=f.seed, out=out_dir, quick=quick,
                    quick_agents=f.quick.agents,
                    text_hash=hashlib.sha256(blob.encode()).hexdigest()[:16])
    return f, lines, common


def check_metric(name: str, p: Path, lines: dict[str, int], key: str) -> None:
    if name not in TARGET_METRICS:
        raise UserError(p, f"unknown summary metric {name!r}{suggest(name, list(TARGET_METRICS))} "
                        "(docs/METRICS.md §2)", key=key, line=line_for(lines, key))


def check_numeric_path(cfg: SimConfig, path: str, p: Path, lines: dict[str, int], key: str) -> Any:
    """The current value at a configuration path that takes numbers; a clear error otherwise."""
    try:
        value = get_path(cfg, path)
    except (KeyError, IndexError, ValueError, TypeError):
        raise UserError(p, f"{path!r} is not a parameter of the market", key=key, line=line_for(lines, key)) from None
    if isinstance(value, bool) or not isinstance(value, int | float | type(None)):
        raise UserError(p, f"{path!r} is not a number ({type(value).__name__})", key=key,
                        line=line_for(lines, key))
    return value


def check_values(cfg: SimConfig, values: dict[str, Any], p: Path, lines: dict[str, int], key_of: dict[str, str],
                 what: str) -> None:
    """``values`` must make a valid market; the error names the entry's line."""
    try:
        with_overrides(cfg, values)
    except ConfigError as exc:
        key = key_of.get(exc.path, next(iter(key_of.values())))
        raise UserError(p, f"{exc.reason} ({what})", key=key, line=line_for(lines, key)) from None


# --------------------------------------------------------------------------- calibration


@dataclass
class Calibration:
    """A validated calibration: the market, the brand's figures and the unknowns' priors."""

    common: Common
    targets: dict[str, Target]
    params: dict[str, Range]
    integer: dict[str, bool]  # parameters whose field takes whole numbers (rounded when applied)
    population_size: int
    check_runs: int

    @property
    def evaluations(self) -> int:
        """Parameter values the ABC may try: the budget less the fit check, in replications."""
        return (self.common.budget_runs - self.check_runs) // self.common.replications


def load_calibration(path: str | os.PathLike, quick: bool = False, out: str | os.PathLike | None = None
                     ) -> Calibration:
    """Read and validate a calibration file. Raises :class:`UserError` on any mistake."""
    f, lines, common = load_common(path, CalibrationFile, "calibrations", quick, out, "base, targets, params, ...")
    p, cfg = common.path, common.market.config
    if common.market.posterior is not None:
        raise UserError(p, "the base scenario is already calibrated (it has a posterior block); calibrate from the "
                        "scenario it was fitted on", key="base", line=line_for(lines, "base"))
    if not f.targets:
        raise UserError(p, "at least one target is needed", key="targets", line=line_for(lines, "targets"))
    if not f.params:
        raise UserError(p, "at least one parameter to fit is needed", key="params", line=line_for(lines, "params"))
    for name in f.targets:
        check_metric(name, p, lines, f"targets.{name}")
    integer = {}
    for path, rng in f.params.items():
        key = f"params.{path}"
        current = check_numeric_path(cfg, path, p, lines, key)
        if path in common.market.known:
            raise UserError(p, f"{path!r} is also under known: a known value is not fitted", key=key,
                            line=line_for(lines, key))
        integer[path] = isinstance(current, int)
        ends = (round(rng.low), round(rng.high)) if integer[path] else (rng.low, rng.high)
        for v in ends:
            check_values(cfg, {path: v}, p, lines, {path: key}, f"value {v!r} of the range")
    budget = common.budget_runs
    check_runs = f.check_runs if f.check_runs is not None else int(min(100, max(10, round(0.2 * budget))))
    evaluations = (budget - check_runs) // common.replications
    # about four generations after the prior's (each costs ~2 populations at a median epsilon schedule);
    # fewer than ~30 particles make the posterior's quantiles noisy (docs/DECISIONS.md)
    size = f.population_size or int(min(100, max(10, evaluations // 8)))
    if evaluations < 2 * size:
        raise UserError(p, f"budget_runs {budget} leaves {evaluations} evaluations of {common.replications} "
                        f"replication(s) after {check_runs} check runs: at least two ABC generations of {size} "
                        f"need {2 * size * common.replications + check_runs} runs", key="budget_runs",
                        line=line_for(lines, "budget_runs", "quick.budget_runs"))
    return Calibration(common=common, targets=dict(f.targets), params=dict(f.params), integer=integer,
                       population_size=size, check_runs=check_runs)


# --------------------------------------------------------------------------- optimisation

@dataclass
class Optimization:
    """A validated optimisation: the market, the objective, the decisions and the run budget."""

    common: Common
    objective: Objective
    decisions: dict[str, Decision]
    current: dict[str, Any]  # what the brand does today at each decision path
    batch: int
    confirm_candidates: int
    confirm_replications: int
    trials: int  # candidates the search may try


def load_optimization(path: str | os.PathLike, quick: bool = False, out: str | os.PathLike | None = None,
                      base: str | None = None) -> Optimization:
    """Read and validate an optimisation file (``base``: another base scenario). Raises :class:`UserError`."""
    f, lines, common = load_common(path, OptimizationFile, "optimizations", quick, out,
                                   "base, objective, decisions, ...", base)
    p, cfg, b = common.path, common.market.config, common.market.brand
    objective = Objective(metric=f.objective) if isinstance(f.objective, str) else f.objective
    check_metric(objective.metric, p, lines, "objective" if isinstance(f.objective, str) else "objective.metric")
    if not f.decisions:
        raise UserError(p, "at least one decision is needed", key="decisions", line=line_for(lines, "decisions"))
    try:
        current = current_values(cfg, b, list(f.decisions))
    except KeyError as exc:
        key = f"decisions.{exc.args[0]}"
        raise UserError(p, f"{exc.args[0]!r} is not a parameter of the market", key=key,
                        line=line_for(lines, key)) from None
    for path, d in f.decisions.items():
        key = f"decisions.{path}"
        now = current[path]
        if d.choices is None and not d.integer and isinstance(now, int) and not isinstance(now, bool):
            raise UserError(p, f"{path} takes whole numbers (today {now}): add integer: true", key=key,
                            line=line_for(lines, key))
        values = d.choices if d.choices is not None else [d.low, d.high]
        if d.integer and d.choices is None:
            values = [int(v) for v in values]
        for v in values:
            try:
                with_overrides(cfg, candidate_overrides(cfg, b, {**current, path: v}))
            except ConfigError as exc:
                raise UserError(p, f"{exc.reason} (value {v!r})", key=key, line=line_for(lines, key)) from None
        if path.startswith("strategies."):
            shared = [i for i, br in enumerate(cfg.brands) if br.strategy == path.split(".")[1] and i != b]
            if shared:
                warn_file(p, f"brands {shared} use this strategy too and change with it; write "
                          f"{OWN}{path.split('.', 2)[-1]} to change brand {b}'s strategy alone", key=key,
                          line=line_for(lines, key))
    reps = common.replications
    fresh = f.confirm.replications or max(4, 2 * reps)
    cands = f.confirm.candidates
    fixed = reps + fresh + cands * fresh  # the current strategy on both seed sets, the best few on fresh seeds
    trials = (common.budget_runs - fixed) // reps
    if trials < 2:
        raise UserError(p, f"budget_runs {common.budget_runs} leaves room for {max(trials, 0)} candidate(s): the "
                        f"current strategy and the confirmation take {fixed} runs, and each candidate {reps}",
                        key="budget_runs", line=line_for(lines, "budget_runs", "quick.budget_runs"))
    return Optimization(common=common, objective=objective, decisions=dict(f.decisions), current=current,
                        batch=f.batch, confirm_candidates=cands, confirm_replications=fresh, trials=trials)
