"""A per-agent reference of the consumer update, written the way a typical Mesa user would.

:class:`ReferenceConsumers` plugs into the engine's consumer-update slot
(``TrafficModel(config, seed, consumer_update=ReferenceConsumers)``, docs/MODEL.md §3): one
:class:`~sim.reference.agent.ReferenceConsumer` per consumer does delivery to purchases in plain
Python, and everything brand-side (decisions, auctions, the pools' pushes and group state,
ledger, metrics) is the engine's own, so the two differ in the consumer update alone.

It is a test oracle (tests/validation/test_differential.py) and the benchmark's baseline
(``sim bench``), not a second engine: it follows the engine's rules with its own random draws,
so the two agree in distribution, not draw for draw.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .. import choice as ch
from .. import pools
from ..engine.model import TrafficModel
from ..engine.records import AdsSold, ConsumerDay, Delivered, Joins, OfferDay, Orders, PoolDay, Pushes, Today
from .agent import PER_BRAND, ReferenceConsumer


class ReferenceConsumers:
    """The consumer update done by one Python agent per consumer.

    The agents are made from the population arrays on the first simulated day, so the
    reference is for runs without warm-up or arms (the benchmark and the differential test).
    """

    def __init__(self, model: TrafficModel):
        self.model = model
        self.agents: list[ReferenceConsumer] = []
        self.reference_seconds = 0.0  # time in the agents' steps alone (sim bench)

    # the model's tables, as the agents read them
    @property
    def cfg(self):
        return self.model.cfg

    @property
    def n_brands(self) -> int:
        return self.model.n_brands

    @property
    def brands(self) -> list:
        return self.model.brands

    @property
    def table(self):
        return self.model.brand_table

    @property
    def pools(self):
        return self.model.pools

    def dissolve_pool(self, b: int) -> None:
        """A brand that exits loses its pool: in the arrays (brand side) and in the agents."""
        self.model.pools.dissolve(b)
        for agent in self.agents:
            if agent.tier[b] > 0:
                agent.tier[b], agent.muted[b], agent.group[b] = 0, False, -1

    def step(self, today: Today, ads: AdsSold) -> ConsumerDay:
        m = self.model
        if not self.agents:  # created from the population arrays on the first day (not timed)
            self.agents = [ReferenceConsumer(m, i) for i in range(m.N)]
        started = time.perf_counter()
        B, cfg = m.n_brands, m.cfg
        self.ref_day, self.plan_alive, self.plan_occ_mult = today.day, today.alive, today.occasion_mult
        self.plan_lam = [float(x) for x in ads.per_consumer]
        self.day_imps, self.day_wasted = [], []
        self.msg_sent, self.msg_read, self.mutes, self.exits = [0.0] * B, [0.0] * B, [0.0] * B, [0.0] * B
        self.offer_delivered, self.clicks = [0] * B, [0] * B
        self.group_reads: list[dict[int, list[float]]] = [{} for _ in range(B)]
        self.orders_today: list[tuple[int, int, dict[str, Any]]] = []
        members = (m.state.tier > 0).sum(axis=0)  # yesterday's, as synced by _to_arrays
        content_cost = np.zeros(B)
        if members.any():
            self.plan_pushes = m.pools.pushes(today)
            cols = [b for b in range(B) if members[b]]
            content_cost[cols] = self.plan_pushes.content[cols] * self.plan_pushes.content_cost[cols] / m.scale
        else:  # no pool has members: nothing is pushed
            z = np.zeros(B)
            self.plan_pushes = Pushes(content=z, coupon=z, offer=z, rival=z, all=z, offers_for={},
                                      reach=np.ones(B), content_cost=z)
        agents = m.agents_by_type[ReferenceConsumer]
        agents.do("step_exposure")
        self._update_groups(today.activity_boost)
        # word-of-mouth sources as they stand after the morning (customers, plus loyal members)
        w = cfg.wom.advocate_weight
        self.wom_source = [[(ag.orders[b] > 0) + w * (ag.tier[b] == 3) for b in range(B)] for ag in self.agents]
        recent = m.history.last("orders", 30).sum(axis=0) / max(m.N, 1) * 100
        plat = self.table.platform
        self.search_weight = [self.table.quality[b] ** cfg.platforms[plat[b]].quality_weight
                              * (1 + recent[b]) ** cfg.platforms[plat[b]].organic_exponent for b in range(B)]
        agents.do("step_purchase")
        joins = self._join(today.alive)
        self.reference_seconds += time.perf_counter() - started
        return self._to_arrays(content_cost, joins)

    # ------------------------------------------------------------------ brand-side glue
    def _update_groups(self, boost: float) -> None:
        for b in range(self.n_brands):
            G = self.pools.group_counts[b].size
            if G == 0 or not (self.model.state.tier[:, b] > 0).any():
                continue
            sums = np.zeros((3, G))
            for g, v in self.group_reads[b].items():
                sums[:, g] = v
            self.pools.update_activity(b, sums[0], sums[1], sums[2], self.plan_pushes, boost)

    def leave(self, agent: ReferenceConsumer, b: int) -> None:
        self.pools.group_counts[b][agent.group[b]] -= 1
        agent.tier[b], agent.muted[b], agent.group[b] = 0, False, -1

    def settle(self, agent: ReferenceConsumer, b: int) -> None:
        """One order: channel attribution, coupon, commission, then the consumer's own updates."""
        cfg, day, table = self.cfg, self.ref_day, self.table
        win = cfg.choice.attribution_window_days
        if agent.tier[b] > 0 and day - agent.t_private[b] < win:
            channel = ch.PRIVATE
        elif day - agent.t_alliance[b] < win:
            channel = ch.ALLIANCE
        elif day - agent.t_paid[b] < win:
            channel = ch.PAID
        elif day - agent.t_wom[b] < win:
            channel = ch.WOM
        else:
            channel = ch.ORGANIC
        price = float(table.price[b])
        discount = 0.0
        if day - agent.coupon_day[b] < win and agent.coupon[b] > 0:
            discount = min(float(np.float32(agent.coupon[b])), price)
            agent.coupon[b] = 0.0
        revenue = price - discount
        s = self.brands[b].strategy
        off_platform = (channel == ch.PRIVATE and s.pool_location != "hosted") or channel == ch.ALLIANCE
        commission = 0.0 if off_platform else float(table.commission[b]) * revenue
        new = agent.orders[b] == 0
        referral = s.referral_reward if new and channel == ch.WOM else 0.0
        cogs = float(table.unit_cost[b])
        agent.orders[b] += 1
        agent.trust[b] += cfg.choice.trust_from_purchase * (1 - agent.trust[b])
        agent.awareness[b] = 1.0
        self.orders_today.append((agent.index, b, {
            "new": new, "channel": channel, "price": price, "discount": discount, "revenue": revenue, "cogs": cogs,
            "commission": commission, "referral": referral, "contribution": revenue - cogs - commission,
            "clicked": agent.clicked[b]}))

    def _join(self, alive: np.ndarray) -> Joins:
        """Buyers of a pool brand accept its join offer; slots and the brand's room are filled in random order."""
        m, pc = self.model, self.cfg.private
        B = self.n_brands
        joins, incentives = np.zeros(B), np.zeros(B)
        members = [sum(ag.tier[b] > 0 for ag in self.agents) for b in range(B)]  # after today's exits
        accepted = []
        for i, b, _ in self.orders_today:
            s = self.brands[b].strategy
            ag = self.agents[i]
            if s.run_pool and alive[b] and ag.tier[b] == 0:
                if m.random.random() < pools.join_probability(s.join_incentive, pc.join_base, pc.join_per_rmb,
                                                              pc.join_max):
                    accepted.append((ag, b))
        m.random.shuffle(accepted)
        used = {}
        counts, activity = self.pools.group_counts, self.pools.group_activity
        for ag, b in accepted:
            n_used = used.setdefault(ag.index, sum(x > 0 for x in ag.tier))
            if n_used >= ag.slots or members[b] >= self.brands[b].capacity:
                continue
            used[ag.index] += 1
            members[b] += 1
            gid, counts[b] = pools.assign_groups(counts[b], 1, self.pools.group_size)
            if activity[b].size < counts[b].size:
                activity[b] = np.r_[activity[b], pc.activity_initial]
            ag.tier[b], ag.muted[b], ag.group[b], ag.irritation[b] = 1, False, int(gid[0]), 0.0
            joins[b] += 1
            incentives[b] += self.brands[b].strategy.join_incentive
        return Joins(joins=joins, incentives=incentives)

    def _to_arrays(self, content_cost: np.ndarray, joins: Joins) -> ConsumerDay:
        """Write the agents' state back to the population arrays the brand side reads; the day's results."""
        st, B = self.model.state, self.n_brands
        for name in PER_BRAND:
            getattr(st, name)[:] = np.array([getattr(ag, name) for ag in self.agents], dtype=getattr(st, name).dtype)
        st.annoyance[:] = [ag.annoyance for ag in self.agents]
        fees = np.zeros((B, B))
        for carrier, offers in self.plan_pushes.offers_for.items():
            for p, n, al in offers:
                fees[p, carrier] += n * self.offer_delivered[carrier] * al.fee_per_offer
        msg = PoolDay(content_cost=content_cost, sent=np.array(self.msg_sent), read=np.array(self.msg_read),
                      mutes=np.array(self.mutes), exits=np.array(self.exits))
        rows = sorted(self.orders_today, key=lambda r: (r[0], r[1]))
        cols = {k: np.array([r[2][k] for r in rows], dtype={"new": bool, "channel": np.int8, "clicked": bool}.get(
            k, float)) for k in ("new", "channel", "price", "discount", "revenue", "cogs", "commission", "referral",
                                 "contribution", "clicked")}
        orders = Orders(consumer=np.array([r[0] for r in rows], dtype=np.int64),
                        brand=np.array([r[1] for r in rows], dtype=np.int64), **cols)
        delivered = Delivered.from_pairs(np.array(self.day_imps, np.float32), np.array(self.day_wasted, np.float32))
        return ConsumerDay(delivered=delivered, clicks=np.array(self.clicks), messages=msg,
                           offers=OfferDay(fees=fees), orders=orders, joins=joins)


class ReferenceModel(TrafficModel):
    """TrafficModel with :class:`ReferenceConsumers` in its consumer-update slot (nothing else differs)."""

    def __init__(self, config=None, seed=None, **kwargs):
        super().__init__(config, seed, consumer_update=ReferenceConsumers, **kwargs)

    @property
    def reference_seconds(self) -> float:
        return self.consumer_update.reference_seconds
