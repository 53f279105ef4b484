"""Exposure: delivery of the impressions bought, the tolerance cap, wear-out, ad stock, awareness
and annoyance (docs/MODEL.md §3 steps 3 and 5a, §9 "Tolerance cap" and "Wear-out")."""

from __future__ import annotations

import numpy as np

from .. import arrays as ar
from .. import fatigue as fat
from .. import pools
from .component import Component
from .records import AdsSold, Exposed, Today

f32 = np.float32


class Exposure(Component):
    """Ads reach consumers of the segment; a consumer attends at most ``tolerance`` brands in the window."""

    node = "ads"
    owns = ("last_attended", "last_reached", "t_paid", "adstock")
    writes = ("awareness", "trust", "annoyance")
    streams = ("delivery", "attention")

    def step(self, today: Today, ads: AdsSold) -> Exposed:
        cfg, st, rs, t = self.cfg, self.state, self.model.streams, today.day
        N, B = st.awareness.shape
        lam = ads.per_consumer
        # delivery: ⌊λ⌋ impressions plus one with probability frac(λ), inside the brand's segment
        n_imp = pools.stochastic_round(lam[None, :], rs["delivery"].random((N, B), dtype=f32))
        n_imp *= self.model.auctions.in_segment_f32
        # the attention stream draws the cap's priority, then the touch uniform that Touches uses
        u_pri = rs["attention"].random((N, B), dtype=f32)
        u_touch = rs["attention"].random((N, B), dtype=f32)
        reached = n_imp > 0
        if cfg.fatigue.enabled:
            att = fat.attend(reached, st.last_attended, t, cfg.fatigue.window_days, st.tolerance, u_pri)
        else:
            att = reached
        n_att = n_imp * att.astype(f32)
        a = cfg.ads
        if pools.stochastic_round_max(lam) <= a.wearout_frequency:
            # no pair can pass the wear-out frequency today (the default market)
            eff, excess = n_att, None
            wasted = n_imp - n_att
        else:
            eff, excess = fat.wear_out(n_att, f32(a.wearout_frequency))
            wasted = (n_imp - n_att) + excess
        ar.stamp(st.last_attended, att, t)
        ar.stamp(st.last_reached, reached, t)
        ar.stamp(st.t_paid, eff > 0, t)
        fat.update_adstock(st.adstock, eff, f32(a.adstock_decay))
        if a.wearout_trust_penalty and excess is not None:
            st.trust -= f32(a.wearout_trust_penalty) * excess
            np.maximum(st.trust, 0, out=st.trust)
        if a.awareness_per_exposure:
            # 1 − (1 − A)·(1 − a)^e, with the power as an exponential (np.power is 5× slower)
            unaware = np.subtract(1, st.awareness)
            unaware *= np.exp(eff * f32(np.log1p(-a.awareness_per_exposure)))
            np.subtract(1, unaware, out=st.awareness)
        st.annoyance *= f32(cfg.fatigue.annoyance_decay)
        st.annoyance += f32(a.annoyance_per_wasted) * ar.sum_rows_int(wasted)
        return Exposed(impressions=n_imp, effective=eff, wasted=wasted, touch_draw=u_touch)
