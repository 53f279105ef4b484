"""ABC-SMC with pyabc, made reproducible and resumable: particles are proposed in index order.

pyabc's own samplers accept whichever particles finish first, so a run depends on the number
of workers and cannot redo an interrupted generation exactly. :class:`OrderedSampler` makes
particle i of generation t a pure function of (seed, t, i) and the stored populations: it seeds
numpy's global generator (which pyabc's transitions and priors draw from) before proposing
particle i, and a generation is the first n accepted particles *by index*. Each batch is run in
two passes through pyabc's own ``simulate_one``:

1. propose: the model raises :class:`_Proposed` with the parameter it was called with, so the
   batch's proposals are known before anything is simulated;
2. the proposals' runs go to the executor (runs found on disk are not run again);
3. evaluate: ``simulate_one`` again with the same seeds; the model now returns the stored
   figures, and pyabc computes distance, acceptance and weight as usual.

Results are the same for any number of workers, and a study killed mid-generation redoes that
generation with the same proposals, reading back the runs that had finished. Parameters are
inferred on their prior's scale (log of a log-scale parameter), where the prior is uniform.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyabc
from pyabc.sampler import Sampler

from .files import Range, Target

STREAM_PROPOSALS = 11  # SeedSequence([seed, STREAM_PROPOSALS, t + 1, i]) seeds particle i of generation t


class _Proposed(Exception):  # noqa: N818 - a control-flow signal, not an error
    def __init__(self, parameter: dict[str, float]):
        super().__init__("proposed")
        self.parameter = parameter


@dataclass
class Space:
    """The parameters' names inside pyabc (p0, p1, ...) and their scales."""

    paths: list[str]
    ranges: list[Range]

    @property
    def names(self) -> list[str]:
        return [f"p{j}" for j in range(len(self.paths))]

    def prior(self) -> pyabc.Distribution:
        rvs = {}
        for name, r in zip(self.names, self.ranges, strict=True):
            lo, hi = (math.log(r.low), math.log(r.high)) if r.scale == "log" else (r.low, r.high)
            rvs[name] = pyabc.RV("uniform", lo, hi - lo)
        return pyabc.Distribution(**rvs)

    def to_values(self, internal: dict[str, float]) -> dict[str, float]:
        """pyabc's parameter -> dotted path -> value on the parameter's own scale."""
        out = {}
        for name, path, r in zip(self.names, self.paths, self.ranges, strict=True):
            x = float(internal[name])
            out[path] = math.exp(x) if r.scale == "log" else x
        return out


class Simulator:
    """pyabc's model: proposes (pass 1) or returns the stored figures of the current particle (pass 2)."""

    def __init__(self) -> None:
        self.proposing = True
        self.figures: dict[str, float] | None = None

    def __call__(self, parameter: Any) -> dict[str, float]:
        if self.proposing:
            raise _Proposed({k: float(v) for k, v in dict(parameter).items()})
        assert self.figures is not None, "the sampler sets the particle's figures before pass 2"
        return self.figures


Evaluate = Callable[[int, list[tuple[int, dict[str, float]]]], list[dict[str, float]]]


class OrderedSampler(Sampler):
    """A pyabc sampler whose generations are the first n accepted particles by index (see module doc).

    ``evaluate(t, [(i, parameter), ...])`` returns each proposal's summary statistics (and runs what
    it must); ``budget_left()`` is the number of evaluations still allowed; ``batch_size(t, need)``
    how many particles to propose next (a function of the history only, never of the workers).
    A generation that the budget cannot be expected to finish (``batch_size(t, n)`` evaluations,
    from the last acceptance rate) is not started: its runs would be thrown away with it.
    """

    def __init__(self, simulator: Simulator, seed: int, evaluate: Evaluate, budget_left: Callable[[], int],
                 batch_size: Callable[[int, int], int]):
        super().__init__()
        self.simulator = simulator
        self.seed = seed
        self.evaluate = evaluate
        self.budget_left = budget_left
        self.batch_size = batch_size
        self.on_generation: Callable[[int], None] | None = None  # told when generation t is complete

    def _seed_particle(self, t: int, i: int) -> None:
        state = np.random.SeedSequence([self.seed, STREAM_PROPOSALS, t + 1, i]).generate_state(1)[0]
        np.random.seed(int(state))

    def sample_until_n_accepted(self, n: int, simulate_one: Callable, t: int, *, max_eval: float = np.inf,
                                all_accepted: bool = False, ana_vars: Any = None) -> Any:
        sample = self._create_empty_sample()
        accepted = evaluated = 0
        i = 0
        if self.budget_left() < self.batch_size(t, n):
            sample.ok = False  # pyabc stops and keeps the last complete generation
            self.nr_evaluations_ = 0
            return sample
        while accepted < n:
            size = min(self.batch_size(t, n - accepted), self.budget_left())
            if size <= 0:
                sample.ok = False  # the budget ran out inside this generation: pyabc keeps the previous one
                break
            proposals = []
            self.simulator.proposing = True
            for j in range(i, i + size):
                self._seed_particle(t, j)
                try:
                    simulate_one()
                except _Proposed as p:
                    proposals.append((j, p.parameter))
                else:
                    raise RuntimeError("pyabc did not call the model for a proposal")
            figures = self.evaluate(t, proposals)
            self.simulator.proposing = False
            for (j, param), fig in zip(proposals, figures, strict=True):
                self._seed_particle(t, j)
                self.simulator.figures = fig
                particle = simulate_one()
                if {k: float(v) for k, v in dict(particle.parameter).items()} != param:
                    raise RuntimeError(f"particle {j} of generation {t} was proposed twice differently")
                sample.append(particle)
                evaluated += 1
                if particle.accepted:
                    accepted += 1
                    if accepted == n:
                        break
            i += size
        if accepted == n and self.on_generation is not None:
            self.on_generation(t)
        self.simulator.figures = None
        self.nr_evaluations_ = evaluated
        return sample


class MedianEpsilon(pyabc.QuantileEpsilon):
    """ε = ∞ in generation 0 (a sample of the prior), then the weighted median of the last generation's
    distances. pyabc's QuantileEpsilon with a numeric first ε starts a *resumed* run at that ε again; this
    one takes the median of the stored population, as the uninterrupted run did."""

    def __init__(self) -> None:
        super().__init__(initial_epsilon=math.inf, alpha=0.5)

    def initialize(self, t: int, get_weighted_distances: Callable, get_all_records: Callable,
                   max_nr_populations: int, acceptor_config: dict) -> None:
        if t > 0:
            self._update(t, get_weighted_distances())


def distance(targets: dict[str, Target]) -> pyabc.PNormDistance:
    """Root mean square of (simulated − observed) / sd over the targets: the distance in "sd units"."""
    w = 1.0 / math.sqrt(len(targets))
    return pyabc.PNormDistance(p=2, fixed_weights={m: w / target.sd for m, target in targets.items()})


def observed(targets: dict[str, Target]) -> dict[str, float]:
    return {m: float(target.value) for m, target in targets.items()}


def sanitise(figures: dict[str, float | None], targets: dict[str, Target]) -> dict[str, float]:
    """The targets' figures of one evaluation; a figure the run could not compute (a CAC with no paid
    customer) is placed 1,000 sd away, so that the particle is rejected rather than the run aborted."""
    out = {}
    for m, target in targets.items():
        v = figures.get(m)
        out[m] = float(v) if v is not None and math.isfinite(v) else float(target.value + 1000.0 * target.sd)
    return out
