"""The lifecycle every engine component follows (docs/MODEL.md §3, "Components").

A component is one mechanism of the day. It

* is built from the model at construction and reads its configuration node through
  ``model.cfg`` at every step, so that an arm's overrides apply from reported day 1;
* declares the consumer-state columns it **owns** (no other component writes them), the shared
  columns it also **writes** (``trust``, ``awareness``, ``coupon``... have several writers), and
  the random **streams** it draws (the per-purpose streams of :mod:`sim.rng`);
* has one method per phase it takes part in, which takes and returns the frozen records of
  :mod:`sim.engine.records`.

``tests/test_components.py`` snapshots every state column around each phase of a run and fails
when a phase writes a column its component does not declare.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from ..config import SimConfig
    from ..state import ConsumerState
    from .model import TrafficModel


class Component:
    """Base of the engine's components: the declarations and the model they plug into."""

    node: ClassVar[str] = ""  # the configuration node it reads (a field of SimConfig)
    owns: ClassVar[tuple[str, ...]] = ()  # state columns only this component writes
    writes: ClassVar[tuple[str, ...]] = ()  # shared state columns it also writes
    streams: ClassVar[tuple[str, ...]] = ()  # random streams it draws (sim.rng.PURPOSES)

    def __init__(self, model: TrafficModel):
        self.model = model

    @property
    def cfg(self) -> SimConfig:
        return self.model.cfg

    @property
    def state(self) -> ConsumerState:
        return self.model.state


def column_owners(components: list[type[Component]]) -> dict[str, str]:
    """State column -> the name of the one component that owns it; two owners are an error."""
    owner: dict[str, str] = {}
    for comp in components:
        for col in comp.owns:
            if col in owner:
                raise ValueError(f"state column {col!r} is owned by both {owner[col]} and {comp.__name__}")
            owner[col] = comp.__name__
    return owner
