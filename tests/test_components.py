"""Every consumer-state column has one owner, and a run writes only what each component declares.

The stressed golden market (wear-out binding, adaptive brands, a hosted pool, an alliance, an
entrant and an exit) runs with each component's daily phases wrapped: around every call, every
state column is compared before and after. A phase that writes a column its component neither
owns nor declares as a shared write fails the test; so does a declaration that the run never
exercises, and any write made outside the phases.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields

import numpy as np
import pytest

import sim
from sim.engine.component import column_owners
from sim.engine.model import COMPONENTS
from sim.state import TRAITS, ConsumerState
from tests import golden

DAYS = 40  # past the exit (day 12) and the entrant (day 20)
PHASES = {"exposure": ("step",), "pools": ("deliver", "join", "dissolve", "census"),
          "alliances": ("step",), "touches": ("step",), "purchases": ("step",)}


def _snapshot(st: ConsumerState) -> dict[str, np.ndarray]:
    return {f.name: getattr(st, f.name).copy() for f in fields(st)}


def _changed(before: dict[str, np.ndarray], st: ConsumerState) -> set[str]:
    return {k for k, v in before.items() if not np.array_equal(v, getattr(st, k))}


def observed_writes(model: sim.TrafficModel, days: int) -> tuple[dict[str, set[str]], set[str]]:
    """Columns each component's phases changed over ``days``; columns changed outside any phase."""
    seen: dict[str, set[str]] = defaultdict(set)
    in_phases: set[str] = set()

    def wrap(component, method: str) -> None:
        original = getattr(component, method)

        def wrapped(*args, **kwargs):
            before = _snapshot(model.state)
            out = original(*args, **kwargs)
            changed = _changed(before, model.state)
            seen[type(component).__name__] |= changed
            in_phases.update(changed)
            return out

        setattr(component, method, wrapped)

    for attr, methods in PHASES.items():
        for method in methods:
            wrap(getattr(model, attr), method)
    outside: set[str] = set()
    for _ in range(days):
        in_phases.clear()
        before = _snapshot(model.state)
        model.step()
        outside |= _changed(before, model.state) - in_phases
    return seen, outside


def _stressed_model() -> sim.TrafficModel:
    cfg, _ = golden.stressed_market()
    return sim.TrafficModel(config=cfg, seed=np.random.SeedSequence([golden.SEED, 0]))


def test_every_state_column_has_one_owner_or_declared_writers():
    owner = column_owners(list(COMPONENTS))
    shared = {c for comp in COMPONENTS for c in comp.writes}
    columns = {f.name for f in fields(ConsumerState)}
    assert not set(owner) & shared, "an owned column is also declared as another component's shared write"
    assert set(owner) | shared | set(TRAITS) == columns
    assert not (set(owner) | shared) & set(TRAITS)


def test_a_run_writes_only_the_declared_columns():
    seen, outside = observed_writes(_stressed_model(), DAYS)
    assert outside == set(), f"state written outside the components' phases: {sorted(outside)}"
    for comp in COMPONENTS:
        declared = set(comp.owns) | set(comp.writes)
        assert seen[comp.__name__] <= declared, (comp.__name__, sorted(seen[comp.__name__] - declared))
        # and the declarations are not stale: the stressed market exercises each of them
        assert seen[comp.__name__] == declared, (comp.__name__, "never wrote", sorted(declared - seen[comp.__name__]))


def test_an_undeclared_write_is_caught(monkeypatch):
    """Touches quietly lowering trust (a column it does not declare) fails the check."""
    from sim.engine.touches import Touches

    original = Touches.step

    def leaky(self, today, seen, offers):
        out = original(self, today, seen, offers)
        self.state.trust *= np.float32(0.999)
        return out

    monkeypatch.setattr(Touches, "step", leaky)
    seen, _ = observed_writes(_stressed_model(), 3)
    assert "trust" in seen["Touches"] and "trust" not in Touches.owns + Touches.writes


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_components_declare_their_streams_and_node(component):
    from sim.config import SimConfig
    from sim.rng import PURPOSES

    assert set(component.streams) <= set(PURPOSES)
    assert component.node in SimConfig.model_fields
