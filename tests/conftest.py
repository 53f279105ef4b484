"""Shared fixtures: small markets and session-scoped runs reused across tests."""

from __future__ import annotations

import os

# Each xdist worker's kernels get its share of the cores, set before numba is imported (sim
# imports it); the processes that workflows start inherit it. Results do not depend on it.
if "PYTEST_XDIST_WORKER_COUNT" in os.environ and "NUMBA_NUM_THREADS" not in os.environ:
    os.environ["NUMBA_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])))

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

import sim  # noqa: E402

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
