"""Fused, multi-threaded kernels for the consumer rows of Exposure and Touches (docs/PERFORMANCE.md).

Each kernel makes one pass over a consumer's row of every (N, B) column it touches, instead of
one numpy pass per operation, and runs the rows in parallel (numba ``prange``). The equations are
the components' (docs/MODEL.md §9 "Tolerance cap", "Wear-out", "Touches"); the components call
these kernels, so there is one implementation of each mechanism.

Random numbers are counter-based (docs/MODEL.md §4): the uniforms of a (consumer, brand) pair on
a day are the four words of Philox4x32-10 of the counter (consumer, brand, day, 0) under a key
derived from the run's seed and the purpose. A draw depends on nothing but (seed, purpose, day, consumer, brand), so
results are the same for any number of threads, no (N, B) array of uniforms is materialised, and
common random numbers across scenario arms hold by construction.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..rng import PURPOSES

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
_MASK = np.uint64(0xFFFFFFFF)
_DAY_OFFSET = 2**31  # warm-up days are negative; the counter word is unsigned
_CHUNK = 1024  # consumers per parallel task


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


def stream_key(ss: np.random.SeedSequence, purpose: str) -> np.ndarray:
    """The Philox key (two uint32 words) of a purpose, from the run's SeedSequence."""
    child = np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (PURPOSES.index(purpose), 0x9C))
    return child.generate_state(2, np.uint32).astype(np.uint64)


@nb.njit(cache=True, inline="always")
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 (Salmon et al. 2011): four uint32 words (held in uint64) of one counter block."""
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & _MASK, p1 & _MASK, ((p0 >> 32) ^ c3 ^ k1) & _MASK, p0 & _MASK
        k0 = (k0 + _W0) & _MASK
        k1 = (k1 + _W1) & _MASK
    return c0, c1, c2, c3


@nb.njit(cache=True, inline="always")
def to_unit(x):
    """A uint32 word -> float32 uniform on [0, 1), from its top 24 bits (exact in float32)."""
    return np.float32(x >> 8) * np.float32(1.0 / 16777216.0)


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
    d = np.uint64(day + _DAY_OFFSET)
    for j in range(consumers.size):
        w = philox4x32(np.uint64(consumers[j]), np.uint64(brands[j]), d, np.uint64(0), key[0], key[1])
        out[j] = to_unit(w[word])
    return out


@nb.njit(parallel=True, cache=True)
def exposure_rows(day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty, theta,
                  log_keep_unaware, annoyance_decay, annoyance_per_wasted, key,
                  last_attended, last_reached, t_paid, adstock, awareness, trust, annoyance,
                  n_imp, effective, wasted, touch_draw):
    """Delivery, the tolerance cap, wear-out, stamps, ad stock, awareness, trust and annoyance, row by row.

    Writes the state columns in place and fills ``n_imp``, ``effective``, ``wasted`` and ``touch_draw``
    (N, B). One counter block per pair and day gives its three uniforms: word 0 delivers
    ⌊λ_b + u⌋ impressions inside the brand's segment, word 1 is the pair's priority under the cap,
    word 2 the touch draw that :func:`touch_rows` reads. Under the cap, brands attended within the
    window stay attended and new ones fill the free places in the order of their priorities; if more
    brands are remembered than tolerated, today's brands compete for all the places.
    """
    N, B = in_segment.shape
    d = np.uint64(day + _DAY_OFFSET)
    for chunk in nb.prange((N + _CHUNK - 1) // _CHUNK):
        # scratch rows allocated once per chunk of consumers, not once per consumer
        prio = np.empty(B, np.float32)
        state = np.empty(B, np.int8)  # 0 not reached, 1 reached and in the window, 2 reached and new
        for i in range(chunk * _CHUNK, min(N, (chunk + 1) * _CHUNK)):
            _expose_row(i, d, day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty,
                        theta, log_keep_unaware, annoyance_decay, annoyance_per_wasted, key, last_attended,
                        last_reached, t_paid, adstock, awareness, trust, annoyance, n_imp, effective, wasted,
                        touch_draw, prio, state)


@nb.njit(cache=True, inline="always")
def _expose_row(i, d, day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty, theta,
                log_keep_unaware, annoyance_decay, annoyance_per_wasted, key, last_attended, last_reached, t_paid,
                adstock, awareness, trust, annoyance, n_imp, effective, wasted, touch_draw, prio, state):
    B = lam.size
    zero = np.uint64(0)
    state[:] = 0
    remembered = 0
    n_new = 0
    for b in range(B):
        w = philox4x32(np.uint64(i), np.uint64(b), d, zero, key[0], key[1])
        touch_draw[i, b] = to_unit(w[2])
        n = np.floor(lam[b] + to_unit(w[0])) if in_segment[i, b] else np.float32(0)
        n_imp[i, b] = n
        in_window = (day - last_attended[i, b]) < window
        remembered += in_window
        if n > 0:
            state[b] = 1 if in_window else 2
            n_new += not in_window
            prio[b] = to_unit(w[1])
    free = tolerance[i] - remembered
    compete_all = fatigue_on and remembered > tolerance[i]  # the cap was lowered below what is remembered
    ranked = fatigue_on and (compete_all or n_new > max(free, 0))
    places = tolerance[i] if compete_all else max(free, 0)
    wasted_row = np.float32(0)
    for b in range(B):
        n = n_imp[i, b]
        attended = state[b] > 0
        if ranked and attended and (compete_all or state[b] == 2):
            # rank among the competitors: smaller priority first, ties by brand index
            rank = 0
            for c in range(B):
                if (compete_all and state[c] > 0) or (not compete_all and state[c] == 2):
                    if prio[c] < prio[b] or (prio[c] == prio[b] and c < b):
                        rank += 1
            attended = rank < places
        n_att = n if attended else np.float32(0)
        eff = min(n_att, wearout_frequency)
        excess = n_att - eff
        waste = (n - n_att) + excess
        effective[i, b] = eff
        wasted[i, b] = waste
        wasted_row += waste
        if attended:
            last_attended[i, b] = day
        if n > 0:
            last_reached[i, b] = day
        if eff > 0:
            t_paid[i, b] = day
            if log_keep_unaware != 0:  # 1 − (1 − A)·(1 − a)^e
                awareness[i, b] = 1 - (1 - awareness[i, b]) * np.exp(eff * log_keep_unaware)
        adstock[i, b] = adstock[i, b] * theta + eff
        if excess > 0 and trust_penalty > 0:
            trust[i, b] = max(trust[i, b] - trust_penalty * excess, np.float32(0))
    annoyance[i] = annoyance[i] * annoyance_decay + annoyance_per_wasted * wasted_row


@nb.njit(parallel=True, cache=True)
def touch_rows(day, ctr, annoyance_ctr_drag, h_wom, effective, touch_draw, offer_read, impulse_rate, alive,
               forget_keep, annoyance, orders, awareness, t_wom, touched, clicked, impulse):
    """Clicks, word-of-mouth touches, impulse orders and forgetting, row by row.

    ``h_wom`` (N, B) is the word-of-mouth hazard; the paid hazard is ctr·exp(−drag·annoyance)·effective.
    The hazards add, capped at 1, and one uniform (``touch_draw``, from :func:`exposure_rows`) decides
    the touch and whether it is a click. A click is an impulse order with probability impulse_rate.
    Awareness decays among non-customers who were not touched (``forget_keep`` = 1 − decay).
    """
    N, B = h_wom.shape
    for i in nb.prange(N):
        paid_scale = ctr * np.exp(-annoyance_ctr_drag * annoyance[i])
        for b in range(B):
            h_paid = paid_scale * effective[i, b]
            h = min(h_wom[i, b] + h_paid, np.float32(1))
            u = touch_draw[i, b]
            t = u < h
            c = t and u < h_paid
            impulse[i, b] = c and alive[b] and u < impulse_rate[b] * h_paid
            if t:
                awareness[i, b] = 1
                if not c:
                    t_wom[i, b] = day
            t = t or offer_read[i, b]  # a partner's offer read in a pool touches the partner brand
            touched[i, b] = t
            clicked[i, b] = c
            if forget_keep != 1 and not t and orders[i, b] == 0:
                awareness[i, b] *= forget_keep
