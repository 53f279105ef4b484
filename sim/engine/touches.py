"""Touches: clicks on ads and word of mouth; impulse orders from clicks; forgetting.

docs/MODEL.md §3 step 5b, §9 "Touches" and "Word of mouth". The click hazard falls with
annoyance; word of mouth comes from neighbours who are customers or loyal members. Hazards add,
capped at 1, and one uniform per pair (the attention stream's touch draw) decides both touches.
"""

from __future__ import annotations

import numpy as np

from .. import arrays as ar
from .. import wom
from .component import Component
from .records import Exposed, OfferDay, Today, Touched

f32 = np.float32


class Touches(Component):
    """Who is touched by which brand today, and the impulse orders that follow a click."""

    node = "wom"
    owns = ("t_wom",)
    writes = ("awareness",)

    def __init__(self, model):
        super().__init__(model)
        self.neighbour_share = wom.NeighbourShare(model.graph)

    def step(self, today: Today, seen: Exposed, offers: OfferDay) -> Touched:
        cfg, st, t, alive = self.cfg, self.state, today.day, today.alive
        N, B = st.awareness.shape
        a = cfg.ads
        h_paid = (f32(a.ctr) * np.exp(-f32(a.annoyance_ctr_drag) * st.annoyance))[:, None] * seen.effective
        if cfg.wom.enabled and cfg.wom.rate > 0:
            src = wom.advocacy(st.orders > 0, st.tier == 3, cfg.wom.advocate_weight)
            some_gone = not alive.all()  # else the masks below multiply by ones
            if some_gone:
                src *= alive[None, :]
            h_wom = wom.hazard(self.neighbour_share, src, cfg.wom.rate, cfg.wom.referral_boost_per_rmb,
                               self.model.brand_table.referral_reward)
            if some_gone:  # exactly 0, whatever rounding the incremental share left
                h_wom *= alive[None, :]
        else:
            h_wom = np.zeros((N, B), f32)
        h_all = h_wom  # reused in place
        h_all += h_paid
        np.minimum(h_all, f32(1), out=h_all)
        u_touch = seen.touch_draw
        touched = u_touch < h_all
        clicked = touched & (u_touch < h_paid)
        ar.stamp(st.t_wom, touched & ~clicked, t)
        ar.set_one(st.awareness, touched)
        if offers.read_i.size:  # a partner's offer read in a pool touches the partner brand
            touched[offers.read_i, offers.read_b] = True
        pairs = np.flatnonzero(clicked)  # few pairs: the click work below runs on them alone
        click_i, click_b = np.divmod(pairs, B)
        # a click is an impulse order with probability impulse_rate: u < rate · h_paid given u < h_paid
        table = self.model.brand_table
        impulse_rate = table.impulse_rate[table.category].astype(f32)
        impulse = (u_touch.ravel()[pairs] < impulse_rate[click_b] * h_paid.ravel()[pairs]) & alive[click_b]
        # awareness decays among non-customers (forgetting), after today's touches
        if cfg.choice.awareness_decay:
            ar.scale_where(st.awareness, (st.orders == 0) & ~touched, f32(1 - cfg.choice.awareness_decay))
        return Touched(touched=touched, clicked=clicked, clicks=np.bincount(click_b, minlength=B),
                       impulse_i=click_i[impulse], impulse_b=click_b[impulse])
