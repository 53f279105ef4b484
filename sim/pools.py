"""Private pools: joining, groups of 500, operators, pushes, reading attention, tiers, mutes, exits.

Sources: S5–S10, S13, S14 and seed 001's three operating modes. Per member i of brand b:

* pushes: the brand sends k_b(t) = ⌊t·f_b⌋ − ⌊(t−1)·f_b⌋ mass messages a day (f_b =
  ``push_per_day``), of which a share ``content_share`` is content and the rest coupons;
  alliance partners' offers arrive through the same channel. Muted members receive
  nothing; members of a platform-hosted pool receive each message with the platform's
  organic reach r_p(t) (S14).
* reading (group saturation, S13): a consumer reads at most A_i messages a day over all
  brands, so each message is read with probability
  ρ_ib = min(1, A_i / m_i) · a_g(ib) · (1 + bonus·1[tier 3]) capped at 1,
  where m_i is all messages received today and a_g the activity of the member's group.
* effects of a read: content raises trust (+v·(1−T)) and may lift the tier; a coupon
  gives a redeemable discount but adds coupon fatigue (its value decays as exp(−φ));
  unread and coupon messages add irritation, which drives tier drops, mutes and exits.
* group activity: a ← a + δ(floor − a) + holiday boost + g_c·(content reads per member)
  − g_s·(coupon reads per member) + g_n·(partner offers read per member), in [0, 1].
* capacity: members ≤ operators × capacity per operator (and the strategy's cap); groups
  hold at most ``group_size`` members (500 people, divided by the population scale).

This module holds the brand-level rules; a member's row (reading, effects, tiers, mutes, exits) is
:mod:`sim.engine.member_rows`, compiled into the engine's kernel.
"""

from __future__ import annotations

import numpy as np


def scheduled(day: int, per_day: float) -> int:
    """Messages sent on ``day`` by a sender of ``per_day`` messages a day (deterministic)."""
    return int(np.floor(day * per_day) - np.floor((day - 1) * per_day))


def split_content(sent_before: int, k: int, content_share: float) -> int:
    """How many of the next k messages are content (deterministic interleaving)."""
    return int(np.floor((sent_before + k) * content_share) - np.floor(sent_before * content_share))


def hosted_reach(day: int, start: float, end: float, throttle_days: int) -> float:
    """Organic reach of a platform-hosted pool on a reported day (linear throttle from day 1)."""
    frac = min(max((day - 1) / throttle_days, 0.0), 1.0)
    return start + (end - start) * frac


def join_probability(incentive: float | np.ndarray, base: float, per_rmb: float, cap: float) -> float | np.ndarray:
    """Chance a buyer accepts the join offer (QR code and red packet), for one incentive or each of an array."""
    p = np.minimum(cap, base + per_rmb * np.asarray(incentive, dtype=float))
    return float(p) if p.ndim == 0 else p


def assign_groups(group_counts: np.ndarray, n_new: int, group_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Place n_new members in the first groups with space, opening new groups as needed.

    Returns (group ids of the new members, updated group counts).
    """
    counts = group_counts.astype(np.int64)
    free = np.maximum(group_size - counts, 0)
    need_extra = max(0, n_new - int(free.sum()))
    if need_extra:
        extra = -(-need_extra // group_size)
        counts = np.concatenate([counts, np.zeros(extra, dtype=np.int64)])
        free = np.maximum(group_size - counts, 0)
    slots = np.repeat(np.arange(len(counts)), free)[:n_new]
    counts = counts + np.bincount(slots, minlength=len(counts))
    return slots.astype(np.int32), counts


def update_activity(activity: np.ndarray, members: np.ndarray, content_reads: np.ndarray,
                    coupon_reads: np.ndarray, offer_reads: np.ndarray, *, decay: float, floor: float,
                    boost: float, from_content: float, from_spam: float, novelty: float) -> np.ndarray:
    """New activity per group from the day's reads per member (arrays over groups)."""
    per = np.maximum(members, 1)
    a = activity + decay * (floor - activity) + boost
    a += from_content * content_reads / per - from_spam * coupon_reads / per + novelty * offer_reads / per
    return np.clip(a, 0.0, 1.0)
