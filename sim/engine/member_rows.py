"""One pool member's row of the day's messages: the equations of docs/MODEL.md §7.5 and §9 "Private pools".

Numba ``register_jitable`` functions, compiled into :func:`sim.engine.kernels.pool_rows`; scalar
arithmetic only, as in :mod:`sim.engine.rows`. Every operation has the float width numpy gave the
array code this replaced (float32 state, float64 where a Python float met a bool array), so runs
are bit-identical to it but where the last bit of ``exp`` or ``pow`` differs and a uniform falls
within that rounding of a boundary (none in the golden file's three markets).

The day's pool-level inputs come as two float32 arrays whose rows are named below: ``coef`` (the
scalars of docs/MODEL.md's private-pool parameters) and ``terms`` (one column per pool).
"""

from __future__ import annotations

import math

import numpy as np
from numba.extending import register_jitable

from .rows import DAY_OFFSET, philox4x32, to_unit

# the scalars of ``coef``: config.private's parameters of these names (sim.engine.private_pools builds it)
COEF = ("coupon_fatigue_per_coupon", "irritation_per_coupon", "irritation_per_unread", "annoyance_per_unread",
        "coupon_response", "tier_down_rate", "mute_rate", "mute_threshold", "exit_rate_muted")
# the rows of ``terms`` (len(TERMS), J): pushes received, organic reach, the shares of content, coupons and
# partner offers among them, coupons and same-category offers (spam), content value, coupon face value,
# response to a read message (mode × pull-forward), the same-category share of offers, the tier-up chance
TERMS = ("k_all", "reach", "content_share", "coupon_share", "offer_share", "coupon_or_rival", "content_value",
         "coupon_value", "response", "rival_share", "tier_up")
K_ALL, REACH, C_SHARE, Q_SHARE, O_SHARE, K_COUPON, CONTENT_VALUE, COUPON_VALUE, RESPONSE, RIVAL_SHARE, TIER_UP = range(
    len(TERMS))
SUMS = ("sent", "read", "received", "mutes", "exits")  # per pool, float64 sums of whole numbers
GROUP_SUMS = ("content_reads", "spam_reads", "offer_reads", "exits")  # per group of every pool


@register_jitable(inline="always")
def read_probability(attention, received_total, activity, loyal, tier3_bonus):
    """ρ = min(1, A_i / m_i) · activity · (1 + bonus·loyal), capped at 1 (S13: attention shared across pools).

    ``attention`` inf when the attention limit is off; float32 but the bonus, float64 as numpy had it.
    """
    share = min(np.float32(1), attention / max(received_total, np.float32(1e-12)))
    return np.float32(min(1.0, np.float64(share * activity) * (1.0 + tier3_bonus if loyal else 1.0)))


@register_jitable(inline="always")
def tier_move(tier, content_read, irritation, u, tier_up, tier_down_rate):
    """A member's new tier (1..3) from one uniform: up one with probability 1 − (1 − tier_up)^(content read),
    otherwise down one (not below 1) with probability tier_down_rate · irritation."""
    one = np.float32(1)
    p_up = one - (one - tier_up) ** content_read
    p_down = min(one, tier_down_rate * irritation)
    up = u < p_up and tier < 3
    down = (not up) and u > one - p_down and tier > 1
    return np.int8(tier + up - down)


@register_jitable(inline="always")
def mute_probability(irritation, annoyance, rate, threshold):
    """Daily chance a member mutes: rate · (irritation + annoyance − threshold)^+, capped at 1."""
    return min(np.float32(1), rate * max(irritation + annoyance - threshold, np.float32(0)))


@register_jitable
def member_row(r, i, day, key, cols, terms, coef, attention_on, tier3_bonus, activity, group_offset,
               tier, muted, group, attention, trust, coupon, coupon_day, coupon_fatigue, irritation, annoyance,
               t_private, respond, offer_read, sums, group_sums, u, k_recv, c_reads, irr):
    """Member i (row r of the day's block): messages received and read, their effects, her tiers and mutes.

    The pools are ``cols``; ``activity`` holds every pool's group activity, pool j's groups from
    ``group_offset[j]``. The five uniforms of pair (i, b) are the words of the counter blocks
    (i, b, day, 0) and (i, b, day, 1) under the messages key. Writes the state in place, the pair's
    response and partner-offer reading into ``respond[r]`` and ``offer_read[r]``, and adds to the
    chunk's per-pool ``sums`` and per-group ``group_sums``. ``u`` (5, J), ``k_recv``, ``c_reads`` and
    ``irr`` are scratch rows.
    """
    f32 = np.float32
    zero = f32(0)
    J = cols.size
    d = np.uint64(day + DAY_OFFSET)
    # 1. what reaches her: muted members receive nothing; a hosted pool reaches a share of members
    m_total = zero
    for j in range(J):
        b = cols[j]
        for x in range(5):
            u[x, j] = zero
        if tier[i, b] > 0:
            w = philox4x32(np.uint64(i), np.uint64(b), d, np.uint64(0), key[0], key[1])
            u[0, j], u[1, j], u[2, j], u[3, j] = to_unit(w[0]), to_unit(w[1]), to_unit(w[2]), to_unit(w[3])
            u[4, j] = to_unit(philox4x32(np.uint64(i), np.uint64(b), d, np.uint64(1), key[0], key[1])[0])
        received = tier[i, b] > 0 and not muted[i, b] and terms[K_ALL, j] > 0 and u[0, j] < terms[REACH, j]
        k_recv[j] = terms[K_ALL, j] if received else zero
        m_total += k_recv[j]
    # 2. reading within her attention, and what the reads do
    c_fatigue, c_irr_coupon, c_irr_unread, c_ann_unread, c_coupon_response = coef[0], coef[1], coef[2], coef[3], coef[4]
    unread_total = zero
    for j in range(J):
        b = cols[j]
        g = group[i, b]
        act = f32(activity[group_offset[j] + g]) if g >= 0 else zero
        rho = read_probability(attention[i] if attention_on else f32(np.inf), m_total, act, tier[i, b] == 3,
                               tier3_bonus)
        reads = f32(math.floor(k_recv[j] * rho + u[1, j]))
        c, q, o = reads * terms[C_SHARE, j], reads * terms[Q_SHARE, j], reads * terms[O_SHARE, j]
        c_reads[j] = c
        if c + q > 0:
            t_private[i, b] = day
        trust[i, b] += terms[CONTENT_VALUE, j] * c * (f32(1) - trust[i, b])
        if q > 0:
            coupon[i, b] = terms[COUPON_VALUE, j]
            coupon_day[i, b] = day
        fatigue = coupon_fatigue[i, b] + c_fatigue * q
        coupon_fatigue[i, b] = fatigue
        unread = k_recv[j] - reads
        k_coupon = terms[K_COUPON, j] if k_recv[j] > 0 else zero  # coupons and same-category offers: spam
        irr[j] = irritation[i, b] + (c_irr_coupon * k_coupon + c_irr_unread * unread)
        irritation[i, b] = irr[j]
        unread_total += unread
        # impulse orders from read messages (coupons weigh more while fresh)
        h_resp = terms[RESPONSE, j] * (c + c_coupon_response * q * np.exp(-fatigue))
        respond[r, j] = u[2, j] < h_resp and tier[i, b] > 0 and not muted[i, b]
        offer_read[r, j] = o > 0
        sums[0, j] += k_recv[j]
        sums[1, j] += reads
        sums[2, j] += k_recv[j] > 0
        if g >= 0:
            # float64 sums of float32 reads: exact (their bits span < 53), so the same in any order
            group_sums[0, group_offset[j] + g] += c
            group_sums[1, group_offset[j] + g] += q + o * terms[RIVAL_SHARE, j]
            group_sums[2, group_offset[j] + g] += o
    annoyance[i] += c_ann_unread * unread_total
    # 3. tiers, mutes and exits of muted members
    tier_down_rate, mute_rate, mute_threshold, exit_rate = coef[5], coef[6], coef[7], coef[8]
    for j in range(J):
        b = cols[j]
        k = tier[i, b]
        if k == 0:
            continue
        was_muted = muted[i, b]
        tier[i, b] = tier_move(k, c_reads[j], irr[j], u[3, j], terms[TIER_UP, j], tier_down_rate)
        if was_muted and u[4, j] < exit_rate:
            g = group[i, b]
            if g >= 0:
                group_sums[3, group_offset[j] + g] += 1
            sums[4, j] += 1
            tier[i, b], muted[i, b], group[i, b] = 0, False, -1
        elif not was_muted and u[4, j] < mute_probability(irr[j], annoyance[i], mute_rate, mute_threshold):
            muted[i, b] = True
            sums[3, j] += 1
