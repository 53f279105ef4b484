"""The engine as components (docs/MODEL.md §3, "Components").

:class:`~sim.engine.model.TrafficModel` builds one component per mechanism and calls them in the
documented order:

==================  ================================================================  ============
component           mechanism                                                         module
==================  ================================================================  ============
BrandTable          brands' attributes, budgets, bids, operators, cash (Brand: views)  brands
Auctions            targeting segments, GSP auctions per segment, billing             auctions
Exposure            delivery, tolerance cap, wear-out, ad stock, awareness, annoyance  exposure
PrivatePools        pushes, reading, content, coupons, tiers, mutes, exits, joining    private_pools
Alliances           partner offers, their fees, trust transfer, partner coupons       alliance_offers
Touches             clicks, word of mouth, impulse orders, forgetting                 touches
Purchases           occasions, search, logit choice, settlement, attribution          purchases
Accounts            ledger, invariants, cash, exits                                   accounts
==================  ================================================================  ============

The consumer update (delivery to joining) is a slot: :class:`~sim.engine.consumers.ArrayConsumers`
by default, the per-agent reference of :mod:`sim.reference` in the differential test.
"""
