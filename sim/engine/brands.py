"""The brand table: every brand's static attributes and daily decisions, held once.

The :class:`~sim.agents.Brand` Mesa agents are views onto one row of this table: their
``decide`` writes the row, and the components read whole columns. Categories get a small table
of their own. :class:`History` keeps the brand-level series that bids, budgets and the adaptive
rule look back over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .component import Component
from .records import Plans, Today

if TYPE_CHECKING:
    from ..config import BrandConfig, SimConfig

NO_EXIT = np.iinfo(np.int64).max  # exit_day of a brand still in the market

# brand-level series kept for the trailing windows of bids, budgets and the adaptive rule
HISTORY = ("new_paid", "valid_impressions", "ad_spend", "contribution_private", "wages", "incentives", "orders",
           "revenue")


def build_brands(cfg: SimConfig) -> list[BrandConfig]:
    """The configured brands plus ``market.entrants`` entrants, cloned round-robin, entering evenly."""
    base = list(cfg.brands)
    n_new = cfg.market.entrants
    until = cfg.market.entrants_until_day
    for j in range(n_new):
        src = base[j % len(base)]
        day = 1 + int(round((j + 1) * (until - 1) / max(n_new, 1)))
        base.append(src.model_copy(update={"name": f"{src.name}_entrant{j + 1}", "entry_day": day}))
    return base


class BrandTable(Component):
    """One row per brand: static attributes from the configuration, decisions and cash of the day."""

    node = "brands"

    def __init__(self, model, n_brands: int):
        super().__init__(model)
        B = n_brands
        self.cash = np.zeros(B)  # internal money: RMB of the represented market / scale
        self.private_share = np.zeros(B)  # share of the marketing budget spent on the pool
        self.ad_budget = np.zeros(B)
        self.ad_budget_before = np.zeros(B)  # yesterday's, for pacing
        self.bid = np.zeros(B)  # per valid impression
        self.pace = np.ones(B)  # bid multiplier of brand-side pacing (ads.bid_pacing_rate)
        self.operators = np.zeros(B)  # whole operators or staff-hours
        self.capacity = np.zeros(B, np.int64)  # members the pool can hold, in agents
        self.exit_day = np.full(B, NO_EXIT, np.int64)

    def configure(self, cfg: SimConfig, brands: list[BrandConfig]) -> None:
        """The static columns, from the market's configuration (again when an arm starts)."""
        scale = cfg.population.scale
        self.category = np.array([b.category for b in brands])
        self.platform = np.array([b.platform for b in brands])
        self.entry_day = np.array([b.entry_day for b in brands], np.int64)
        self.price = np.array([b.price for b in brands], dtype=float)
        self.unit_cost = np.array([b.unit_cost for b in brands], dtype=float)
        self.quality = np.array([b.quality for b in brands], dtype=float)
        self.overheads = np.array([b.fixed_cost_per_day for b in brands], dtype=float) / scale
        self.commission = np.array([cfg.platforms[p].commission_rate for p in self.platform])
        self.invalid_share = np.array([cfg.platforms[p].invalid_traffic_share for p in self.platform])
        strategies = [cfg.strategies[b.strategy] for b in brands]
        self.run_pool = np.array([s.run_pool for s in strategies])
        self.hosted = np.array([s.pool_location == "hosted" for s in strategies])
        self.referral_reward = np.array([s.referral_reward for s in strategies], dtype=float)
        self.join_incentive = np.array([s.join_incentive for s in strategies], dtype=float)
        # categories: one row each
        self.interval = np.array([c.purchase_interval_days for c in cfg.categories])
        self.reference_price = np.array([c.reference_price for c in cfg.categories])
        self.impulse_rate = np.array([c.impulse_rate for c in cfg.categories])

    def alive(self, day: int, b: int | slice = slice(None)) -> np.ndarray:
        """bool (B,): brands in the market on ``day`` (entered and not exited); brand ``b``'s alone if given."""
        return (self.entry_day[b] <= day) & (self.exit_day[b] == NO_EXIT)

    def decide(self, today: Today) -> Plans:
        """Each brand's budget split, bid and operators (docs/MODEL.md §3 step 2)."""
        for b in self.model.brands:
            b.decide(today.day)
        return Plans(bids=self.bid.copy(), budgets=self.ad_budget.copy())


class History:
    """The last 400 days of brand-level series (agent units), for trailing windows.

    Each series lives in a buffer of twice that many rows: a day is written below the last one, and
    once the buffer is full its last 399 days move to the top (once every 400 days). A window is then
    always one slice in day order, the same numbers a growing array would sum, without a copy a day.
    """

    keep = 400

    def __init__(self, n_brands: int):
        self._rows = {k: np.zeros((2 * self.keep, n_brands)) for k in HISTORY}
        self._end = 0  # rows written
        self._sums: dict[tuple[str, int], np.ndarray] = {}  # every brand's trailing sums, until the next push

    def push(self, values: dict[str, np.ndarray]) -> None:
        if self._end == 2 * self.keep:
            for rows in self._rows.values():
                rows[:self.keep - 1] = rows[self._end - (self.keep - 1):self._end]
            self._end = self.keep - 1
        for k, v in values.items():
            self._rows[k][self._end] = v
        self._end += 1
        self._sums.clear()

    def last(self, key: str, window: int) -> np.ndarray:
        """(days, B): the series' last ``window`` days (fewer at the start of a run), oldest first."""
        return self._rows[key][max(0, self._end - min(window, self.keep)):self._end]

    def trailing(self, b: int, keys: tuple[str, ...], window: int) -> tuple[float, ...]:
        """Sums over the last ``window`` days of brand b's series.

        Every brand's sums at once, kept for the day: each brand's days are one contiguous row of the
        transposed window, which numpy sums as it sums that brand's column alone (same bits).
        """
        out = []
        for k in keys:
            sums = self._sums.get((k, window))
            if sums is None:
                sums = self._sums[(k, window)] = np.ascontiguousarray(self.last(k, window).T).sum(axis=1)
            out.append(float(sums[b]))
        return tuple(out)
