"""Alliances: partner offers carried in each other's pools, their fees and what a read offer does.

docs/MODEL.md §9 "Alliances" (S12). A carrier's pool carries offers for its partners on the
alliance's schedule (:func:`sim.alliances.partner_offers`); the pools deliver them with their own
messages. A member who reads a partner offer considers the partner (awareness 1), takes its
coupon and, when trust transfer is on, moves her trust in the partner toward her trust in the
carrier. The partner pays the carrier a fee per offer delivered.
"""

from __future__ import annotations

import numpy as np

from .. import alliances as alli
from .component import Component
from .records import CarriedOffers, OfferDay, Today


class Alliances(Component):
    """Cross-brand alliances: the schedule of partner offers and their effects on readers."""

    node = "alliances"
    owns = ("t_alliance",)
    writes = ("awareness", "trust", "coupon", "coupon_day")

    def schedule(self, today: Today) -> dict[int, list[tuple[int, int, object]]]:
        """Carrier -> [(partner, offers each member receives, alliance)] today; carriers run pools."""
        cfg = self.cfg.alliances
        offers_for: dict[int, list[tuple[int, int, object]]] = {}
        if not cfg.enabled:
            return offers_for
        alive = {int(i) for i in np.flatnonzero(today.alive)}
        run_pool = self.model.brand_table.run_pool
        for a in cfg.groups:
            for carrier in a.members:
                offers = alli.partner_offers(a, carrier, today.day, alive)
                if offers and run_pool[carrier]:
                    offers_for.setdefault(carrier, []).extend((p, n, a) for p, n in offers)
        return offers_for

    def step(self, today: Today, carried: tuple[CarriedOffers, ...]) -> OfferDay:
        """Fees for the offers delivered; consideration, trust and a coupon for their readers."""
        st, t = self.state, today.day
        B = st.awareness.shape[1]
        fees = np.zeros((B, B))
        read_i, read_b = [], []
        transfer = self.cfg.alliances.trust_transfer_enabled
        for c in carried:
            readers = c.readers
            for p, n, a in c.offers:
                fees[p, c.carrier] += n * c.delivered * a.fee_per_offer
                if readers.size == 0:
                    continue
                read_i.append(readers)
                read_b.append(np.full(readers.size, p))
                st.awareness[readers, p] = 1
                st.t_alliance[readers, p] = t
                if transfer:
                    st.trust[readers, p] = alli.trust_transfer(st.trust[readers, p], st.trust[readers, c.carrier],
                                                               a.trust_transfer)
                st.coupon[readers, p] = a.coupon_value
                st.coupon_day[readers, p] = t
        if not read_i:
            return OfferDay(fees=fees)
        return OfferDay(fees=fees, read_i=np.concatenate(read_i), read_b=np.concatenate(read_b))
