"""Shared fixtures: small markets and session-scoped runs reused across tests."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

import sim

settings.register_profile("ci", max_examples=25, deadline=None)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def small_config(agents: int = 2000, warmup: int = 30, **overrides):
    """The default market at a small population, with optional dotted-path overrides."""
    ov = {"population.agents": agents, "run.warmup_days": warmup}
    ov.update(overrides)
    return sim.with_overrides(sim.default_config(), ov)


@pytest.fixture(scope="session")
def small_run():
    """One 90-day run of the default market at 2,000 consumers (shared by several tests)."""
    return sim.run(small_config(), seed=11, days=90)


def pytest_collection_modifyitems(config, items):
    """The long tests first (the stylized facts, then every other slow test), so that with the suite on
    several cores the short ones fill the gaps instead of one long test running alone at the end."""
    def rank(item) -> int:
        if item.get_closest_marker("slow") is None:
            return 2
        return 0 if "validation" in item.nodeid else 1

    items.sort(key=rank)  # stable: the order within each rank is the files' own
