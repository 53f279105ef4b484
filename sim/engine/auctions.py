"""Auctions: each platform sells its inventory per targeting segment; what was delivered is billed.

docs/MODEL.md §3 step 3 and §9 "Auctions". The platform's GSP (``Platform.sell`` over
:func:`sim.auction.run_day`) prices every round; this component holds the targeting segments and
turns the impressions bought into a rate per consumer of the segment, then bills the impressions
the population actually received.
"""

from __future__ import annotations

import numpy as np

from .component import Component
from .records import AdsBilled, AdsSold, Plans, Today


class Auctions(Component):
    """Targeting segments, inventory, the day's auctions and billing."""

    node = "platforms"

    def segment(self) -> None:
        """Targeting segments: consumers of platform p who buy category c (again when an arm starts).

        Each consumer's ad slots are shared equally among the categories they buy.
        """
        cfg, st, table = self.cfg, self.state, self.model.brand_table
        n_needs = np.maximum(st.needs.sum(axis=1), 1)
        self.seg_size = np.zeros((len(cfg.platforms), len(cfg.categories)))
        self.inventory = np.zeros_like(self.seg_size)
        for p, pc in enumerate(cfg.platforms):
            for c in range(len(cfg.categories)):
                seg = st.on_platform[:, p] & st.needs[:, c]
                self.seg_size[p, c] = seg.sum()
                self.inventory[p, c] = (seg / n_needs).sum() * pc.ad_slots_per_user
        # (N, B): the consumer is in the brand's targeting segment (uses its platform, buys its category);
        # row-major, as the exposure kernel reads it row by row (the column gathers give column-major)
        self.in_segment = np.ascontiguousarray(st.on_platform[:, table.platform] & st.needs[:, table.category])

    def sell(self, today: Today, plans: Plans) -> AdsSold:
        """One auction per (platform, category) segment among the brands in the market there."""
        table = self.model.brand_table
        B = table.bid.size
        bought, spend_plan = np.zeros(B), np.zeros(B)
        for p, plat in enumerate(self.model.platforms):
            for c in range(len(self.cfg.categories)):
                idx = np.flatnonzero(today.alive & (table.platform == p) & (table.category == c))
                if idx.size == 0:
                    continue
                imps, spend = plat.sell(plans.bids[idx], table.quality[idx], plans.budgets[idx],
                                        self.inventory[p, c], self.seg_size[p, c], day=today.day)
                bought[idx] += imps
                spend_plan[idx] += spend
        valid = bought * (1 - table.invalid_share)
        seg = self.seg_size[table.platform, table.category]
        per_consumer = np.where(seg > 0, valid / np.maximum(seg, 1), 0.0).astype(np.float32)
        return AdsSold(bought=bought, spend_plan=spend_plan, valid_expected=valid, per_consumer=per_consumer)

    def bill(self, ads: AdsSold, delivered: np.ndarray) -> AdsBilled:
        """Spend in proportion to the valid impressions delivered (``delivered``: per brand)."""
        invalid_share = self.model.brand_table.invalid_share
        factor = np.where(ads.valid_expected > 0, delivered / np.maximum(ads.valid_expected, 1e-300), 0.0)
        billed = delivered / (1 - invalid_share)
        return AdsBilled(delivered=delivered, impressions=billed, invalid=billed - delivered,
                         ad_spend=ads.spend_plan * factor)
