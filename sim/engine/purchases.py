"""Purchases: occasions, organic search, logit choice, settlement and attribution.

docs/MODEL.md §3 step 6, §9 "Choice" and "Attribution". A consumer with an occasion in a
category chooses among the brands she considers or buys nothing; clicks and messages add impulse
orders. Every order is settled once per (consumer, brand) and gets one channel.
"""

from __future__ import annotations

import math

import numpy as np

from .. import arrays as ar
from .. import choice as ch
from ..rng import stream_key
from . import kernels
from .component import Component
from .records import Menu, Orders, PoolDay, Today, Touched


class Purchases(Component):
    """The day's orders: who buys which brand, what it costs and which channel gets it."""

    node = "choice"
    owns = ("orders",)
    writes = ("coupon", "trust", "awareness")
    streams = ("occasions", "choice")  # counter-based (sim.engine.kernels.choice_rows)

    def __init__(self, model):
        super().__init__(model)
        self.occasion_key = stream_key(model.seed_sequence, "occasions")
        self.choice_key = stream_key(model.seed_sequence, "choice")
        self.day_buffers = kernels.DayBuffers()

    def step(self, today: Today, touched: Touched, msgs: PoolDay) -> Orders:
        cfg, st = self.cfg, self.state
        N, B = st.awareness.shape
        C = len(cfg.categories)
        menu = self.menu(today)
        (pick,) = self.day_buffers.get((N, C), np.int16, 1)
        # one pass over each consumer's row: occasions, consideration, search, utilities, logit pick
        kernels.choice_rows(today.day, self.occasion_key, self.choice_key, today.occasion_mult, menu.coef,
                            menu.interval, menu.outside, menu.n_sellers, menu.sellers, menu.platform, menu.terms,
                            st.needs, st.rate_mult, st.price_sens, st.on_platform, st.awareness, st.tier,
                            touched.touched, st.trust, st.adstock, st.coupon, st.coupon_fatigue, st.coupon_day,
                            st.orders, pick)
        oi, ob = [touched.impulse_i, msgs.respond_i], [touched.impulse_b, msgs.respond_b]
        for c in range(C):
            rows = np.flatnonzero(pick[:, c] >= 0)
            oi.append(rows)
            ob.append(menu.sellers[c, pick[rows, c]])
        key = np.unique(np.concatenate(oi).astype(np.int64) * B + np.concatenate(ob))
        o_i, o_b = (key // B).astype(np.int64), (key % B).astype(np.int64)
        return self.settle(today.day, o_i, o_b, touched.clicked[o_i, o_b])

    def menu(self, today: Today) -> Menu:
        """The day's brand-level choice terms: each category's sellers and what their utility owes to them."""
        cfg, table = self.cfg, self.model.brand_table
        cc, C = cfg.choice, len(cfg.categories)
        live = np.flatnonzero(today.alive)
        live_category = table.category[live]
        by_category = [np.flatnonzero(live_category == c) for c in range(C)]  # positions in `live`
        K = max(k.size for k in by_category)
        sellers, platform = np.zeros((C, K), np.int64), np.zeros((C, K), np.int64)
        terms = np.ones((C, 4, K))
        # every brand in the market at once, element by element the numbers a category's own pass gives
        plat, price, quality = table.platform[live], table.price[live], table.quality[live]
        log_price = ar.libm(math.log, price / table.reference_price[live_category])
        # organic search weight: quality and the last 30 days' sales per 100 consumers
        recent = self.model.history.last("orders", 30)[:, live].sum(axis=0) / max(self.state.n, 1) * 100
        quality_weight = np.array([p.quality_weight for p in cfg.platforms])[plat]
        organic_exponent = np.array([p.organic_exponent for p in cfg.platforms])[plat]
        search = ar.libm(math.pow, quality, quality_weight) * ar.libm(math.pow, 1 + recent, organic_exponent)
        for c, k in enumerate(by_category):
            sellers[c, :k.size], platform[c, :k.size] = live[k], plat[k]
            terms[c, :, :k.size] = (cc.beta_quality * quality[k], log_price[k], price[k], search[k])
        a = cfg.ads
        coef = np.array([cc.consideration_threshold, float(np.mean([p.organic_search_rate for p in cfg.platforms])),
                         cc.beta_price, cc.beta_trust, cc.beta_ad, cc.beta_coupon, cc.beta_tier, cc.beta_habit,
                         cc.beta_touch, a.hill_half**a.hill_shape, a.hill_shape, cc.attribution_window_days])
        return Menu(sellers=sellers, n_sellers=np.array([k.size for k in by_category]), platform=platform,
                    terms=terms, coef=coef, interval=np.asarray(table.interval, float),
                    outside=np.array([cat.outside_utility for cat in cfg.categories], float))

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
