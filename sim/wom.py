"""Word of mouth and referral rewards over the social graph (S16, Bass 1969).

A consumer is touched by brand b's word of mouth with daily hazard

    h_wom = rate · (1 + referral_boost · reward_b) · s_ib,

where s_ib is the degree-normalised share of i's neighbours who are b's customers
(weight 1) or loyal pool members (extra ``advocate_weight``). It is linear in the share so
that on the complete graph (s = F, the adopted share) it is exactly Bass's q·F.
Hazards of different channels add, capped at 1 (docs/MODEL.md §8).

The source changes little from day to day (a few new customers, a few loyal members), so
:class:`NeighbourShare` updates s from the day's changes along their edges instead of
multiplying the whole (N, B) source by the adjacency matrix every day; it recomputes in
full every ``refresh`` days so that float32 rounding cannot build up.
"""

from __future__ import annotations

import numpy as np

from .graph import SocialGraph


def brand_rate(rate: float, referral_boost: float, reward: np.ndarray) -> np.ndarray:
    """rate · (1 + referral_boost · reward_b) per brand, float32 (B,).

    The hazard is this times the neighbour share s_ib; the touch kernel multiplies the two in each
    consumer's row (:func:`sim.engine.rows.touch_row`), so no (N, B) array of hazards is made.
    """
    return (rate * (1.0 + referral_boost * reward)).astype(np.float32)


class NeighbourShare:
    """s = D⁻¹A·x for a source x that changes a little each day, kept up to date from the changes.

    :meth:`neighbour_share` returns the share for the given source. The first call, every ``refresh``-th
    call, calls where more than ``dense_share`` of the entries changed, and the complete graph
    compute it in full (:meth:`SocialGraph.neighbour_share`); other calls add D⁻¹A·(x − x_prev)
    along the edges of the consumers whose entries changed. A function of the sequence of
    sources alone, so runs stay reproducible.
    """

    def __init__(self, graph: SocialGraph, refresh: int = 30, dense_share: float = 0.02):
        self.graph, self.refresh, self.dense_share = graph, refresh, dense_share
        self._source: np.ndarray | None = None
        self._share: np.ndarray | None = None
        self._calls = 0

    def neighbour_share(self, source: np.ndarray) -> np.ndarray:
        g = self.graph
        full = self._source is None or g.complete or self._calls % self.refresh == 0
        self._calls += 1
        if not full:
            # the entries that changed, then their differences alone: no (N, B) array of differences
            changed = np.flatnonzero(source != self._source)  # on the bool mask: 15× faster than on floats
            full = changed.size > self.dense_share * source.size
        if full:
            self._share = g.neighbour_share(source)
        elif changed.size:
            B = source.shape[1]
            who, col = np.divmod(changed, B)
            start, deg = g.indptr[who], g.indptr[who + 1] - g.indptr[who]
            # the neighbours of each changed consumer, flattened: indices[start_k : start_k + deg_k]
            offset = np.repeat(start - np.cumsum(deg) + deg, deg) + np.arange(deg.sum())
            nbr = g.indices[offset]
            delta = source.ravel()[changed] - self._source.ravel()[changed]
            add = np.repeat(delta, deg) * g.inv_degree[nbr]
            np.add.at(self._share.reshape(-1), nbr * B + np.repeat(col, deg), add)
        self._source = source
        return self._share
