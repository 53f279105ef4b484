"""Purchases: occasions, organic search, logit choice, settlement and attribution.

docs/MODEL.md §3 step 6, §9 "Choice" and "Attribution". A consumer with an occasion in a
category chooses among the brands she considers or buys nothing; clicks and messages add impulse
orders. Every order is settled once per (consumer, brand) and gets one channel.
"""

from __future__ import annotations

import numpy as np

from .. import choice as ch
from .. import fatigue as fat
from .component import Component
from .records import Orders, PoolDay, Today, Touched


class Purchases(Component):
    """The day's orders: who buys which brand, what it costs and which channel gets it."""

    node = "choice"
    owns = ("orders",)
    writes = ("coupon", "trust", "awareness")
    streams = ("occasions", "choice")

    def step(self, today: Today, touched: Touched, msgs: PoolDay) -> Orders:
        cfg, st, rs, table = self.cfg, self.state, self.model.streams, self.model.brand_table
        N, B = st.awareness.shape
        C = len(cfg.categories)
        u_occ = rs["occasions"].random((N, C), dtype=np.float32)
        u_search = rs["occasions"].random((N, C), dtype=np.float32)
        u_choice = rs["choice"].random((N, C), dtype=np.float32)
        occ = ch.occasions(u_occ, st.needs, st.rate_mult, table.interval, today.occasion_mult)
        oi, ob = [], []
        for c in range(C):
            sellers = np.flatnonzero(today.alive & (table.category == c))
            rows = np.flatnonzero(occ[:, c])
            if sellers.size == 0 or rows.size == 0:
                continue
            pick = self.choose(today.day, c, rows, sellers, touched.touched, u_search[rows, c], u_choice[rows, c])
            ok = pick >= 0
            oi.append(rows[ok])
            ob.append(sellers[pick[ok]])
        oi += [touched.impulse_i, msgs.respond_i]
        ob += [touched.impulse_b, msgs.respond_b]
        key = np.unique(np.concatenate(oi).astype(np.int64) * B + np.concatenate(ob))
        o_i, o_b = (key // B).astype(np.int64), (key % B).astype(np.int64)
        return self.settle(today.day, o_i, o_b, touched.clicked[o_i, o_b])

    def choose(self, t: int, c: int, rows: np.ndarray, sellers: np.ndarray, touched: np.ndarray,
               u_search: np.ndarray, u_choice: np.ndarray) -> np.ndarray:
        """Index into ``sellers`` of each occasion's choice, -1 for the outside option."""
        cfg, st, table = self.cfg, self.state, self.model.brand_table
        cc = cfg.choice
        # gather the occasion rows first (contiguous copies), then the category's brand columns
        cols = slice(sellers[0], sellers[-1] + 1) if sellers[-1] - sellers[0] + 1 == sellers.size else sellers

        def gather(a: np.ndarray) -> np.ndarray:
            return a[rows][:, cols]

        tier = gather(st.tier)
        touched = gather(touched)
        consider = (gather(st.awareness) >= cc.consideration_threshold) | (tier > 0) | touched
        # organic search: a searching consumer finds one brand, weighted toward quality and recent sales
        rate = float(np.mean([p.organic_search_rate for p in cfg.platforms]))
        searching = u_search < rate
        if searching.any():
            N = st.awareness.shape[0]
            recent = self.model.history.series["orders"][-30:, sellers].sum(axis=0) / max(N, 1) * 100
            plat = table.platform[sellers]
            w_q = np.array([cfg.platforms[p].quality_weight for p in plat])
            w_e = np.array([cfg.platforms[p].organic_exponent for p in plat])
            weight = table.quality[sellers] ** w_q * (1 + recent) ** w_e
            wi = st.on_platform[np.ix_(rows[searching], plat)] * weight[None, :]
            cum = np.cumsum(wi, axis=1)
            tot = cum[:, -1]
            x = (u_search[searching] / rate) * tot
            found = np.argmax(x[:, None] < cum, axis=1)
            has = tot > 0
            consider[np.flatnonzero(searching)[has], found[has]] = True
        sens = st.price_sens[rows][:, None]
        price = table.price[sellers][None, :]
        valid_coupon = (t - gather(st.coupon_day)) < cc.attribution_window_days
        coupon = np.where(valid_coupon, gather(st.coupon) * np.exp(-gather(st.coupon_fatigue)), 0)
        hill = fat.hill(gather(st.adstock), cfg.ads.hill_half, cfg.ads.hill_shape)
        V = (cc.beta_quality * table.quality[sellers][None, :]
             - cc.beta_price * sens * np.log(price / table.reference_price[c])
             + cc.beta_trust * gather(st.trust) + cc.beta_ad * hill
             + cc.beta_coupon * coupon / price + cc.beta_tier * tier
             + cc.beta_habit * (gather(st.orders) > 0) + cc.beta_touch * touched)
        return ch.logit_pick(V, consider, cfg.categories[c].outside_utility, u_choice)

    def settle(self, t: int, o_i: np.ndarray, o_b: np.ndarray, clicked: np.ndarray) -> Orders:
        """Channel, coupon redeemed, commission and referral of each order; the buyer's own updates."""
        cfg, st, table = self.cfg, self.state, self.model.brand_table
        win = cfg.choice.attribution_window_days
        idx = (o_i, o_b)
        new = st.orders[idx] == 0
        channel = ch.attribute(t, win, st.tier[idx] > 0, st.t_private[idx], st.t_alliance[idx],
                               st.t_paid[idx], st.t_wom[idx])
        price = table.price[o_b]
        valid = ((t - st.coupon_day[idx]) < win) & (st.coupon[idx] > 0)
        discount = np.where(valid, np.minimum(st.coupon[idx].astype(float), price), 0.0)
        st.coupon[idx] = np.where(valid, 0, st.coupon[idx])
        revenue = price - discount
        off_platform = ((channel == ch.PRIVATE) & ~table.hosted[o_b]) | (channel == ch.ALLIANCE)
        commission = np.where(off_platform, 0.0, table.commission[o_b] * revenue)
        cogs = table.unit_cost[o_b]
        referral = np.where(new & (channel == ch.WOM), table.referral_reward[o_b], 0.0)
        st.orders[idx] += 1
        st.trust[idx] += np.float32(cfg.choice.trust_from_purchase) * (1 - st.trust[idx])
        st.awareness[idx] = 1
        return Orders(consumer=o_i, brand=o_b, new=new, channel=channel, price=price, discount=discount,
                      revenue=revenue, cogs=cogs, commission=commission, referral=referral,
                      contribution=revenue - cogs - commission, clicked=clicked)
