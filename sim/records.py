"""Small typed records that the phases of a day pass to one another (docs/MODEL.md §3).

Frozen dataclasses of arrays instead of dicts of 8-15 keys: a reader sees what a phase returns, a
misspelt field fails at once, and the per-agent reference returns the same records as the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _pairs() -> np.ndarray:
    return np.zeros(0, np.int64)


@dataclass(frozen=True)
class PoolDay:
    """What the private channels did today: per brand (B,) unless said, agent units."""

    content_cost: np.ndarray  # cost of the content pushed (RMB / scale)
    alliance_fees: np.ndarray  # (B, B): fees the partner (row) owes the carrier (column) for offers delivered
    sent: np.ndarray  # messages received by members
    read: np.ndarray  # messages read
    mutes: np.ndarray  # members who muted the brand today
    exits: np.ndarray  # muted members who left the pool today
    # (consumer, brand) pairs: a partner offer read for the brand; an order triggered by a message
    offer_read_i: np.ndarray = field(default_factory=_pairs)
    offer_read_b: np.ndarray = field(default_factory=_pairs)
    respond_i: np.ndarray = field(default_factory=_pairs)
    respond_b: np.ndarray = field(default_factory=_pairs)


@dataclass(frozen=True)
class ConsumerDay:
    """The consumer update's results for day t (delivery to joining, MODEL_BRIEF §4 steps 3-7)."""

    impressions: np.ndarray  # f32 (N, B): valid impressions delivered to each pair
    wasted: np.ndarray  # f32 (N, B): of those, not attended or past the wear-out frequency
    clicks: np.ndarray  # (B,)
    messages: PoolDay
    order_consumer: np.ndarray  # int64 (orders,): who bought, sorted by (consumer, brand)
    order_brand: np.ndarray  # int64 (orders,)
    orders: dict[str, np.ndarray]  # the settled orders' columns (new, channel, price, revenue, ...)
    joins: np.ndarray  # (B,): buyers who joined the pool today
    incentives: np.ndarray  # (B,): red packets paid for joining (RMB / scale)
