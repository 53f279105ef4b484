"""Exposure: delivery of the impressions bought, the tolerance cap, wear-out, ad stock, awareness
and annoyance (docs/MODEL.md §3 steps 3 and 5a, §9 "Tolerance cap" and "Wear-out")."""

from __future__ import annotations

import math

import numpy as np

from ..rng import stream_key
from . import kernels
from .component import Component
from .records import AdsSold, Delivered, Exposed, Today

f32 = np.float32


class Exposure(Component):
    """Ads reach consumers of the segment; a consumer attends at most ``tolerance`` brands in the window."""

    node = "ads"
    owns = ("last_attended", "last_reached", "t_paid", "adstock")
    writes = ("awareness", "trust", "annoyance")
    streams = ("attention",)  # counter-based: words 0-2 of each pair's block (sim.engine.kernels)

    def __init__(self, model):
        super().__init__(model)
        # one counter block per pair and day: delivery, the cap's priority and the touch draw
        self.key = stream_key(model.seed_sequence, "attention")
        self.day_buffers = kernels.DayBuffers()
        self.backend = kernels.for_backend(model.final_cfg.run.backend, model.n_brands)  # where the row kernels run

    def step(self, today: Today, ads: AdsSold) -> Exposed:
        cfg, st = self.cfg, self.state
        N, B = st.awareness.shape
        a, fc = cfg.ads, cfg.fatigue
        eff, touch_draw = self.day_buffers.get((N, B), f32, 2)
        valid_rows, wasted_rows = np.empty(N, f32), np.empty(N, f32)
        # one fused pass over each consumer's row (sim.engine.kernels), counter-based draws
        by_brand = self.backend.exposure_rows(
            today.day, ads.per_consumer.astype(f32), self.model.auctions.in_segment, st.tolerance,
            fc.window_days, fc.enabled, f32(a.wearout_frequency), f32(a.wearout_trust_penalty), f32(a.adstock_decay),
            f32(math.log1p(-a.awareness_per_exposure)), f32(fc.annoyance_decay), f32(a.annoyance_per_wasted),
            self.key,
            st.last_attended, st.last_reached, st.t_paid, st.adstock, st.awareness, st.trust, st.annoyance,
            eff, touch_draw, valid_rows, wasted_rows)
        return Exposed(effective=eff, touch_draw=touch_draw, delivered=Delivered(
            valid=by_brand[0], wasted=by_brand[1], valid_per_consumer=valid_rows, wasted_per_consumer=wasted_rows))
