"""One consumer's row of the exposure and touch phases: the equations, written once for every backend.

These functions are numba ``register_jitable``: the CPU kernels (:mod:`sim.engine.kernels`, rows in
parallel over the cores) and the CUDA kernels (:mod:`sim.engine.gpu`, one GPU thread per consumer)
compile the same code, so the backends cannot drift apart. The equations are docs/MODEL.md §7.2
(tolerance cap, wear-out, ad stock) and §7.8 / §7.1 (touches); the draws are §4's counter-based
Philox4x32-10 blocks. Only scalar arithmetic and ``math`` functions that both targets provide.
"""

from __future__ import annotations

import math

import numpy as np
from numba.extending import register_jitable

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
_MASK = np.uint64(0xFFFFFFFF)
DAY_OFFSET = 2**31  # warm-up days are negative; the counter word is unsigned


@register_jitable(inline="always")
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 (Salmon et al. 2011): four uint32 words (held in uint64) of one counter block."""
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & _MASK, p1 & _MASK, ((p0 >> 32) ^ c3 ^ k1) & _MASK, p0 & _MASK
        k0 = (k0 + _W0) & _MASK
        k1 = (k1 + _W1) & _MASK
    return c0, c1, c2, c3


@register_jitable(inline="always")
def to_unit(x):
    """A uint32 word -> float32 uniform on [0, 1), from its top 24 bits (exact in float32)."""
    return np.float32(x >> 8) * np.float32(1.0 / 16777216.0)


# inlined into the kernel: called once per consumer with ~30 array arguments, the ordinary call cost about
# 2 ms a day at 20,000 consumers on one thread (docs/PERFORMANCE.md, "CI time (stop 34)")
@register_jitable(inline="always")
def expose_row(i, day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty, theta,
               log_keep_unaware, annoyance_decay, annoyance_per_wasted, key, last_attended, last_reached, t_paid,
               adstock, awareness, trust, annoyance, effective, touch_draw, valid_rows, wasted_rows, n_row, waste_row,
               prio, state, order):
    """Consumer i: delivery, the tolerance cap, wear-out, stamps, ad stock, awareness, trust, annoyance.

    One counter block per pair and day gives its uniforms: word 0 delivers ⌊λ_b + u⌋ impressions
    inside the brand's segment, word 1 is the pair's priority under the cap, word 2 the touch draw
    that :func:`touch_row` reads. Brands attended within the window keep their place; new ones fill
    the free places in the order of their priorities; if more brands are remembered than tolerated
    (the cap was lowered), today's brands compete for all the places.

    The impressions delivered and wasted are left per brand in the scratch rows ``n_row`` and
    ``waste_row`` (the caller adds them up per brand) and summed for the consumer in ``valid_rows[i]``
    and ``wasted_rows[i]``: nothing needs them per pair, and two (N, B) arrays fewer are 160 MB at
    1,000,000 × 20. ``prio``, ``state`` and ``order`` are scratch rows too; all have at least B entries.
    """
    B = lam.size
    d = np.uint64(day + DAY_OFFSET)
    zero = np.uint64(0)
    remembered = 0
    n_new = 0
    # branch-free where the condition is a coin flip (in segment, reached, in the window): selects and
    # products instead of jumps the CPU mispredicts (40 % faster at 100,000 x 20, same results)
    for b in range(B):
        w = philox4x32(np.uint64(i), np.uint64(b), d, zero, key[0], key[1])
        touch_draw[i, b] = to_unit(w[2])
        n = np.float32(math.floor(lam[b] + to_unit(w[0]))) * np.float32(in_segment[i, b])
        n_row[b] = n
        in_window = np.int8((day - last_attended[i, b]) < window)
        reached = np.int8(n > 0)
        remembered += in_window
        n_new += reached * (1 - in_window)
        state[b] = reached * (2 - in_window)  # 0 not reached, 1 reached and in the window, 2 reached and new
        prio[b] = to_unit(w[1])
    free = tolerance[i] - remembered
    compete_all = fatigue_on and remembered > tolerance[i]
    if fatigue_on and (compete_all or n_new > max(free, 0)):
        # the competitors (every reached brand if the cap was lowered, else the new ones) sorted by
        # (priority, brand): the first `places` are attended, the rest lose today (state -1)
        places = tolerance[i] if compete_all else max(free, 0)
        m = 0
        for b in range(B):
            if state[b] == 2 or (compete_all and state[b] == 1):
                order[m] = b
                m += 1
        for x in range(1, m):  # insertion sort: m is at most B, usually a handful
            v = order[x]
            y = x - 1
            while y >= 0 and (prio[order[y]] > prio[v] or (prio[order[y]] == prio[v] and order[y] > v)):
                order[y + 1] = order[y]
                y -= 1
            order[y + 1] = v
        for x in range(places, m):
            state[order[x]] = -1
    valid_row = np.float32(0)
    wasted_row = np.float32(0)
    for b in range(B):
        n = n_row[b]
        attended = state[b] > 0
        n_att = n if attended else np.float32(0)
        eff = min(n_att, wearout_frequency)
        excess = n_att - eff
        waste = (n - n_att) + excess
        effective[i, b] = eff
        waste_row[b] = waste
        valid_row += n
        wasted_row += waste
        last_attended[i, b] = day if attended else last_attended[i, b]
        last_reached[i, b] = day if n > 0 else last_reached[i, b]
        t_paid[i, b] = day if eff > 0 else t_paid[i, b]
        if eff > 0 and log_keep_unaware != 0:  # 1 − (1 − A)·(1 − a)^e
            awareness[i, b] = 1 - (1 - awareness[i, b]) * np.float32(math.exp(eff * log_keep_unaware))
        adstock[i, b] = adstock[i, b] * theta + eff
        if excess > 0 and trust_penalty > 0:
            trust[i, b] = max(trust[i, b] - trust_penalty * excess, np.float32(0))
    valid_rows[i] = valid_row
    wasted_rows[i] = wasted_row
    annoyance[i] = annoyance[i] * annoyance_decay + annoyance_per_wasted * wasted_row


@register_jitable
def touch_row(i, day, ctr, annoyance_ctr_drag, wom_share, wom_rate, effective, touch_draw, offer_read, impulse_rate,
              alive, forget_keep, annoyance, orders, awareness, t_wom, touched, clicked, impulse):
    """Consumer i: clicks, word-of-mouth touches, impulse orders and forgetting.

    The paid hazard is ctr·exp(−drag·annoyance)·effective; the word-of-mouth hazard is the neighbour
    share times the brand's rate (:func:`sim.wom.brand_rate`, 0 for brands gone). They add,
    capped at 1, and the pair's touch draw decides the touch and whether it is a click. A click is
    an impulse order with probability impulse_rate. Awareness decays among non-customers who were
    not touched (``forget_keep`` = 1 − decay; 1 turns forgetting off).
    """
    B = wom_share.shape[1]
    paid_scale = ctr * np.float32(math.exp(-annoyance_ctr_drag * annoyance[i]))
    for b in range(B):
        h_paid = paid_scale * effective[i, b]
        h = min(wom_share[i, b] * wom_rate[b] + h_paid, np.float32(1))
        u = touch_draw[i, b]
        t = u < h
        c = t and u < h_paid
        impulse[i, b] = c and alive[b] and u < impulse_rate[b] * h_paid
        t_wom[i, b] = day if t and not c else t_wom[i, b]
        a = np.float32(1) if t else awareness[i, b]
        t = t or offer_read[i, b]  # a partner's offer read in a pool touches the partner brand
        touched[i, b] = t
        clicked[i, b] = c
        # forgetting among non-customers not touched today (forget_keep 1: off)
        awareness[i, b] = a * forget_keep if not t and orders[i, b] == 0 else a


@register_jitable(inline="always")
def hill(x, half_to_shape, shape):
    """Hill saturation of ad stock x: x^α / (x^α + K^α), in [0, 1) (docs/MODEL.md §7.2), float32.

    ``half_to_shape`` is K^α, computed once a day, ``shape`` α.
    """
    xa = max(x, np.float32(0)) ** shape
    return xa / (xa + half_to_shape)


@register_jitable(inline="always")
def has_occasion(i, c, occasion_mult, interval, u_occ, rate_mult):
    """Consumer i, who needs category c, has a purchase occasion in it today: P = min(1, m_t · r_i / interval_c)."""
    p = min(1.0, np.float64(np.float32(occasion_mult) * rate_mult[i]) / interval[c])
    return u_occ < p


@register_jitable
def choose_row(i, c, t, coef, outside, n_sellers, sellers, seller_platform, seller_terms, u_search, u_choice,
               price_sens, on_platform, awareness, tier, touched, trust, adstock, coupon, coupon_fatigue, coupon_day,
               orders, V, consider):
    """Consumer i's purchase at an occasion in category c: -1 the outside option, else the seller's index.

    docs/MODEL.md §9 "Choice", with the pair's search and choice uniforms ``u_search`` and ``u_choice``. Every
    operation has the float width numpy gives the same expression (float32 products of state columns,
    float64 utilities, sums in numpy's order: :func:`pairwise_sum`), so the picks are those of the numpy
    code this replaced, but where the last bit of ``exp`` or ``pow`` differs and a uniform falls within
    that rounding of a boundary (none in the golden file's three markets).
    ``coef``: consideration threshold, organic search rate, β_price, β_trust, β_ad, β_coupon, β_tier,
    β_habit, β_touch, the Hill half-saturation to its shape, the shape, the attribution window.
    ``seller_terms[c]``: β_q·quality, ln(price / reference price), price and organic-search weight per seller.
    ``V`` and ``consider`` are scratch rows of at least the largest category's size.
    """
    f32 = np.float32
    k = n_sellers[c]
    threshold, search_rate = f32(coef[0]), f32(coef[1])
    for j in range(k):
        b = sellers[c, j]
        consider[j] = awareness[i, b] >= threshold or tier[i, b] > 0 or touched[i, b]
    u = u_search
    if u < search_rate:  # organic search finds one seller, weighted toward quality and recent sales
        total = 0.0
        for j in range(k):
            total += seller_terms[c, 3, j] if on_platform[i, seller_platform[c, j]] else 0.0
        if total > 0:
            x = np.float64(u / search_rate) * total
            found = 0  # numpy's argmax of an all-False row
            run = 0.0
            for j in range(k):
                run += seller_terms[c, 3, j] if on_platform[i, seller_platform[c, j]] else 0.0
                if x < run:
                    found = j
                    break
            consider[found] = True
    b_price, b_trust, b_ad, b_coupon = f32(coef[2]), f32(coef[3]), f32(coef[4]), f32(coef[5])
    half_pow, shape, window = f32(coef[9]), f32(coef[10]), coef[11]
    sens = b_price * price_sens[i]
    v_max = outside[c]
    last = -1
    for j in range(k):
        b = sellers[c, j]
        coupon_value = coupon[i, b] * np.exp(-coupon_fatigue[i, b]) if (t - coupon_day[i, b]) < window else f32(0)
        v = seller_terms[c, 0, j] - np.float64(sens) * seller_terms[c, 1, j]
        v += np.float64(b_trust * trust[i, b])
        v += np.float64(b_ad * hill(adstock[i, b], half_pow, shape))
        v += np.float64(b_coupon * coupon_value) / seller_terms[c, 2, j]
        v += coef[6] * tier[i, b]
        v += coef[7] * (1.0 if orders[i, b] > 0 else 0.0)
        v += coef[8] * (1.0 if touched[i, b] else 0.0)
        V[j] = v
        if consider[j]:
            v_max = max(v_max, v)
            last = j
    if last < 0:
        return -1
    w0 = math.exp(outside[c] - v_max)
    for j in range(k):
        V[j] = math.exp(V[j] - v_max) if consider[j] else 0.0
    total = w0 + pairwise_sum(V, k)
    uc = u_choice
    if uc < w0 / total:
        return -1
    run = 0.0
    for j in range(k):
        run += V[j]
        if consider[j] and (j == last or uc < (w0 + run) / total):  # the last one closes the distribution at 1
            return j
    return last


@register_jitable
def pairwise_sum(a, n):
    """numpy's sum of a[:n] (``np.add.reduce``, exactly for n <= 128): in order below 8 terms, else 8 partial sums."""
    if n < 8:
        s = 0.0
        for j in range(n):
            s += a[j]
        return s
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    j = 8
    while j < n - n % 8:
        r0, r1, r2, r3 = r0 + a[j], r1 + a[j + 1], r2 + a[j + 2], r3 + a[j + 3]
        r4, r5, r6, r7 = r4 + a[j + 4], r5 + a[j + 5], r6 + a[j + 6], r7 + a[j + 7]
        j += 8
    s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while j < n:
        s += a[j]
        j += 1
    return s
