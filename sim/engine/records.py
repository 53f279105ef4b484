"""Small typed records that the phases of a day pass to one another (docs/MODEL.md §3).

Frozen dataclasses of arrays instead of dicts: a reader sees what a phase returns, a misspelt
field fails at once, and the per-agent reference returns the same records as the engine. Arrays
are per brand (B,) in agent units unless a comment says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np


def _pairs() -> np.ndarray:
    return np.zeros(0, np.int64)


@dataclass(frozen=True)
class Today:
    """The calendar of one day: which brands are in the market and the calendar's multipliers."""

    day: int
    alive: np.ndarray  # bool (B,)
    occasion_mult: float  # purchase occasions (holidays, festivals)
    activity_boost: float  # group activity


@dataclass(frozen=True)
class Plans:
    """The brands' decisions of the day (:meth:`sim.agents.Brand.decide`)."""

    bids: np.ndarray  # per valid impression (RMB / scale per impression)
    budgets: np.ndarray  # the day's ad budget


@dataclass(frozen=True)
class AdsSold:
    """What the auctions sold: the plan before delivery."""

    bought: np.ndarray  # impressions bought
    spend_plan: np.ndarray  # what they would cost if all were delivered
    valid_expected: np.ndarray  # of them, valid (not invalid traffic)
    per_consumer: np.ndarray  # f32 (B,): valid impressions per consumer of the brand's targeting segment


@dataclass(frozen=True)
class AdsBilled:
    """What was delivered and paid for: spend scales with the impressions the population received."""

    delivered: np.ndarray  # valid impressions delivered
    impressions: np.ndarray  # billed impressions, invalid ones included
    invalid: np.ndarray
    ad_spend: np.ndarray


@dataclass(frozen=True)
class Delivered:
    """Valid impressions delivered today, and the wasted part of them (not attended, or past the wear-out
    frequency), summed per brand (billing, metrics) and per consumer (the fatigue curve by reach breadth)."""

    valid: np.ndarray  # float64 (B,)
    wasted: np.ndarray  # float64 (B,)
    valid_per_consumer: np.ndarray  # f32 (N,)
    wasted_per_consumer: np.ndarray  # f32 (N,)

    @classmethod
    def from_pairs(cls, valid: np.ndarray, wasted: np.ndarray) -> Delivered:
        """The sums of (N, B) arrays of impressions per pair (the per-agent reference keeps those)."""
        return cls(valid=valid.sum(axis=0, dtype=np.float64), wasted=wasted.sum(axis=0, dtype=np.float64),
                   valid_per_consumer=valid.sum(axis=1, dtype=np.float32),
                   wasted_per_consumer=wasted.sum(axis=1, dtype=np.float32))


@dataclass(frozen=True)
class Exposed:
    """The exposure phase's results, for touches (Exposure's buffers: valid until its next step)."""

    effective: np.ndarray  # f32 (N, B): attended and within the wear-out frequency
    touch_draw: np.ndarray  # f32 (N, B): the uniform that decides touches (word 2 of the pair's counter block)
    delivered: Delivered


@dataclass(frozen=True)
class Pushes:
    """Messages each pool sends its members today (brand side), per brand."""

    content: np.ndarray
    coupon: np.ndarray
    offer: np.ndarray  # partner offers carried
    rival: np.ndarray  # of those, for a partner in the carrier's own category
    all: np.ndarray  # content + coupon + offer
    offers_for: dict[int, list[tuple[int, int, Any]]]  # carrier -> [(partner, n, alliance)]
    reach: np.ndarray  # f32: organic reach of each pool (hosted pools under throttle, S14)
    content_cost: np.ndarray  # per content message (RMB)


@dataclass(frozen=True)
class CarriedOffers:
    """One carrier's partner offers today and the members who read at least one of them."""

    carrier: int
    offers: tuple[tuple[int, int, Any], ...]  # (partner, offers a member receives, alliance)
    delivered: int  # members who received the carrier's messages
    readers: np.ndarray  # int64: consumers who read a partner offer


@dataclass(frozen=True)
class PoolDay:
    """What the private pools did today (pushes, reading, tiers, mutes, exits)."""

    content_cost: np.ndarray  # cost of the content pushed (RMB / scale)
    sent: np.ndarray  # messages received by members
    read: np.ndarray  # messages read
    mutes: np.ndarray  # members who muted the brand today
    exits: np.ndarray  # muted members who left the pool today
    # (consumer, brand) pairs: an order triggered by a message read today
    respond_i: np.ndarray = field(default_factory=_pairs)
    respond_b: np.ndarray = field(default_factory=_pairs)
    carried: tuple[CarriedOffers, ...] = ()


@dataclass(frozen=True)
class OfferDay:
    """What the alliances' offers did today."""

    fees: np.ndarray  # (B, B): fees the partner (row) owes the carrier (column) for offers delivered
    read_i: np.ndarray = field(default_factory=_pairs)  # (consumer, partner) pairs: a partner offer read
    read_b: np.ndarray = field(default_factory=_pairs)


@dataclass(frozen=True)
class Touched:
    """The day's touches: clicks on ads, word of mouth, offers read; impulse orders from clicks (the (N, B)
    arrays are Touches' buffers: valid until its next step)."""

    touched: np.ndarray  # bool (N, B): any touch today (choice considers the brand)
    clicked: np.ndarray  # bool (N, B): a click on the brand's ad
    clicks: np.ndarray  # (B,)
    impulse_i: np.ndarray  # (consumer, brand) pairs of impulse orders
    impulse_b: np.ndarray


@dataclass(frozen=True)
class Menu:
    """The day's brand-level choice terms, per category (rows) and seller (columns, padded to the largest)."""

    sellers: np.ndarray  # int64 (C, K): the brands in the market in each category, ascending
    n_sellers: np.ndarray  # int64 (C,)
    platform: np.ndarray  # int64 (C, K): each seller's platform
    terms: np.ndarray  # float64 (C, 4, K): β_q·quality, ln(price / reference price), price, organic-search weight
    coef: np.ndarray  # float64: the scalars of sim.engine.rows.choose_row, in its order
    interval: np.ndarray  # float64 (C,): purchase interval, days
    outside: np.ndarray  # float64 (C,): the outside option's utility


@dataclass(frozen=True)
class Orders:
    """The day's settled orders, one row per (consumer, brand), sorted by consumer then brand."""

    consumer: np.ndarray  # int64
    brand: np.ndarray  # int64
    new: np.ndarray  # bool: the consumer's first order of the brand
    channel: np.ndarray  # int8: sim.choice.CHANNELS
    price: np.ndarray
    discount: np.ndarray
    revenue: np.ndarray
    cogs: np.ndarray
    commission: np.ndarray
    referral: np.ndarray  # referral reward paid for a word-of-mouth customer
    contribution: np.ndarray  # revenue - cogs - commission
    clicked: np.ndarray  # bool: the order followed a click on the brand's ad today

    def columns(self) -> dict[str, np.ndarray]:
        """The order log's columns after consumer and brand, in their published order."""
        return {f.name: getattr(self, f.name) for f in fields(self)[2:]}


@dataclass(frozen=True)
class Joins:
    """Buyers who joined a pool today and the red packets paid for it (RMB / scale)."""

    joins: np.ndarray
    incentives: np.ndarray


@dataclass(frozen=True)
class ConsumerDay:
    """The consumer update's results (delivery to joining, docs/MODEL.md §3 steps 3-7)."""

    delivered: Delivered  # valid impressions and the wasted part, per brand and per consumer
    clicks: np.ndarray  # (B,)
    messages: PoolDay
    offers: OfferDay
    orders: Orders
    joins: Joins


@dataclass(frozen=True)
class Census:
    """The pools' members at the end of the day (after joining), counted once for the checks and the metrics."""

    members: np.ndarray  # int64 (B,): consumers in the pool (tier >= 1)
    tiers: np.ndarray  # int64 (3, B): members at tiers 1, 2 and 3
    active: np.ndarray  # int64 (B,): members who read a message of the brand in the last ACTIVE_DAYS days
    above_top_tier: np.ndarray  # int64 (B,): members at a tier above 3 (an invariant says none)
    memberships: np.ndarray  # int32 (N,): the pools each consumer belongs to


@dataclass(frozen=True)
class Money:
    """The day's money by ledger account and the brands' profit."""

    flows: dict[str, np.ndarray]  # ledger cost and revenue lines (sim.ledger.PAYEE, revenue) per brand
    fee_paid: np.ndarray  # alliance fees the brand owes
    fee_income: np.ndarray  # alliance fees the brand earns
    profit: np.ndarray
