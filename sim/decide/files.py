"""Calibration and optimisation files: the brand's figures, the market's unknowns, its decisions.

Both are YAML (``yaml.safe_load`` only) with the error rules of scenario files: a mistake exits
with status 2 and one line ``FILE:LINE: key: what is wrong``, and nothing is written.

A calibration file (``sim calibrate``)::

    base: baseline                 # a built-in scenario or a scenario file: its base market
    brand: focal                   # the brand whose figures are observed (or its index)
    known: {brands.0.price: 49}    # what the brand knows for sure, applied before fitting
    days: 365                      # the horizon over which the targets are measured
    targets:                       # summary metrics (docs/METRICS.md): observed value and its sd
      cac_public: {value: 120, sd: 15}
    params:                        # the market's unknowns: uniform prior on a linear or log scale
      fatigue.tolerance_mean: {low: 6, high: 24}
    budget_runs: 400               # simulation runs in all, replications and the fit check included
    replications: 1
    seed: 1000                     # docs/MODEL.md §1: calibrate on seeds >= 1000

An optimisation file (``sim optimize``)::

    base: baseline                 # a scenario, or a calibrated.yaml (its posterior is used)
    brand: focal
    days: 365
    objective: profit              # or {metric: npv, direction: maximize, risk: {lower_quantile: 0.1}}
    decisions:                     # what the brand may change, from reported day 1
      brands.0.strategy: {choices: [public_only, hybrid]}
      strategy.private_share: {low: 0, high: 1}        # strategy.* = the brand's own strategy
      strategy.max_members: {low: 500, high: 20000, integer: true}
    budget_runs: 200
    replications: 4
    seed: 1
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from ..config import NoBoolNumbers


class _Strict(NoBoolNumbers):
    """Unknown keys, NaN and inf, and true/false for a number are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Range(_Strict):
    """A market parameter's prior: uniform on [low, high] on a linear or log scale."""

    low: float = Field(..., description="Lowest plausible value")
    high: float = Field(..., description="Highest plausible value")
    scale: Literal["linear", "log"] = Field("linear", description="Uniform on this scale (log: for rates and sizes "
                                            "that span orders of magnitude)")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got [{self.low}, {self.high}]")
        if self.scale == "log" and self.low <= 0:
            raise ValueError("a log scale needs a positive low")
        return self


class Target(_Strict):
    """An observed figure of the brand and how far it may be off (its standard deviation)."""

    value: float = Field(..., description="The brand's own figure over the reported horizon")
    sd: float = Field(..., gt=0, description="Its uncertainty (standard deviation), in the figure's unit")


class QuickDecide(_Strict):
    agents: int = Field(1000, ge=50, description="Simulated consumers under --quick (scale rises to match)")
    budget_runs: int | None = Field(None, ge=4, description="Simulation runs under --quick (default: the file's)")
    replications: int | None = Field(None, ge=1, description="Replications under --quick (default: the file's)")


class _DecisionFile(_Strict):
    name: str | None = Field(None, description="Name (default: the file name)")
    question: dict[Literal["en", "zh"], str] | str = Field("", description="The question, in the brand's words")
    base: str = Field(..., description="A built-in scenario name or a scenario file (relative to this file)")
    brand: Literal["focal"] | int = Field("focal", description="The brand: focal (the scenario's) or its index")
    known: dict[str, Any] = Field(default_factory=dict, description="What the brand knows for sure (price, unit "
                                  "cost, budget...): dotted paths applied to the base market, warm-up included")
    days: int = Field(365, ge=7, le=3650, description="Reported days of every run")
    budget_runs: int = Field(..., ge=4, le=1_000_000, description="Simulation runs in all, replications included")
    replications: int = Field(1, ge=1, le=1000, description="Runs per evaluation")
    quick: QuickDecide = Field(default_factory=QuickDecide)
    out: str | None = Field(None, description="Output folder (relative to the file; default reports/<kind>/NAME)")


class CalibrationFile(_DecisionFile):
    """The top level of a calibration file."""

    targets: dict[str, Target] = Field(..., description="Summary metric of the brand -> observed value and sd")
    params: dict[str, Range] = Field(..., description="Dotted path of a market parameter -> its prior range")
    seed: int = Field(1000, ge=0, description="Base seed of the calibration's runs")
    population_size: int | None = Field(None, ge=5, le=100_000,
                                        description="ABC particles per generation (default: from the budget)")
    check_runs: int | None = Field(None, ge=2, description="Runs that re-simulate posterior draws for fit.csv "
                                   "(default: a fifth of the budget, 10 to 100)")


class Decision(_Strict):
    """A decision: a range (real or whole numbers) or a list of choices."""

    low: float | None = Field(None, description="Lowest value")
    high: float | None = Field(None, description="Highest value")
    integer: bool = Field(False, description="Whole numbers only")
    scale: Literal["linear", "log"] = Field("linear", description="Search scale of a range")
    choices: list[Any] | None = Field(None, description="The values to choose from")

    @model_validator(mode="after")
    def _one_of(self) -> Decision:
        if self.choices is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("give either choices or low/high, not both")
            ignored = sorted({"integer", "scale"} & self.model_fields_set)
            if ignored:  # they shape a range: with choices they would be ignored without a word
                raise ValueError(f"{' and '.join(ignored)} appl{'y' if len(ignored) > 1 else 'ies'} to a range "
                                 "(low/high), not to choices")
            if not all(c is None or isinstance(c, str | int | float | bool) for c in self.choices):
                raise ValueError("choices must be plain values (text, numbers, true/false)")
            if len(self.choices) < 1 or len({json.dumps(c) for c in self.choices}) < len(self.choices):
                raise ValueError("choices must be distinct and at least one")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give low and high, or choices")
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got [{self.low}, {self.high}]")
        if self.scale == "log" and self.low <= 0:
            raise ValueError("a log scale needs a positive low")
        if self.integer and (self.low != math.floor(self.low) or self.high != math.floor(self.high)):
            raise ValueError("an integer decision needs whole-number bounds")
        return self


class Risk(_Strict):
    lower_quantile: float = Field(..., gt=0, lt=1, description="Maximise this quantile of the objective across "
                                  "replications (0.1: a bad year in ten) instead of its mean")


class Objective(_Strict):
    metric: str = Field("profit", description="A summary metric of the brand (docs/METRICS.md)")
    direction: Literal["maximize", "minimize"] = Field("maximize", description="Maximise or minimise it")
    risk: Risk | None = Field(None, description="Optimise a low quantile across replications instead of the mean")


class Confirm(_Strict):
    candidates: int = Field(3, ge=1, le=50, description="Best candidates re-run on fresh seeds")
    replications: int | None = Field(None, ge=2, le=1000,
                                     description="Fresh-seed replications (default: twice the replications, >= 4)")


class OptimizationFile(_DecisionFile):
    """The top level of an optimisation file."""

    objective: str | Objective = Field("profit", description="The summary metric to maximise, or an objective")
    decisions: dict[str, Decision] = Field(..., description="Dotted path -> range or choices; strategy.FIELD is "
                                           "the brand's own strategy")
    replications: int = Field(4, ge=1, le=1000, description="Replications per candidate (common random numbers)")
    seed: int = Field(1, ge=0, description="Base seed: replication k uses SeedSequence([seed, k]) for every candidate")
    batch: int = Field(8, ge=1, le=1000, description="Candidates proposed per round (fixed, so that results do "
                       "not depend on the number of workers)")
    confirm: Confirm = Field(default_factory=Confirm)


SECTIONS = {"quick": QuickDecide, "confirm": Confirm, "objective": Objective, "targets": Target,
             "params": Range, "decisions": Decision}
