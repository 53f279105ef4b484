"""The consumer update: delivery to joining, the part of the day that runs over consumers.

This is the slot through which another implementation of the same rules plugs in (the per-agent
reference of :mod:`sim.reference` for the differential test and ``sim bench``; compiled kernels
later): ``TrafficModel(config, seed, consumer_update=...)`` takes a class built from the model
with a ``step(today, ads) -> ConsumerDay`` and a ``dissolve_pool(brand)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .records import AdsSold, ConsumerDay, Today

if TYPE_CHECKING:
    from .model import TrafficModel


class ConsumerUpdate(Protocol):
    """What the model asks of a consumer update."""

    def __init__(self, model: TrafficModel) -> None: ...

    def step(self, today: Today, ads: AdsSold) -> ConsumerDay:
        """Advance every consumer by one day (docs/MODEL.md §3 steps 3-7)."""

    def dissolve_pool(self, b: int) -> None:
        """Brand b has left the market: its members leave its pool."""


class ArrayConsumers:
    """The engine's consumer update: the components, in turn, as array code over the population."""

    def __init__(self, model: TrafficModel):
        self.model = model

    def step(self, today: Today, ads: AdsSold) -> ConsumerDay:
        m = self.model
        seen = m.exposure.step(today, ads)  # 3, 5a. delivery, tolerance cap, wear-out, ad stock, awareness
        msgs = m.pools.deliver(today)  # 4. pushes, reading, content, coupons, tiers, mutes, exits
        offers = m.alliances.step(today, msgs.carried)  # 4. partner offers read: fees, trust, coupons
        touched = m.touches.step(today, seen, offers)  # 5b. clicks, word of mouth, impulse, forgetting
        orders = m.purchases.step(today, touched, msgs)  # 6. occasions, choice, settlement, attribution
        joins = m.pools.join(today, orders)  # 7. buyers join pools
        return ConsumerDay(delivered=seen.delivered, clicks=touched.clicks, messages=msgs,
                           offers=offers, orders=orders, joins=joins)

    def dissolve_pool(self, b: int) -> None:
        self.model.pools.dissolve(b)
