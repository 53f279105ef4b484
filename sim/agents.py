"""Mesa agents: brands and platforms with their own decision logic; consumers as views.

Consumers' state lives in arrays (:mod:`sim.state`); a :class:`Consumer` is a light view
onto row ``index`` of those arrays, for inspection, the live app and batch_run.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from . import auction
from .config import BrandConfig, PlatformConfig, StrategyConfig
from .engine.brands import NO_EXIT
from .pools import hosted_reach

if TYPE_CHECKING:
    from .model import TrafficModel


class Consumer(mesa.Agent):
    """A view onto one consumer's row of the population arrays."""

    def __init__(self, model: TrafficModel, index: int):
        super().__init__(model)
        self.index = index

    def _row(self, name: str) -> np.ndarray:
        return getattr(self.model.state, name)[self.index]

    @property
    def tiers(self) -> np.ndarray:
        """Pool tier per brand (0 = not a member)."""
        return self._row("tier")

    @property
    def trust(self) -> np.ndarray:
        return self._row("trust")

    @property
    def awareness(self) -> np.ndarray:
        return self._row("awareness")

    @property
    def orders(self) -> np.ndarray:
        return self._row("orders")

    @property
    def annoyance(self) -> float:
        return float(self.model.state.annoyance[self.index])

    def neighbours(self) -> np.ndarray:
        g = self.model.graph
        return g.indices[g.indptr[self.index]:g.indptr[self.index + 1]]

    def step(self) -> None:
        """Consumers are updated as a population by the model; a view has nothing to do."""


class Platform(mesa.Agent):
    """An ad platform: finite inventory per targeting segment, GSP auctions, commission."""

    def __init__(self, model: TrafficModel, index: int, cfg: PlatformConfig):
        super().__init__(model)
        self.index = index
        self.cfg = cfg
        self.name = cfg.name

    def hosted_reach(self, day: int) -> float:
        """Organic reach of pools hosted on this platform (traffic property rights, S14)."""
        c = self.cfg
        return hosted_reach(day, c.hosted_reach_start, c.hosted_reach_end, c.hosted_throttle_days)

    def sell(self, bids: np.ndarray, quality: np.ndarray, budgets: np.ndarray, inventory: float,
             segment_users: float, day: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Run one day's auctions for one segment: impressions and spend per brand (agent units)."""
        c = self.cfg
        return auction.run_day(bids, quality, budgets, inventory, c.reserve_cpm / 1000.0,
                               c.quality_weight, c.auction_rounds, c.frequency_cap * segment_users,
                               first_round=day * c.auction_rounds)


def _column(name: str, kind: type = float, doc: str = "") -> property:
    """A Brand attribute that is its row of the model's brand table (sim.engine.brands.BrandTable)."""

    def get(self: Brand):
        return kind(getattr(self.model.brand_table, name)[self.index])

    def set_(self: Brand, value) -> None:
        getattr(self.model.brand_table, name)[self.index] = value

    return property(get, set_, doc=doc)


class Brand(mesa.Agent):
    """A brand: decides its budget split, bid, operators and pushes from its strategy.

    Its state is one row of the model's brand table, which the engine's components read as
    columns; the attributes below read and write that row.
    """

    cash = _column("cash", doc="internal money: RMB of the represented market / scale")
    private_share = _column("private_share", doc="share of the marketing budget spent on the pool")
    ad_budget = _column("ad_budget")
    bid = _column("bid", doc="per valid impression")
    pace = _column("pace", doc="bid multiplier of brand-side pacing (ads.bid_pacing_rate)")
    operators = _column("operators", doc="whole operators, or staff-hours")
    capacity = _column("capacity", int, doc="members the pool can hold, in agents")
    _ad_budget_before = _column("ad_budget_before")

    def __init__(self, model: TrafficModel, index: int, cfg: BrandConfig):
        super().__init__(model)
        self.index = index
        self.cfg = cfg
        self.name = cfg.name
        self.cash = cfg.initial_cash / model.scale
        self.private_share = self.strategy.private_share
        self.ad_budget = 0.0
        self.bid = 0.0
        self.operators = 0
        self.capacity = 0
        self.pace = 1.0
        self._ad_budget_before = 0.0

    @property
    def exit_day(self) -> int | None:
        day = int(self.model.brand_table.exit_day[self.index])
        return None if day == NO_EXIT else day

    # -- strategy -------------------------------------------------------------------------
    @property
    def strategy(self) -> StrategyConfig:
        return self.model.cfg.strategies[self.cfg.strategy]

    @property
    def first_day(self) -> int:
        """The first day the brand is in the market (its entry day, or the first simulated day)."""
        return max(self.cfg.entry_day, 1 - self.model.cfg.run.warmup_days)

    def alive_on(self, day: int) -> bool:
        return bool(self.model.brand_table.alive(day, self.index))

    @property
    def contribution_per_order(self) -> float:
        rate = self.model.cfg.platforms[self.cfg.platform].commission_rate
        return self.cfg.price * (1 - rate) - self.cfg.unit_cost

    def decide(self, day: int) -> None:
        """Budget split, bid per impression and operators for today (docs/MODEL.md §3, step 2; §7.1)."""
        m = self.model
        s = self.strategy
        if not self.alive_on(day):
            self.ad_budget = self.bid = 0.0
            self.operators = self.capacity = 0
            return
        members = int((m.state.tier[:, self.index] > 0).sum()) if s.run_pool else 0
        if s.adaptive and (day % s.adaptive_review_days == 0):
            self._adapt(s, members)
        share = self.private_share if s.run_pool else 0.0
        budget = (self.cfg.budget_per_day if self.cfg.budget_per_day is not None
                  else s.marketing_budget_per_day) / m.scale
        if s.budget_revenue_share is not None and day - self.first_day >= s.budget_window_days:
            # marketing as a share of sales (S15: sales buy traffic, traffic buys sales)
            (revenue,) = m.trailing(self.index, ("revenue",), s.budget_window_days)
            budget = s.budget_revenue_share * revenue / s.budget_window_days
        private_budget = budget * share
        self.ad_budget = budget - private_budget
        # bid: never more than an impression is expected to be worth (docs/MODEL.md §7.1, "Bid per impression")
        a = m.cfg.ads
        new_paid, valid = m.trailing(self.index, ("new_paid", "valid_impressions"), a.bid_window_days)
        prior_w = a.bid_prior_impressions / m.scale
        conv = (new_paid + a.bid_prior_conversion * prior_w) / (valid + prior_w)
        # conversion is per valid impression, but the brand pays for invalid ones too
        valid_share = 1.0 - m.cfg.platforms[self.cfg.platform].invalid_traffic_share
        value = max(0.0, conv * valid_share * self.contribution_per_order * s.bid_lifetime_multiple)
        if a.bid_pacing_rate > 0:
            # a budget-limited bidder shades its bid (Balseiro & Gur 2019): cheaper impressions, more of them
            (spent,) = m.trailing(self.index, ("ad_spend",), 1)
            if self._ad_budget_before > 0 and spent >= 0.99 * self._ad_budget_before:
                self.pace *= 1 - a.bid_pacing_rate
            else:
                self.pace = min(1.0, self.pace * (1 + a.bid_pacing_rate))
        self._ad_budget_before = self.ad_budget
        self.bid = value * self.pace
        if s.run_pool:
            mode = m.cfg.private.modes[s.mode]
            wage = mode.wage_per_day / m.scale
            per_op = mode.capacity / m.scale
            whole = s.staffing == "whole"  # else staff-hours bought with the private budget
            if wage <= 0:
                self.operators = 1
            else:
                self.operators = max(1, math.floor(private_budget / wage)) if whole else private_budget / wage
            cap = self.operators * per_op
            if s.max_members is not None:
                cap = min(cap, s.max_members / m.scale)
            # members already in the pool are kept: the brand keeps enough operators to serve them
            self.capacity = max(int(whole), int(round(cap)), members)
            needed = self.capacity / per_op
            self.operators = max(self.operators, math.ceil(needed) if whole else needed)
        else:
            self.operators = 0
            self.capacity = 0

    def _adapt(self, s: StrategyConfig, members: int) -> None:
        """Shift budget toward the channel with the better trailing marginal return (F12).

        Paid: the value of the customers the ads acquired per RMB (value per customer as in
        the bids, over the trailing CAC). Private: the pool's contribution per RMB while the
        pool is full (more budget buys room for more members); 0 while it has room, since
        more staff-hours would then buy nothing.
        """
        m = self.model
        w = s.adaptive_review_days
        new_paid, spend_ads, contrib_priv, wages, incentives = m.trailing(
            self.index, ("new_paid", "ad_spend", "contribution_private", "wages", "incentives"), w)
        value = self.contribution_per_order * s.bid_lifetime_multiple
        roi_paid = new_paid * value / spend_ads if spend_ads > 0 else 0.0
        full = members >= s.adaptive_full_share * self.capacity
        # content costs the same whatever the pool's size: the margin is staff-hours and red packets
        spend_priv = wages + incentives
        roi_priv = contrib_priv / spend_priv if spend_priv > 0 and full else 0.0
        step = s.adaptive_step if roi_priv > roi_paid else -s.adaptive_step
        self.private_share = float(min(0.9, max(s.adaptive_min_share, self.private_share + step)))

    def step(self) -> None:
        """Brands act through :meth:`decide`, called by the model in the daily schedule."""
