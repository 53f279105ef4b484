"""Cross-brand alliances (异业合作, S12).

Members of brand A's pool receive partner B's offers through A's trusted channel. A read
offer makes B considered, transfers trust  T_iB ← T_iB + τ · max(0, T_iA − T_iB), records
an alliance touch and carries B's coupon. B pays A a fee per offer delivered. When A and B
sell different categories the offer is novel value that keeps A's group alive (activity
+ novelty per read); in the same category B competes with A for the same occasions
(cannibalisation emerges from choice).
"""

from __future__ import annotations

from .config import AllianceConfig


def partner_offers(alliance: AllianceConfig, carrier: int, day: int, alive: set[int]) -> list[tuple[int, int]]:
    """(partner brand, number of offers) that ``carrier`` pushes to its pool today.

    A carrier sends ⌊t·f⌋ − ⌊(t−1)·f⌋ offers a day (f = offers_per_day), rotating over its
    live partners so that each gets an equal share over time.
    """
    partners = [m for m in alliance.members if m != carrier and m in alive]
    if carrier not in alive or not partners:
        return []
    f = alliance.offers_per_day
    sent_before = int((day - 1) * f // 1)
    k = int(day * f // 1) - sent_before
    out: dict[int, int] = {}
    for j in range(k):
        p = partners[(sent_before + j) % len(partners)]
        out[p] = out.get(p, 0) + 1
    return sorted(out.items())


def trust_transfer(trust_partner, trust_carrier, tau: float):
    """T_iB + τ · max(0, T_iA − T_iB) (array in, array out)."""
    gap = trust_carrier - trust_partner
    return trust_partner + tau * (gap * (gap > 0))
