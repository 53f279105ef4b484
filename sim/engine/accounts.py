"""Accounts: the day's money through the ledger, the invariants, cash and exits.

docs/MODEL.md §3 step 8 and §8 (invariants). Every flow is a ledger row between two accounts;
the day's profit of each brand is checked against the ledger's net before it reaches cash. A
brand whose cash falls below zero leaves the market and its pool is dissolved.
"""

from __future__ import annotations

import numpy as np

from ..invariants import InvariantError, check_cap, check_finite, close
from ..ledger import PAYEE, Ledger
from .component import Component
from .records import AdsBilled, Census, ConsumerDay, Money, Today


class Accounts(Component):
    """The ledger and the brands' cash; the checks that money and people are conserved."""

    node = "private"  # wages per operator; the other lines come from the records

    def __init__(self, model):
        super().__init__(model)
        self.ledger = Ledger([b.name for b in model.brands], [p.name for p in model.platforms])

    def settle(self, today: Today, ads: AdsBilled, day: ConsumerDay, census: Census) -> Money:
        m, t, table = self.model, today.day, self.model.brand_table
        B = table.cash.size
        o_b, orders = day.orders.brand, day.orders
        wages = np.array([b.operators * self.cfg.private.modes[b.strategy.mode].wage_per_day / m.scale
                          if table.run_pool[b.index] and today.alive[b.index] else 0.0 for b in m.brands])
        flows = {
            "revenue": np.bincount(o_b, orders.revenue, B),
            "cogs": np.bincount(o_b, orders.cogs, B),
            "ads": ads.ad_spend,
            "commission": np.bincount(o_b, orders.commission, B),
            "wages": wages,
            "content": day.messages.content_cost,
            "incentives": day.joins.incentives,
            "referral": np.bincount(o_b, orders.referral, B),
            "overheads": table.overheads * today.alive,
        }
        fees = day.offers.fees
        rows = self.ledger.day_rows(t, flows, table.platform, fees)
        fee_paid, fee_income = fees.sum(axis=1), fees.sum(axis=0)
        profit = flows["revenue"] + fee_income - sum(flows[k] for k in PAYEE) - fee_paid
        self._check_money(t, rows, orders.revenue, flows, profit)
        table.cash += profit
        check_finite(t, {**self.state.float_arrays(), "profit": profit, "ad_spend": ads.ad_spend})
        self._check_caps(t, census)
        return Money(flows=flows, fee_paid=fee_paid, fee_income=fee_income, profit=profit)

    def exits(self, today: Today) -> None:
        """Brands in the market without cash leave it today; their pools dissolve."""
        table = self.model.brand_table
        for b in np.flatnonzero(today.alive & (table.cash < 0)):
            table.exit_day[b] = today.day
            self.model.consumer_update.dissolve_pool(int(b))

    def _check_money(self, t: int, rows: np.ndarray, order_revenue: np.ndarray, flows: dict[str, np.ndarray],
                     profit: np.ndarray) -> None:
        m = self.model
        net = self.ledger.net_by_account(rows)
        gross = np.abs(rows[:, 4]).sum() if rows.size else 0.0
        if abs(net.sum()) > 1e-9 * max(gross, 1.0):
            raise InvariantError("ledger balances", t, "all accounts", f"net {net.sum()}")
        spend = float(order_revenue.sum())  # consumer side, order by order
        if not close(spend, float(flows["revenue"].sum())):
            raise InvariantError("consumer spend = brand revenue", t, "market", f"{spend} vs {flows['revenue'].sum()}")
        # per account, the ledger's net (computed from its rows) against what the model computed
        for p, plat in enumerate(m.platforms):
            got = float(net[self.ledger.platform_account(p)])
            mine = m.brand_table.platform == p
            expect = float(flows["ads"][mine].sum() + flows["commission"][mine].sum())
            if not close(got, expect):
                raise InvariantError("platform revenue = ad spend + commission", t, plat.name, f"{got} vs {expect}")
        for b, brand in enumerate(m.brands):
            got = float(net[self.ledger.brand_account(b)])
            if not close(got, float(profit[b])):
                raise InvariantError("profit = revenue - costs", t, brand.name, f"ledger {got} vs {profit[b]}")

    def _check_caps(self, t: int, census: Census) -> None:
        m, st, pools = self.model, self.state, self.model.pools
        names = [b.name for b in m.brands]
        members = census.members
        check_cap(t, "operator capacity", members, np.where(m.brand_table.run_pool,
                                                            np.maximum(m.brand_table.capacity, 0), members), names)
        for b, counts in enumerate(pools.group_counts):
            if counts.size:
                check_cap(t, "group size", counts, pools.group_size, [f"{names[b]} group {g}" for g in
                                                                      range(counts.size)])
                if counts.sum() != members[b]:
                    raise InvariantError("population conserved", t, names[b],
                                         f"{counts.sum()} in groups vs {members[b]} members")
        check_cap(t, "channel slots", census.memberships, st.slots)
        check_cap(t, "members above tier 3", census.above_top_tier, 0, names)
        if st.tier.shape[0] != m.N:
            raise InvariantError("population conserved", t, "consumers", "population changed size")
