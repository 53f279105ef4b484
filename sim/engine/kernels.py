"""Fused, multi-threaded CPU kernels for the consumer rows of the day (docs/PERFORMANCE.md).

Exposure, touches, occasions and choices, the pools' members and census, the word-of-mouth source
and F3's reach breadth. Each kernel makes one pass over a consumer's row of every (N, B) column it
touches, instead of one numpy pass per operation, and runs the rows in parallel (numba ``prange``).
The row equations are :mod:`sim.engine.rows` (docs/MODEL.md §7.2, §7.3, §7.8), which the GPU kernels
of :mod:`sim.engine.gpu` compile too, and :mod:`sim.engine.member_rows` (§7.5); the components call
the kernels of their backend.

Random numbers are counter-based (docs/MODEL.md §4): the uniforms of a (consumer, brand) pair on
a day are the four words of Philox4x32-10 of the counter (consumer, brand, day, 0) under a key
derived from the run's seed and the purpose. A draw depends on nothing but (seed, purpose, day,
consumer, brand), so results are the same for any number of threads, no (N, B) array of uniforms
is materialised, and common random numbers across scenario arms hold by construction.
"""

from __future__ import annotations

import sys
import warnings

import numba as nb
import numpy as np
from numba.core.errors import NumbaIRAssumptionWarning

from .member_rows import GROUP_SUMS, SUMS, member_row
from .rows import DAY_OFFSET, choose_row, expose_row, has_occasion, philox4x32, to_unit, touch_row

_CHUNK = 1024  # consumers per parallel task

# Compiling a kernel that inlines a row function (register_jitable(inline="always")) makes numba's SSA
# pass print dozens of "variable ... is not in scope" warnings: a known defect of numba's inliner
# (numba/numba#7802, #9489) in a pedantic check; the compiled code is unaffected (the golden file
# and tests/test_kernels.py check the outputs), so the warning is only noise to a user compiling.
warnings.filterwarnings("ignore", message=r"variable .* is not in scope", category=NumbaIRAssumptionWarning)


def for_backend(name: str, n_brands: int):
    """The module whose ``exposure_rows`` and ``touch_rows`` the components call: this one, or the GPU's."""
    if name == "cpu":
        return sys.modules[__name__]
    from . import gpu

    why = gpu.unavailable_reason(n_brands)
    if why:
        raise RuntimeError(f"run.backend is cuda, but {why}")
    return gpu


class DayBuffers:
    """A component's (N, B) output arrays, allocated once and overwritten every day.

    Fresh arrays of this size cost page faults on first write (about 1 ms per 8 MB); the day's
    records hand these buffers on, valid until the component's next step (nothing keeps them).
    """

    def __init__(self) -> None:
        self._arrays: list[np.ndarray] = []

    def get(self, shape: tuple[int, int], dtype: type, n: int) -> list[np.ndarray]:
        if len(self._arrays) != n or self._arrays[0].shape != shape or self._arrays[0].dtype != dtype:
            self._arrays = [np.empty(shape, dtype) for _ in range(n)]
        return self._arrays


def philox_block(c0: int, c1: int, c2: int, c3: int, k0: int, k1: int) -> tuple[int, ...]:
    """One Philox4x32-10 block as Python ints (tests check it against the published known answers)."""
    return tuple(int(w) for w in _philox_block(*(np.uint64(x) for x in (c0, c1, c2, c3, k0, k1))))


@nb.njit(cache=True)
def _philox_block(c0, c1, c2, c3, k0, k1):
    return philox4x32(c0, c1, c2, c3, k0, k1)


@nb.njit(cache=True)
def pair_uniforms(key, day, consumers, brands, word):
    """The uniform ``word`` (0-3) of each (consumer, brand) pair on ``day``: the same draw the kernels make."""
    out = np.empty(consumers.size, np.float32)
    d = np.uint64(day + DAY_OFFSET)
    for j in range(consumers.size):
        w = philox4x32(np.uint64(consumers[j]), np.uint64(brands[j]), d, np.uint64(0), key[0], key[1])
        out[j] = to_unit(w[word])
    return out


@nb.njit(cache=True)
def _chunks_in_order(partial):
    """The sum over axis 0 of per-chunk partial sums, added chunk by chunk: whatever thread computed each
    chunk, the total is the same for any number of threads."""
    total = np.zeros(partial.shape[1:], partial.dtype)
    for chunk in range(partial.shape[0]):
        total += partial[chunk]
    return total


@nb.njit(parallel=True, cache=True)
def exposure_rows(day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty, theta,
                  log_keep_unaware, annoyance_decay, annoyance_per_wasted, key,
                  last_attended, last_reached, t_paid, adstock, awareness, trust, annoyance,
                  effective, touch_draw, valid_rows, wasted_rows):
    """Exposure for every consumer (:func:`sim.engine.rows.expose_row`), chunks of rows in parallel.

    Writes the state columns in place, fills ``effective`` and ``touch_draw`` (N, B) and the consumers'
    valid and wasted impressions ``valid_rows`` and ``wasted_rows`` (N,), and returns the brands'
    (2, B) float64: valid impressions delivered, and wasted. Each chunk of rows adds up its own
    partial sums (:func:`_chunks_in_order`; with whole numbers of impressions, as float64, exact in
    any order anyway).
    """
    N, B = in_segment.shape
    n_chunks = (N + _CHUNK - 1) // _CHUNK
    partial = np.zeros((n_chunks, 2, B))
    for chunk in nb.prange(n_chunks):
        # scratch rows allocated once per chunk of consumers, not once per consumer
        n_row = np.empty(B, np.float32)
        waste_row = np.empty(B, np.float32)
        prio = np.empty(B, np.float32)
        state = np.empty(B, np.int8)
        order = np.empty(B, np.int32)
        for i in range(chunk * _CHUNK, min(N, (chunk + 1) * _CHUNK)):
            expose_row(i, day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty,
                       theta, log_keep_unaware, annoyance_decay, annoyance_per_wasted, key, last_attended,
                       last_reached, t_paid, adstock, awareness, trust, annoyance, effective, touch_draw,
                       valid_rows, wasted_rows, n_row, waste_row, prio, state, order)
            for b in range(B):
                partial[chunk, 0, b] += n_row[b]
                partial[chunk, 1, b] += waste_row[b]
    return _chunks_in_order(partial)


@nb.njit(parallel=True, cache=True)
def touch_rows(day, ctr, annoyance_ctr_drag, wom_share, wom_rate, effective, touch_draw, offer_read, impulse_rate,
               alive, forget_keep, annoyance, orders, awareness, t_wom, touched, clicked, impulse):
    """Touches for every consumer (:func:`sim.engine.rows.touch_row`), rows in parallel."""
    for i in nb.prange(wom_share.shape[0]):
        touch_row(i, day, ctr, annoyance_ctr_drag, wom_share, wom_rate, effective, touch_draw, offer_read,
                  impulse_rate, alive, forget_keep, annoyance, orders, awareness, t_wom, touched, clicked, impulse)


@nb.njit(parallel=True, cache=True)
def choice_rows(day, occasion_key, choice_key, occasion_mult, coef, interval, outside, n_sellers, sellers,
                seller_platform, seller_terms, needs, rate_mult, price_sens, on_platform, awareness, tier, touched,
                trust, adstock, coupon, coupon_fatigue, coupon_day, orders, pick):
    """Each consumer's purchase occasions and choices (:func:`sim.engine.rows.choose_row`) into ``pick`` (N, C).

    Chunks of rows in parallel; a consumer's picks depend on her row and the day's brand-level terms alone.
    Counter-based draws per (consumer, category, day), drawn only where needed: words 0 and 1 of the
    occasions block are the occasion and search uniforms of a category the consumer needs, word 0 of
    the choice block the logit uniform at an occasion.
    """
    N, C = pick.shape
    K = sellers.shape[1]
    d = np.uint64(day + DAY_OFFSET)
    n_chunks = (N + _CHUNK - 1) // _CHUNK
    for chunk in nb.prange(n_chunks):
        V = np.empty(K)
        consider = np.empty(K, np.bool_)
        for i in range(chunk * _CHUNK, min(N, (chunk + 1) * _CHUNK)):
            for c in range(C):
                pick[i, c] = -2  # no occasion
                if n_sellers[c] == 0 or not needs[i, c]:
                    continue
                w = philox4x32(np.uint64(i), np.uint64(c), d, np.uint64(0), occasion_key[0], occasion_key[1])
                if has_occasion(i, c, occasion_mult, interval, to_unit(w[0]), rate_mult):
                    u_choice = to_unit(philox4x32(np.uint64(i), np.uint64(c), d, np.uint64(0), choice_key[0],
                                                  choice_key[1])[0])
                    pick[i, c] = choose_row(i, c, day, coef, outside, n_sellers, sellers, seller_platform,
                                            seller_terms, to_unit(w[1]), u_choice, price_sens, on_platform, awareness,
                                            tier, touched, trust, adstock, coupon, coupon_fatigue, coupon_day,
                                            orders, V, consider)


@nb.njit(parallel=True, cache=True)
def census_rows(day, active_days, tier, t_private, member_seen, memberships):
    """The pools' members counted in one pass over each consumer's row.

    Returns per brand (6, B) int64: members, tiers 1, 2 and 3, members who read a message in the last
    ``active_days``, and members above tier 3 (which the invariants reject). Fills ``memberships`` (N,)
    with the pools each consumer belongs to, and stamps ``member_seen`` with ``day`` where she is a member.
    """
    N, B = tier.shape
    n_chunks = (N + _CHUNK - 1) // _CHUNK
    partial = np.zeros((n_chunks, 6, B), np.int64)
    for chunk in nb.prange(n_chunks):
        for i in range(chunk * _CHUNK, min(N, (chunk + 1) * _CHUNK)):
            m = 0
            for b in range(B):
                k = tier[i, b]
                if k > 0:
                    m += 1
                    member_seen[i, b] = day
                    partial[chunk, 0, b] += 1
                    partial[chunk, k if k <= 3 else 5, b] += 1
                    if day - t_private[i, b] < active_days:
                        partial[chunk, 4, b] += 1
            memberships[i] = m
    return _chunks_in_order(partial)


@nb.njit(parallel=True, cache=True)
def advocacy_rows(orders, tier, alive, advocate_weight, source):
    """Each pair's weight as a word-of-mouth source (docs/MODEL.md §7.8) into ``source`` (N, B) float32:
    1 for a customer of the brand, plus ``advocate_weight`` for a loyal member (tier 3), 0 for a brand gone."""
    zero = np.float32(0)
    for i in nb.prange(orders.shape[0]):
        for b in range(orders.shape[1]):
            x = np.float32(1) if orders[i, b] > 0 else zero
            if tier[i, b] == 3:
                x += advocate_weight
            source[i, b] = x if alive[b] else zero


@nb.njit(parallel=True, cache=True)
def pool_decay_rows(tier, coupon_fatigue, irritation, fatigue_keep, irritation_keep):
    """The day's decay of coupon fatigue and irritation over every pair, and who is a member of some pool.

    Returns each consumer's flag (N,) bool and each brand's members (B,) int64.
    """
    N, B = tier.shape
    n_chunks = (N + _CHUNK - 1) // _CHUNK
    member = np.empty(N, np.bool_)
    partial = np.zeros((n_chunks, B), np.int64)
    for chunk in nb.prange(n_chunks):
        counts = partial[chunk]
        for i in range(chunk * _CHUNK, min(N, (chunk + 1) * _CHUNK)):
            # branch-free loops the compiler vectorises: 2.7 -> 1.2 ms at 100,000 x 20 on one core
            for b in range(B):
                coupon_fatigue[i, b] *= fatigue_keep
                irritation[i, b] *= irritation_keep
            m = 0
            for b in range(B):
                x = np.int64(tier[i, b] > 0)
                counts[b] += x
                m += x
            member[i] = m > 0
    return member, _chunks_in_order(partial)


@nb.njit(parallel=True, cache=True)
def pool_rows(day, key, rows, cols, terms, coef, attention_on, tier3_bonus, activity, group_offset, tier, muted,
              group, attention, trust, coupon, coupon_day, coupon_fatigue, irritation, annoyance, t_private,
              respond, offer_read):
    """The day's messages for every pool member ``rows`` in the pools ``cols`` (:func:`member_rows.member_row`).

    Chunks of members in parallel. Returns the pools' sums (len(SUMS), J) and the groups' sums
    (len(GROUP_SUMS), activity.size), float64, each chunk's partial sums added in chunk order.
    """
    R, J = rows.size, cols.size
    n_chunks = (R + _CHUNK - 1) // _CHUNK
    sums = np.zeros((n_chunks, len(SUMS), J))
    group_sums = np.zeros((n_chunks, len(GROUP_SUMS), activity.size))
    for chunk in nb.prange(n_chunks):
        u = np.empty((5, J), np.float32)
        k_recv, c_reads, irr = np.empty(J, np.float32), np.empty(J, np.float32), np.empty(J, np.float32)
        for r in range(chunk * _CHUNK, min(R, (chunk + 1) * _CHUNK)):
            member_row(r, rows[r], day, key, cols, terms, coef, attention_on, tier3_bonus, activity, group_offset,
                       tier, muted, group, attention, trust, coupon, coupon_day, coupon_fatigue, irritation,
                       annoyance, t_private, respond, offer_read, sums[chunk], group_sums[chunk], u, k_recv,
                       c_reads, irr)
    return _chunks_in_order(sums), _chunks_in_order(group_sums)


@nb.njit(parallel=True, cache=True)
def reach_breadth_rows(day, window, last_reached, breadth):
    """F3's reach breadth into ``breadth`` (N,): the brands whose valid ads reached each consumer within
    ``window`` days (one pass over ``last_reached``; numpy needed three, 1.4 -> 0.6 ms at 100,000 x 20)."""
    for i in nb.prange(last_reached.shape[0]):
        k = 0
        for b in range(last_reached.shape[1]):
            k += np.int64((day - last_reached[i, b]) < window)
        breadth[i] = k
