"""Paid acquisition: a generalised second-price (GSP) auction with reserve and quality weighting.

Source: Edelman, Ostrovsky & Schwarz (2007). Bidders are ranked by score = bid · quality^w
(w = ``platforms.*.quality_weight``; w = 0 switches quality weighting off). The bidder in
position k pays per impression the smallest bid that would keep its position,

    price_k = max(reserve, score_{k+1} / quality_k^w),

and never more than its own bid. With more bidders the clearing price rises (MODEL_BRIEF
F13: for truthful bids uniform on [0, 1], equal quality and no reserve, E[price_k] =
(n − k)/(n + 1)).

Impressions are sold in batches: each day's inventory of a targeting segment is split over
``auction_rounds`` rounds, and within a round the winners, in rank order, buy as many
impressions as their paced round budget pays for at their GSP price until the round's
inventory runs out (budget pacing). CPM and CAC are outputs, never inputs.
"""

from __future__ import annotations

import numpy as np


def gsp_prices(bids: np.ndarray, quality: np.ndarray, reserve: float = 0.0,
               quality_weight: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Rank and GSP price per unit for each bidder of one auction (or a batch of auctions).

    Args:
        bids: bid per impression (RMB), shape (n,) or (rounds, n).
        quality: quality score per bidder, broadcastable to ``bids``.
        reserve: reserve price per impression (RMB).
        quality_weight: exponent w on quality in the score.

    Returns:
        (order, price): ``order[..., k]`` is the index of the bidder in position k (highest
        score first); ``price[..., i]`` is what bidder i pays per unit if it wins a slot, NaN
        for bidders whose bid is below the reserve.
    """
    bids = np.asarray(bids, dtype=float)
    qw = np.broadcast_to(np.asarray(quality, dtype=float) ** quality_weight, bids.shape)
    score = bids * qw
    # stable sort on -score: ties keep index order, which keeps runs deterministic
    order = np.argsort(-score, axis=-1, kind="stable")
    sorted_score = np.take_along_axis(score, order, axis=-1)
    next_score = np.concatenate([sorted_score[..., 1:], np.zeros(sorted_score.shape[:-1] + (1,))], axis=-1)
    sorted_q = np.take_along_axis(qw, order, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sorted_price = np.where(sorted_q > 0, next_score / sorted_q, 0.0)
    sorted_price = np.maximum(sorted_price, reserve)
    sorted_bid = np.take_along_axis(bids, order, axis=-1)
    sorted_price = np.minimum(sorted_price, sorted_bid)
    sorted_price = np.where(sorted_bid >= reserve, sorted_price, np.nan)
    price = np.empty_like(sorted_price)
    np.put_along_axis(price, order, sorted_price, axis=-1)
    return order, price


def sell_round(bids: np.ndarray, quality: np.ndarray, budgets: np.ndarray, inventory: float,
               reserve: float, quality_weight: float, max_qty: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Sell one round's inventory to budget-constrained bidders in GSP rank order.

    Each eligible bidder (bid >= reserve, budget > 0) in rank order buys
    min(budget / price, max_qty, inventory left) impressions at its GSP price; max_qty is
    the platform's frequency cap times the segment's users (per round).

    Returns:
        (impressions, spend) per bidder for this round.
    """
    n = len(bids)
    imps = np.zeros(n)
    spend = np.zeros(n)
    active = (budgets > 0) & (bids > 0)
    if not active.any() or inventory <= 0:
        return imps, spend
    idx = np.flatnonzero(active)
    order, price = gsp_prices(bids[idx], quality[idx], reserve, quality_weight)
    left = float(inventory)
    for k in order:  # a loop over the few bidders of a segment, not over consumers
        p = price[k]
        if not np.isfinite(p) or left <= 0:
            continue
        i = idx[k]
        q = min(left, max_qty) if p <= 0 or budgets[i] >= p * min(left, max_qty) else budgets[i] / p
        imps[i] = q
        spend[i] = q * p
        left -= q
    return imps, spend


def run_day(bids: np.ndarray, quality: np.ndarray, daily_budgets: np.ndarray, inventory: float,
            reserve: float, quality_weight: float, rounds: int, max_qty: float = np.inf
            ) -> tuple[np.ndarray, np.ndarray]:
    """One day of a segment: ``rounds`` rounds, each with 1/rounds of the inventory.

    Pacing: in round r a bidder may spend (budget left) / (rounds left), so budget not
    spent early carries over to later rounds.
    """
    left = daily_budgets.astype(float).copy()
    imps = np.zeros(len(bids))
    spend = np.zeros(len(bids))
    for r in range(rounds):
        paced = left / (rounds - r)
        i_r, s_r = sell_round(bids, quality, paced, inventory / rounds, reserve, quality_weight, max_qty / rounds)
        imps += i_r
        spend += s_r
        left -= s_r
    return imps, spend
