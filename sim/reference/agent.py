"""The per-agent reference's consumer: one ``mesa.Agent`` per consumer, state in Python lists.

:class:`ReferenceConsumer` keeps one entry per brand and updates itself in ``step_exposure`` (ads,
tolerance cap, ad stock, private messages and partner offers) and ``step_purchase`` (clicks, word
of mouth, choice, orders), with Python's ``random`` (``model.random``). The day's shared inputs
and tallies live on the consumer-update slot, :class:`sim.reference.model.ReferenceConsumers`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from ..engine.model import TrafficModel
    from .model import ReferenceConsumers

PER_BRAND = ("awareness", "trust", "adstock", "coupon", "coupon_fatigue", "irritation", "tier", "muted", "group",
             "orders", "last_attended", "last_reached", "t_private", "t_alliance", "t_paid", "t_wom", "coupon_day")


class ReferenceConsumer(mesa.Agent):
    """One consumer; its state is a list per brand (index b) plus a few traits."""

    def __init__(self, model: TrafficModel, index: int):
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
        self.in_segment = [bool(x) for x in model.auctions.in_segment[index]]
        g = model.graph
        self.neighbours = [int(j) for j in g.indices[g.indptr[index]:g.indptr[index + 1]]]
        for name in PER_BRAND:
            setattr(self, name, getattr(st, name)[index].tolist())

    # ------------------------------------------------------------------ morning: ads and messages
    def step_exposure(self) -> None:
        m: ReferenceConsumers = self.model.consumer_update
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
        m: ReferenceConsumers = self.model.consumer_update
        day, pc, rnd = m.ref_day, m.cfg.private, self.random
        B = m.n_brands
        push = m.plan_pushes
        self.respond = [False] * B
        self.offer_read = [False] * B
        for b in range(B):
            self.coupon_fatigue[b] *= pc.coupon_fatigue_decay
            self.irritation[b] *= pc.irritation_decay
        mine = [b for b in range(B) if self.tier[b] > 0]
        if not mine:
            return
        received = {b: push.all[b] for b in mine
                    if not self.muted[b] and push.all[b] > 0 and rnd.random() < push.reach[b]}
        m_total = sum(received.values())
        for b in mine:
            k = received.get(b, 0)
            activity = m.pools.group_activity[b][self.group[b]] if self.group[b] >= 0 else 0.0
            share = min(1.0, self.attention / m_total) if pc.attention_limit_enabled and m_total > 0 else 1.0
            rho = min(1.0, share * activity * (1 + pc.tier3_read_bonus * (self.tier[b] == 3)))
            x = k * rho
            reads = math.floor(x) + (1 if rnd.random() < x - math.floor(x) else 0)
            k_all = push.all[b]
            c_reads = reads * push.content[b] / k_all if k_all else 0.0
            q_reads = reads * push.coupon[b] / k_all if k_all else 0.0
            o_reads = reads * push.offer[b] / k_all if k_all else 0.0
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
            coupons_received = (push.coupon[b] + push.rival[b]) if b in received else 0
            self.irritation[b] += pc.irritation_per_coupon * coupons_received + pc.irritation_per_unread * unread
            self.annoyance += pc.annoyance_per_unread * unread
            pull = min(1.0, pc.pull_forward_days / m.table.interval[m.table.category[b]])
            h_resp = mode.message_response * pull * (c_reads + pc.coupon_response * q_reads
                                                     * math.exp(-self.coupon_fatigue[b]))
            if rnd.random() < h_resp and self.tier[b] > 0 and not self.muted[b]:
                self.respond[b] = True
            # partner offers read in this pool: the partner gains awareness, trust and a coupon
            for p, _n, al in push.offers_for.get(b, []):
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
            rival = push.rival[b] / push.offer[b] if push.offer[b] > 0 else 0.0
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
        m: ReferenceConsumers = self.model.consumer_update
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
                    impulse[b] = u < m.table.impulse_rate[m.table.category[b]] * h_paid
                else:
                    self.t_wom[b] = day
        for b in range(B):
            touched = self.touched[b] or self.offer_read[b]
            self.touched[b] = touched
            if cfg.choice.awareness_decay and self.orders[b] == 0 and not touched:
                self.awareness[b] *= 1 - cfg.choice.awareness_decay
        wanted = set()
        for c in range(len(cfg.categories)):
            p = min(1.0, m.plan_occ_mult * self.rate_mult / m.table.interval[c])
            if self.needs[c] and rnd.random() < p:
                b = self._choose(c)
                if b is not None:
                    wanted.add(b)
        wanted |= {b for b in range(B) if impulse[b] and m.plan_alive[b]}
        wanted |= {b for b in range(B) if self.respond[b]}
        for b in sorted(wanted):
            m.settle(self, b)

    def _choose(self, c: int) -> int | None:
        m: ReferenceConsumers = self.model.consumer_update
        cfg, rnd, day = m.cfg, self.random, m.ref_day
        cc = cfg.choice
        brands = [b for b in range(m.n_brands) if m.plan_alive[b] and m.table.category[b] == c]
        if not brands:
            return None
        consider = {b for b in brands if self.awareness[b] >= cc.consideration_threshold or self.tier[b] > 0
                    or self.touched[b]}
        rate = sum(p.organic_search_rate for p in cfg.platforms) / len(cfg.platforms)
        if rnd.random() < rate:
            weights = [m.search_weight[b] * self.on_platform[m.table.platform[b]] for b in brands]
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
            price = m.table.price[b]
            coupon = self.coupon[b] * math.exp(-self.coupon_fatigue[b]) if day - self.coupon_day[b] < \
                cc.attribution_window_days else 0.0
            x = max(self.adstock[b], 0.0) ** cfg.ads.hill_shape
            hill = x / (x + cfg.ads.hill_half ** cfg.ads.hill_shape)
            utilities[b] = (cc.beta_quality * m.table.quality[b] - cc.beta_price * self.price_sens
                            * math.log(price / m.table.reference_price[c]) + cc.beta_trust * self.trust[b]
                            + cc.beta_ad * hill
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


