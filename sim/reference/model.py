"""A per-agent reference of the consumer update, written the way a typical Mesa user would.

One :class:`ReferenceConsumer` (a ``mesa.Agent``) per consumer keeps its state in Python lists
(one entry per brand) and updates itself in ``step_exposure`` (ads, tolerance cap, ad stock,
private messages) and ``step_purchase`` (clicks, word of mouth, choice, orders, joining a pool),
with Python's ``random`` (``model.random``). :class:`ReferenceModel` reuses everything brand-side
from :class:`sim.model.TrafficModel` (decisions, auctions, pushes, ledger, metrics) and replaces
only :meth:`TrafficModel._consumers`, so the two differ in the consumer update alone.

It is a test oracle (tests/validation/test_differential.py) and the benchmark's baseline
(``sim bench``), not a second engine: it follows the engine's rules in plain Python, with its
own random draws, so the two agree in distribution, not draw for draw.
"""

from __future__ import annotations

import math
import time
from typing import Any

import mesa
import numpy as np

from .. import choice as ch
from .. import pools
from ..model import TrafficModel
from ..records import ConsumerDay, PoolDay

PER_BRAND = ("awareness", "trust", "adstock", "coupon", "coupon_fatigue", "irritation", "tier", "muted", "group",
             "orders", "last_attended", "last_reached", "t_private", "t_alliance", "t_paid", "t_wom", "coupon_day")


class ReferenceConsumer(mesa.Agent):
    """One consumer; its state is a list per brand (index b) plus a few traits."""

    def __init__(self, model: ReferenceModel, index: int):
        super().__init__(model)
        st = model.state
        self.index = index
        self.needs = [bool(x) for x in st.needs[index]]
        self.rate_mult = float(st.rate_mult[index])
        self.price_sens = float(st.price_sens[index])
        self.tolerance = int(st.tolerance[index])
        self.slots = int(st.slots[index])
        self.attention = float(st.attention[index])
        self.on_platform = [bool(x) for x in st.on_platform[index]]
        self.annoyance = float(st.annoyance[index])
        self.in_segment = [bool(x) for x in model.in_segment[index]]
        g = model.graph
        self.neighbours = [int(j) for j in g.indices[g.indptr[index]:g.indptr[index + 1]]]
        for name in PER_BRAND:
            setattr(self, name, getattr(st, name)[index].tolist())

    # ------------------------------------------------------------------ morning: ads and messages
    def step_exposure(self) -> None:
        m: ReferenceModel = self.model
        day, cfg, rnd = m.ref_day, m.cfg, self.random
        B = m.n_brands
        a = cfg.ads
        window = cfg.fatigue.window_days
        # delivery: floor(λ) impressions plus one more with probability frac(λ), in the brand's segment
        n_imp = [0] * B
        for b in range(B):
            if self.in_segment[b]:
                lam = m.plan_lam[b]
                n_imp[b] = int(math.floor(lam)) + (1 if rnd.random() < lam - math.floor(lam) else 0)
        # tolerance cap: brands attended in the window stay attended; new ones fill free places in random order
        reached = [n > 0 for n in n_imp]
        attended = list(reached)
        if cfg.fatigue.enabled:
            in_window = [day - self.last_attended[b] < window for b in range(B)]
            remembered = sum(in_window)
            if remembered > self.tolerance:
                today = [b for b in range(B) if reached[b]]
                rnd.shuffle(today)
                keep = set(today[:self.tolerance])
            else:
                new = [b for b in range(B) if reached[b] and not in_window[b]]
                rnd.shuffle(new)
                keep = {b for b in range(B) if reached[b] and in_window[b]} | set(new[:self.tolerance - remembered])
            attended = [reached[b] and b in keep for b in range(B)]
        self.eff = [0.0] * B
        wasted_total = 0.0
        m.day_wasted.append([0.0] * B)
        m.day_imps.append(n_imp)
        for b in range(B):
            n_att = n_imp[b] if attended[b] else 0
            eff = min(n_att, a.wearout_frequency)
            excess = n_att - eff
            wasted = (n_imp[b] - n_att) + excess
            m.day_wasted[-1][b] = wasted
            wasted_total += wasted
            if attended[b]:
                self.last_attended[b] = day
            if reached[b]:
                self.last_reached[b] = day
            if eff > 0:
                self.t_paid[b] = day
            self.adstock[b] = a.adstock_decay * self.adstock[b] + eff
            self.trust[b] = max(0.0, self.trust[b] - a.wearout_trust_penalty * excess)
            self.awareness[b] = 1 - (1 - self.awareness[b]) * (1 - a.awareness_per_exposure) ** eff
            self.eff[b] = eff
        self.annoyance = cfg.fatigue.annoyance_decay * self.annoyance + a.annoyance_per_wasted * wasted_total
        self._messages()

    def _messages(self) -> None:
        m: ReferenceModel = self.model
        day, pc, rnd = m.ref_day, m.cfg.private, self.random
        B = m.n_brands
        pu = m.plan_pushes
        self.respond = [False] * B
        self.offer_read = [False] * B
        for b in range(B):
            self.coupon_fatigue[b] *= pc.coupon_fatigue_decay
            self.irritation[b] *= pc.irritation_decay
        mine = [b for b in range(B) if self.tier[b] > 0]
        if not mine:
            return
        received = {b: pu["all"][b] for b in mine
                    if not self.muted[b] and pu["all"][b] > 0 and rnd.random() < pu["reach"][b]}
        m_total = sum(received.values())
        for b in mine:
            k = received.get(b, 0)
            activity = m.group_activity[b][self.group[b]] if self.group[b] >= 0 else 0.0
            share = min(1.0, self.attention / m_total) if pc.attention_limit_enabled and m_total > 0 else 1.0
            rho = min(1.0, share * activity * (1 + pc.tier3_read_bonus * (self.tier[b] == 3)))
            x = k * rho
            reads = math.floor(x) + (1 if rnd.random() < x - math.floor(x) else 0)
            k_all = pu["all"][b]
            c_reads = reads * pu["content"][b] / k_all if k_all else 0.0
            q_reads = reads * pu["coupon"][b] / k_all if k_all else 0.0
            o_reads = reads * pu["offer"][b] / k_all if k_all else 0.0
            m.msg_sent[b] += k
            m.msg_read[b] += reads
            if c_reads + q_reads > 0:
                self.t_private[b] = day
            mode = pc.modes[m.brands[b].strategy.mode]
            self.trust[b] += mode.content_value * c_reads * (1 - self.trust[b])
            if q_reads > 0:
                self.coupon[b] = m.brands[b].strategy.coupon_value
                self.coupon_day[b] = day
            self.coupon_fatigue[b] += pc.coupon_fatigue_per_coupon * q_reads
            unread = k - reads
            coupons_received = (pu["coupon"][b] + pu["rival"][b]) if b in received else 0
            self.irritation[b] += pc.irritation_per_coupon * coupons_received + pc.irritation_per_unread * unread
            self.annoyance += pc.annoyance_per_unread * unread
            pull = min(1.0, pc.pull_forward_days / m.c_interval[m.b_cat[b]])
            h_resp = mode.message_response * pull * (c_reads + pc.coupon_response * q_reads
                                                     * math.exp(-self.coupon_fatigue[b]))
            if rnd.random() < h_resp and self.tier[b] > 0 and not self.muted[b]:
                self.respond[b] = True
            # partner offers read in this pool: the partner gains awareness, trust and a coupon
            for p, _n, al in pu["offers_for"].get(b, []):
                if o_reads > 0:
                    self.offer_read[p] = True
                    self.awareness[p] = 1.0
                    self.t_alliance[p] = day
                    if m.cfg.alliances.trust_transfer_enabled:
                        self.trust[p] += al.trust_transfer * max(0.0, self.trust[b] - self.trust[p])
                    self.coupon[p] = al.coupon_value
                    self.coupon_day[p] = day
            if b in received:
                m.offer_delivered[b] += 1
            rival = pu["rival"][b] / pu["offer"][b] if pu["offer"][b] > 0 else 0.0
            if self.group[b] >= 0:
                g = m.group_reads[b].setdefault(self.group[b], [0.0, 0.0, 0.0])
                g[0] += c_reads
                g[1] += q_reads + o_reads * rival
                g[2] += o_reads
            # tier: up with the content read, else down with irritation; then mutes and exits
            u = rnd.random()
            p_up = 1 - (1 - mode.tier_up) ** c_reads
            p_down = min(1.0, pc.tier_down_rate * self.irritation[b])
            if u < p_up and self.tier[b] < 3:
                self.tier[b] += 1
            elif u > 1 - p_down and self.tier[b] > 1:
                self.tier[b] -= 1
            u = rnd.random()
            if self.muted[b]:
                if u < pc.exit_rate_muted:
                    m.leave(self, b)
                    m.exits[b] += 1
            elif u < min(1.0, pc.mute_rate * max(self.irritation[b] + self.annoyance - pc.mute_threshold, 0.0)):
                self.muted[b] = True
                m.mutes[b] += 1

    # ------------------------------------------------------------------ afternoon: touches and purchases
    def step_purchase(self) -> None:
        m: ReferenceModel = self.model
        day, cfg, rnd = m.ref_day, m.cfg, self.random
        B = m.n_brands
        a = cfg.ads
        self.touched = [False] * B
        impulse = [False] * B
        self.clicked = [False] * B
        ctr = a.ctr * math.exp(-a.annoyance_ctr_drag * self.annoyance)
        for b in range(B):
            h_paid = ctr * self.eff[b]
            h_wom = 0.0
            if cfg.wom.enabled and cfg.wom.rate > 0 and m.plan_alive[b] and self.neighbours:
                src = sum(m.wom_source[j][b] for j in self.neighbours) / len(self.neighbours)
                reward = m.brands[b].strategy.referral_reward
                h_wom = cfg.wom.rate * (1 + cfg.wom.referral_boost_per_rmb * reward) * src
            u = rnd.random()
            if u < min(1.0, h_paid + h_wom):
                self.touched[b] = True
                self.awareness[b] = 1.0
                if u < h_paid:
                    self.clicked[b] = True
                    m.clicks[b] += 1
                    impulse[b] = u < m.c_impulse[m.b_cat[b]] * h_paid
                else:
                    self.t_wom[b] = day
        for b in range(B):
            touched = self.touched[b] or self.offer_read[b]
            self.touched[b] = touched
            if cfg.choice.awareness_decay and self.orders[b] == 0 and not touched:
                self.awareness[b] *= 1 - cfg.choice.awareness_decay
        wanted = set()
        for c in range(len(cfg.categories)):
            p = min(1.0, m.plan_occ_mult * self.rate_mult / m.c_interval[c])
            if self.needs[c] and rnd.random() < p:
                b = self._choose(c)
                if b is not None:
                    wanted.add(b)
        wanted |= {b for b in range(B) if impulse[b] and m.plan_alive[b]}
        wanted |= {b for b in range(B) if self.respond[b]}
        for b in sorted(wanted):
            m.settle(self, b)

    def _choose(self, c: int) -> int | None:
        m: ReferenceModel = self.model
        cfg, rnd, day = m.cfg, self.random, m.ref_day
        cc = cfg.choice
        brands = [b for b in range(m.n_brands) if m.plan_alive[b] and m.b_cat[b] == c]
        if not brands:
            return None
        consider = {b for b in brands if self.awareness[b] >= cc.consideration_threshold or self.tier[b] > 0
                    or self.touched[b]}
        rate = sum(p.organic_search_rate for p in cfg.platforms) / len(cfg.platforms)
        if rnd.random() < rate:
            weights = [m.search_weight[b] * self.on_platform[m.b_plat[b]] for b in brands]
            total = sum(weights)
            if total > 0:
                x, acc = rnd.random() * total, 0.0
                for b, w in zip(brands, weights, strict=True):
                    acc += w
                    if x < acc:
                        consider.add(b)
                        break
        if not consider:
            return None
        utilities = {}
        for b in consider:
            price = m.b_price[b]
            coupon = self.coupon[b] * math.exp(-self.coupon_fatigue[b]) if day - self.coupon_day[b] < \
                cc.attribution_window_days else 0.0
            x = max(self.adstock[b], 0.0) ** cfg.ads.hill_shape
            hill = x / (x + cfg.ads.hill_half ** cfg.ads.hill_shape)
            utilities[b] = (cc.beta_quality * m.b_quality[b] - cc.beta_price * self.price_sens
                            * math.log(price / m.c_ref_price[c]) + cc.beta_trust * self.trust[b] + cc.beta_ad * hill
                            + cc.beta_coupon * coupon / price + cc.beta_tier * self.tier[b]
                            + cc.beta_habit * (self.orders[b] > 0) + cc.beta_touch * self.touched[b])
        outside = cfg.categories[c].outside_utility
        top = max(max(utilities.values()), outside)
        weights = {b: math.exp(v - top) for b, v in utilities.items()}
        total = math.exp(outside - top) + sum(weights.values())
        x = rnd.random() * total - math.exp(outside - top)
        if x < 0:
            return None
        for b in sorted(weights):
            x -= weights[b]
            if x < 0:
                return b
        return max(weights)


class ReferenceModel(TrafficModel):
    """TrafficModel with the consumer update done by one Python agent per consumer.

    The agents are made from the population arrays on the first simulated day, so the
    reference is for runs without warm-up or arms (the benchmark and the differential test).
    """

    def _dissolve_pool(self, b: int) -> None:
        """A brand that exits loses its pool: in the arrays (brand side) and in the agents."""
        super()._dissolve_pool(b)
        for agent in getattr(self, "ref_agents", []):
            if agent.tier[b] > 0:
                agent.tier[b], agent.muted[b], agent.group[b] = 0, False, -1

    def _consumers(self, t: int, lam: np.ndarray, alive: np.ndarray, occ_mult: float,
                   act_boost: float) -> ConsumerDay:
        if not hasattr(self, "ref_agents"):  # created from the population arrays on the first day (not timed)
            self.ref_agents = [ReferenceConsumer(self, i) for i in range(self.N)]
            self.reference_seconds = 0.0  # time in the agents' steps alone (sim bench)
        started = time.perf_counter()
        B, cfg = self.n_brands, self.cfg
        self.ref_day, self.plan_lam, self.plan_alive, self.plan_occ_mult = t, [float(x) for x in lam], alive, occ_mult
        self.day_imps, self.day_wasted = [], []
        self.msg_sent, self.msg_read, self.mutes, self.exits = [0.0] * B, [0.0] * B, [0.0] * B, [0.0] * B
        self.offer_delivered, self.clicks = [0] * B, [0] * B
        self.group_reads: list[dict[int, list[float]]] = [{} for _ in range(B)]
        self.orders_today: list[tuple[int, int, dict[str, Any]]] = []
        members = (self.state.tier > 0).sum(axis=0)  # yesterday's, as synced by _to_arrays
        self.plan_pushes = self._pushes(t, alive) if members.any() else None
        content_cost = np.zeros(B)
        agents = self.agents_by_type[ReferenceConsumer]
        if self.plan_pushes is not None:
            cols = [b for b in range(B) if members[b]]
            content_cost[cols] = self.plan_pushes["content"][cols] * self.plan_pushes["content_cost"][cols] / self.scale
        else:  # no pool has members: nothing is pushed
            self.plan_pushes = {k: np.zeros(B) for k in ("all", "content", "coupon", "offer", "rival")}
            self.plan_pushes.update(offers_for={}, reach=np.ones(B))
        agents.do("step_exposure")
        self._update_groups(act_boost)
        # word-of-mouth sources as they stand after the morning (customers, plus loyal members)
        w = cfg.wom.advocate_weight
        self.wom_source = [[(ag.orders[b] > 0) + w * (ag.tier[b] == 3) for b in range(B)] for ag in self.ref_agents]
        recent = self._hist["orders"][-30:].sum(axis=0) / max(self.N, 1) * 100
        self.search_weight = [self.b_quality[b] ** cfg.platforms[self.b_plat[b]].quality_weight
                              * (1 + recent[b]) ** cfg.platforms[self.b_plat[b]].organic_exponent for b in range(B)]
        agents.do("step_purchase")
        joins, incentives = self._join_ref(alive)
        self.reference_seconds += time.perf_counter() - started
        return self._to_arrays(t, content_cost, joins, incentives)

    # ------------------------------------------------------------------ brand-side glue
    def _update_groups(self, act_boost: float) -> None:
        for b in range(self.n_brands):
            G = self.group_counts[b].size
            if G == 0 or not (self.state.tier[:, b] > 0).any():
                continue
            sums = np.zeros((3, G))
            for g, v in self.group_reads[b].items():
                sums[:, g] = v
            self._update_group_activity(b, sums[0], sums[1], sums[2], self.plan_pushes["offers_for"], act_boost)

    def leave(self, agent: ReferenceConsumer, b: int) -> None:
        self.group_counts[b][agent.group[b]] -= 1
        agent.tier[b], agent.muted[b], agent.group[b] = 0, False, -1

    def settle(self, agent: ReferenceConsumer, b: int) -> None:
        """One order: channel attribution, coupon, commission, then the consumer's own updates."""
        cfg, day = self.cfg, self.ref_day
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
        price = float(self.b_price[b])
        discount = 0.0
        if day - agent.coupon_day[b] < win and agent.coupon[b] > 0:
            discount = min(float(np.float32(agent.coupon[b])), price)
            agent.coupon[b] = 0.0
        revenue = price - discount
        s = self.brands[b].strategy
        off_platform = (channel == ch.PRIVATE and s.pool_location != "hosted") or channel == ch.ALLIANCE
        commission = 0.0 if off_platform else float(self.b_commission[b]) * revenue
        new = agent.orders[b] == 0
        referral = s.referral_reward if new and channel == ch.WOM else 0.0
        cogs = float(self.b_cost[b])
        agent.orders[b] += 1
        agent.trust[b] += cfg.choice.trust_from_purchase * (1 - agent.trust[b])
        agent.awareness[b] = 1.0
        self.orders_today.append((agent.index, b, {
            "new": new, "channel": channel, "price": price, "discount": discount, "revenue": revenue, "cogs": cogs,
            "commission": commission, "referral": referral, "contribution": revenue - cogs - commission,
            "clicked": agent.clicked[b]}))

    def _join_ref(self, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Buyers of a pool brand accept its join offer; slots and the brand's room are filled in random order."""
        B, pc = self.n_brands, self.cfg.private
        joins, incentives = np.zeros(B), np.zeros(B)
        members = [sum(ag.tier[b] > 0 for ag in self.ref_agents) for b in range(B)]  # after today's exits
        accepted = []
        for i, b, _ in self.orders_today:
            s = self.brands[b].strategy
            ag = self.ref_agents[i]
            if s.run_pool and alive[b] and ag.tier[b] == 0:
                if self.random.random() < pools.join_probability(s.join_incentive, pc.join_base, pc.join_per_rmb,
                                                                 pc.join_max):
                    accepted.append((ag, b))
        self.random.shuffle(accepted)
        used = {}
        for ag, b in accepted:
            n_used = used.setdefault(ag.index, sum(x > 0 for x in ag.tier))
            if n_used >= ag.slots or members[b] >= self.brands[b].capacity:
                continue
            used[ag.index] += 1
            members[b] += 1
            gid, self.group_counts[b] = pools.assign_groups(self.group_counts[b], 1, self.group_size)
            if self.group_activity[b].size < self.group_counts[b].size:
                self.group_activity[b] = np.r_[self.group_activity[b], self.cfg.private.activity_initial]
            ag.tier[b], ag.muted[b], ag.group[b], ag.irritation[b] = 1, False, int(gid[0]), 0.0
            joins[b] += 1
            incentives[b] += self.brands[b].strategy.join_incentive
        return joins, incentives

    def _to_arrays(self, t: int, content_cost: np.ndarray, joins: np.ndarray, incentives: np.ndarray
                   ) -> ConsumerDay:
        """Write the agents' state back to the population arrays the brand side reads; the day's results."""
        st, B = self.state, self.n_brands
        for name in PER_BRAND:
            getattr(st, name)[:] = np.array([getattr(ag, name) for ag in self.ref_agents],
                                            dtype=getattr(st, name).dtype)
        st.annoyance[:] = [ag.annoyance for ag in self.ref_agents]
        fees = np.zeros((B, B))
        for carrier, offers in self.plan_pushes["offers_for"].items():
            for p, n, al in offers:
                fees[p, carrier] += n * self.offer_delivered[carrier] * al.fee_per_offer
        msg = PoolDay(content_cost=content_cost, alliance_fees=fees, sent=np.array(self.msg_sent),
                      read=np.array(self.msg_read), mutes=np.array(self.mutes), exits=np.array(self.exits))
        rows = sorted(self.orders_today, key=lambda r: (r[0], r[1]))
        o_i = np.array([r[0] for r in rows], dtype=np.int64)
        o_b = np.array([r[1] for r in rows], dtype=np.int64)
        keys = ("new", "channel", "price", "discount", "revenue", "cogs", "commission", "referral", "contribution",
                "clicked")
        dtypes = {"new": bool, "channel": np.int8, "clicked": bool}
        orders = {k: np.array([r[2][k] for r in rows], dtype=dtypes.get(k, float)) for k in keys}
        return ConsumerDay(impressions=np.array(self.day_imps, dtype=np.float32),
                           wasted=np.array(self.day_wasted, np.float32), clicks=np.array(self.clicks), messages=msg,
                           order_consumer=o_i, order_brand=o_b, orders=orders, joins=joins, incentives=incentives)
