"""Scenario files: a base market, named arms (overrides by dotted path), a reference arm.

A scenario file is YAML, read with ``yaml.safe_load`` only (a tag that would build a Python
object is an error). Keys under ``base`` and each arm are configuration paths, written
either dotted (``brands.0.strategy: hybrid``) or nested (``fatigue: {tolerance_mean: 10}``).
Every error names the file, the key path and the line (:class:`~sim.files.UserError`).

Example::

    name: baseline
    question: {en: "...", zh: "..."}
    base: {population.agents: 10000}
    arms:
      public_only: {brands.0.strategy: public_only}
      private_cultivate: {brands.0.strategy: private_cultivate}
    reference: public_only
    replications: 10
    days: 365
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field

from ..builtin import builtin_scenarios
from ..config import ConfigError, NoBoolNumbers, SimConfig, default_config, suggest, with_overrides
from ..files.economics import warn_economics
from ..files.errors import UserError
from ..files.markets import agents_from_graph, apply_overrides, check_resources, flatten, quicken, resolve_graph_path
from ..files.reading import line_for, read_yaml, validate_file
from ..posterior import PosteriorDraws, check
from .levers import SensitivitySpec, check_levers


class Outputs(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid")
    daily: bool = Field(True, description="Write each run's daily series as Parquet")
    lang: Literal["en", "zh"] = Field("en", description="Report language")


class Quick(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid")
    agents: int = Field(2000, ge=50, description="Simulated consumers under --quick (scale rises to match)")
    replications: int = Field(3, ge=2, description="Replications under --quick")


class ScenarioFile(NoBoolNumbers):
    """The top level of a scenario file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str | None = Field(None, description="Scenario name (default: the file name)")
    question: dict[Literal["en", "zh"], str] | str = Field("", description="The question the scenario answers")
    base: dict[str, Any] = Field(default_factory=dict, description="Overrides of the default market (dotted or nested)")
    arms: dict[str, dict[str, Any] | None] = Field(..., description="Named arms: overrides of the base market")
    reference: str | None = Field(None, description="The arm others are compared with (default: the first)")
    compare_to: dict[str, str] = Field(default_factory=dict,
                                       description="Arms compared with an arm of their own instead of the reference")
    replications: int = Field(10, ge=1, le=10_000, description="Replications per arm (common random numbers)")
    days: int = Field(365, ge=1, le=36_500, description="Reported days per run")
    seed: int = Field(0, ge=0, description="Base seed: replication k uses SeedSequence([seed, k]) in every arm")
    outputs: Outputs = Field(default_factory=Outputs)
    quick: Quick = Field(default_factory=Quick)
    posterior: PosteriorDraws | None = Field(
        None, description="Market parameters drawn from a calibration (sim calibrate): replication k runs on draw k")
    sensitivity: SensitivitySpec | None = Field(
        None, description="What sim run --sensitivity varies (docs/METRICS.md §6c); default: the plausible ranges")


@dataclass
class Scenario:
    """A validated scenario: the base market and each arm's full configuration."""

    path: Path | None
    name: str
    question: dict[str, str]
    base: SimConfig
    arms: dict[str, SimConfig]
    reference: str
    replications: int
    days: int
    seed: int
    lang: str
    daily: bool
    overrides: dict[str, Any] = field(default_factory=dict)
    quick: bool = False
    compare_to: dict[str, str] = field(default_factory=dict)
    posterior: PosteriorDraws | None = None
    base_overrides: dict[str, Any] = field(default_factory=dict)  # the file's base, as dotted paths
    arm_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # each arm's, as dotted paths
    sensitivity: SensitivitySpec | None = None

    def replication(self, k: int) -> tuple[SimConfig, dict[str, SimConfig]]:
        """The warm-up market and each arm's market of replication k (on posterior draw k, if any)."""
        if self.posterior is None:
            return self.base, self.arms
        fixed = set(self.overrides)
        base = self.posterior.apply(self.base, k, fixed)
        return base, {arm: self.posterior.apply(cfg, k, fixed | set(self.arm_overrides.get(arm, {})))
                      for arm, cfg in self.arms.items()}

    def reference_of(self, arm: str) -> str | None:
        """The arm that ``arm`` is paired with (None for the reference itself)."""
        if arm == self.reference:
            return None
        return self.compare_to.get(arm, self.reference)


# ------------------------------------------------------------------------------ loading


def load_scenario(path: str | os.PathLike, overrides: dict[str, Any] | None = None, quick: bool = False,
                  replications: int | None = None) -> Scenario:
    """Read, validate and resolve a scenario file. Raises :class:`UserError` on any mistake."""
    p = Path(path)
    data, lines = read_yaml(p)
    sections = {"outputs": Outputs, "quick": Quick, "sensitivity": SensitivitySpec}
    sf = validate_file(ScenarioFile, data, p, lines, sections, "name, base, arms, ...")
    if not sf.arms:
        raise UserError(p, "at least one arm is needed", key="arms", line=line_for(lines, "arms"))
    reference = sf.reference or next(iter(sf.arms))
    if reference not in sf.arms:
        raise UserError(p, f"reference arm {reference!r} is not among the arms{suggest(reference, list(sf.arms))}",
                        key="reference", line=line_for(lines, "reference"))
    for arm, other in sf.compare_to.items():
        for key, name in ((f"compare_to.{arm}", arm), (f"compare_to.{arm}", other)):
            if name not in sf.arms:
                raise UserError(p, f"{name!r} is not an arm{suggest(name, list(sf.arms))}", key=key,
                                line=line_for(lines, key))
        if arm == other:
            raise UserError(p, "an arm cannot be compared with itself", key=f"compare_to.{arm}",
                            line=line_for(lines, f"compare_to.{arm}"))
    template = default_config().model_dump(mode="python")
    given = "population.agents" in flatten(sf.base, template)
    base = agents_from_graph(resolve_graph_path(apply_overrides(default_config(), sf.base, p, lines, "base"), p), given)
    warn_economics(base, p, lines, "base", flatten(sf.base, template))
    if overrides:
        try:
            base = with_overrides(base, overrides)
        except ConfigError as exc:
            raise UserError(None, exc.reason, key=f"--set {exc.path}") from None
        base = agents_from_graph(base, given or "population.agents" in overrides)
    reps = replications if replications is not None else sf.replications
    if quick:
        base = quicken(base, sf.quick.agents, p, lines)
        reps = min(reps, sf.quick.replications) if replications is None else reps
    check_resources(base, p, lines, "base")
    arms = {}
    for name, ov in sf.arms.items():
        arm = resolve_graph_path(apply_overrides(base, ov or {}, p, lines, f"arms.{name}"), p)
        if arm.graph != base.graph:  # an arm on another edge list: its population, unless given
            arm = agents_from_graph(arm, given or "population.agents" in flatten(ov or {}, template))
        warn_economics(arm, p, lines, f"arms.{name}", flatten(ov or {}, template))
        if arm.population != base.population or arm.graph != base.graph:
            check_resources(arm, p, lines, f"arms.{name}")
        arms[name] = arm
    if sf.posterior is not None:
        check_posterior(sf.posterior, base, p, lines)
    if sf.sensitivity is not None:
        _check_sensitivity(sf, arms, p, lines)
    q = sf.question if isinstance(sf.question, dict) else {"en": sf.question}
    return Scenario(path=p, name=sf.name or p.stem, question=dict(q), base=base, arms=arms, reference=reference,
                    replications=reps, days=sf.days, seed=sf.seed, lang=sf.outputs.lang, daily=sf.outputs.daily,
                    overrides=dict(overrides or {}), quick=quick, compare_to=dict(sf.compare_to),
                    posterior=sf.posterior, base_overrides=flatten(sf.base, template),
                    arm_overrides={name: flatten(ov or {}, template) for name, ov in sf.arms.items()},
                    sensitivity=sf.sensitivity)


def _check_sensitivity(sf: ScenarioFile, arms: dict[str, SimConfig], file: Path, lines: dict[str, int]) -> None:
    """The block's arm exists and each lever can be set to both ends of its range in the arms it varies."""
    spec = sf.sensitivity
    if spec.arm is not None and spec.arm not in arms:
        raise UserError(file, f"{spec.arm!r} is not an arm{suggest(spec.arm, list(arms))}", key="sensitivity.arm",
                        line=line_for(lines, "sensitivity.arm"))
    problem = check_levers(spec, arms)
    if problem is not None:
        path, message = problem
        key = f"sensitivity.parameters.{path}"
        raise UserError(file, message, key=key, line=line_for(lines, key, "sensitivity"))


def check_posterior(post: PosteriorDraws, base: SimConfig, file: Path, lines: dict[str, int]) -> None:
    """Every posterior draw must make a valid market; the error names the path's line."""
    try:
        check(post, base)
    except ConfigError as exc:
        key = f"posterior.draws.{exc.path}"
        raise UserError(file, exc.reason, key=key, line=line_for(lines, key, "posterior.draws", "posterior")
                        ) from None


def builtin_questions() -> list[tuple[str, dict[str, str]]]:
    """Each built-in scenario's name and the question it answers (by language), for ``sim list``."""
    out = []
    for p in builtin_scenarios():
        data, _ = read_yaml(p)
        q = data.get("question", {}) if isinstance(data, dict) else {}
        out.append((p.stem, q if isinstance(q, dict) else {"en": q}))
    return out
