"""Word of mouth and referral rewards over the social graph (S16, Bass 1969).

A consumer is touched by brand b's word of mouth with daily hazard

    h_wom = rate · (1 + referral_boost · reward_b) · s_ib,

where s_ib is the degree-normalised share of i's neighbours who are b's customers
(weight 1) or loyal pool members (extra ``advocate_weight``). It is linear in the share so
that on the complete graph (s = F, the adopted share) it is exactly Bass's q·F.
Hazards of different channels add, capped at 1 (MODEL_BRIEF §9).
"""

from __future__ import annotations

import numpy as np

from .graph import SocialGraph


def advocacy(customer: np.ndarray, loyal: np.ndarray, advocate_weight: float) -> np.ndarray:
    """Per (consumer, brand) weight as a word-of-mouth source: customer + extra for loyal members."""
    x = customer.astype(np.float32)
    if advocate_weight:
        x += np.float32(advocate_weight) * loyal
    return x


def hazard(graph: SocialGraph, source: np.ndarray, rate: float, referral_boost: float,
           reward: np.ndarray) -> np.ndarray:
    """Daily word-of-mouth touch hazard per (consumer, brand), float32 (N, B)."""
    share = graph.neighbour_share(source)
    per_brand = (rate * (1.0 + referral_boost * reward)).astype(np.float32)
    return share * per_brand[None, :]
