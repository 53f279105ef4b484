"""Touches: clicks on ads and word of mouth; impulse orders from clicks; forgetting.

docs/MODEL.md §3 step 5b, §9 "Touches" and "Word of mouth". The click hazard falls with
annoyance; word of mouth comes from neighbours who are customers or loyal members. Hazards add,
capped at 1, and one uniform per pair (the attention stream's touch draw) decides both touches.
"""

from __future__ import annotations

import numpy as np

from .. import wom
from . import kernels
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
        self.day_buffers = kernels.DayBuffers()
        self.backend = kernels.for_backend(model.final_cfg.run.backend, model.n_brands)  # where the row kernels run

    def step(self, today: Today, seen: Exposed, offers: OfferDay) -> Touched:
        cfg, st, t, alive = self.cfg, self.state, today.day, today.alive
        N, B = st.awareness.shape
        a = cfg.ads
        if cfg.wom.enabled and cfg.wom.rate > 0:
            # a fresh array, not a buffer: NeighbourShare holds yesterday's source until it has today's, and two
            # buffers held all day would be 80 MB more at the day's peak at 1,000,000 x 20
            src = np.empty((N, B), f32)
            kernels.advocacy_rows(st.orders, st.tier, alive, f32(cfg.wom.advocate_weight), src)
            wom_share = self.neighbour_share.neighbour_share(src)
            wom_rate = wom.brand_rate(cfg.wom.rate, cfg.wom.referral_boost_per_rmb,
                                      self.model.brand_table.referral_reward)
            if not alive.all():  # exactly 0, whatever rounding the incremental share left
                wom_rate *= alive
        else:
            wom_share, wom_rate = np.zeros((N, B), f32), np.zeros(B, f32)
        table = self.model.brand_table
        offer_read, touched, clicked, impulse = self.day_buffers.get((N, B), bool, 4)
        offer_read.fill(False)
        offer_read[offers.read_i, offers.read_b] = True  # a partner's offer read in a pool touches the partner
        forget_keep = f32(1 - cfg.choice.awareness_decay)
        # one fused pass over each consumer's row (sim.engine.kernels), with Exposure's touch draw
        self.backend.touch_rows(t, f32(a.ctr), f32(a.annoyance_ctr_drag), wom_share, wom_rate, seen.effective,
                                seen.touch_draw, offer_read, table.impulse_rate[table.category].astype(f32), alive,
                                forget_keep, st.annoyance, st.orders, st.awareness, st.t_wom, touched, clicked, impulse)
        pairs = np.flatnonzero(clicked)  # few pairs: the click work below runs on them alone
        click_i, click_b = np.divmod(pairs, B)
        impulse = impulse.ravel()[pairs]
        return Touched(touched=touched, clicked=clicked, clicks=np.bincount(click_b, minlength=B),
                       impulse_i=click_i[impulse], impulse_b=click_b[impulse])
