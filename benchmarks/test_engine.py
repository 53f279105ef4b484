"""pytest-benchmark suite: the engine's day and consumer update, and the per-agent reference's.

``make bench`` runs it at full size (SIM_BENCH=full: 20,000 consumers, as in ``sim bench``);
``make test`` runs each benchmark once, untimed and small (``--benchmark-disable``), so the
suite keeps working. Figures are printed by pytest-benchmark; nothing here asserts a time.
"""

from __future__ import annotations

import os

import pytest

import sim
from sim.model import TrafficModel
from sim.reference import ReferenceModel

FULL = os.environ.get("SIM_BENCH") == "full"
AGENTS = 20_000 if FULL else 1_000


def _model(cls: type[TrafficModel], agents: int) -> TrafficModel:
    cfg = sim.with_overrides(sim.default_config(), {"population.agents": agents, "run.warmup_days": 0})
    model = cls(cfg, seed=1)
    for _ in range(3):  # past the first day's one-off allocations (and the reference's agent creation)
        model.step()
    return model


@pytest.mark.parametrize("cls", [TrafficModel, ReferenceModel], ids=["engine", "reference"])
def test_one_day(benchmark, cls):
    """One whole simulated day (brands, auctions, ledger and metrics included)."""
    model = _model(cls, AGENTS if cls is TrafficModel else max(AGENTS // 10, 200))
    before = model.day
    benchmark.pedantic(model.step, rounds=5 if FULL else 1, iterations=1)
    assert model.day > before


def test_consumer_update(benchmark):
    """The engine's consumer update alone, the part the reference reimplements."""
    model = _model(TrafficModel, AGENTS)
    seconds = []

    def day():
        start = model.consumer_seconds
        model.step()
        seconds.append(model.consumer_seconds - start)

    benchmark.pedantic(day, rounds=5 if FULL else 1, iterations=1)
    benchmark.extra_info["consumer_days_per_s"] = AGENTS * len(seconds) / sum(seconds)
    assert all(s > 0 for s in seconds)
