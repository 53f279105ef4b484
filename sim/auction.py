"""Paid acquisition: a generalised second-price (GSP) auction with reserve, quality weighting
and budget pacing by probabilistic throttling.

Source: Edelman, Ostrovsky & Schwarz (2007) for GSP; Agarwal et al. (2014, "Budget pacing for
targeted online advertisements") and Balseiro, Kim & Mahdian (2017) for throttling. Bidders
are ranked by score = bid · quality^w (w = ``platforms.*.quality_weight``; w = 0 switches
quality weighting off). The winner of an impression pays the smallest bid that would have
kept its position against the other bidders in that auction,

    price = max(reserve, score_next / quality_winner^w),

and never more than its own bid. With unlimited budgets (every π = 1 below) the price at rank k is
the GSP price of position k; for truthful bids uniform on [0, 1], equal quality and no reserve,
E[price_k] = (n − k)/(n + 1) (docs/MODEL.md §1, fact F13). :func:`rank_bids` ranks and prices every
round the engine sells, and F13's docking drives the same function.

A segment's impressions are many separate auctions. A budget-limited bidder takes part in
only a share π_i of them (throttling), so with few advertisers most impressions see one
bidder and clear at the reserve, and with many every impression is contested and the price
climbs toward the bids: this is why CAC rises with competition at fixed inventory (F1).
In rank order k = 1..n (S_k = Π_{j<k}(1 − π_j): the share of auctions no higher-ranked
bidder joined),

    impressions_k = I · S_k · π_k,
    E[price_k]    = (Σ_{m>k} score_m · π_m · Π_{k<j<m}(1 − π_j)) / quality_k^w + reserve · Π_{j>k}(1 − π_j),
    π_k           = min(1, budget_k / (I · S_k · E[price_k]), max_qty / (I · S_k)),

solved by fixed-point iteration (it converges in 10–30 sweeps). With unlimited budgets every
π = 1 and this is GSP exactly. The reserve applies to the expected price as a whole, so it is
exact when quality is equal or w = 0. Each day's inventory of a targeting segment is split
over ``auction_rounds`` rounds with the budget left paced evenly over the rounds left.
CPM and CAC are outputs, never inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np

from . import arrays as ar


@nb.njit(cache=True)
def participation(score: np.ndarray, qw: np.ndarray, bid: np.ndarray, budget: np.ndarray, inventory: float,
                  reserve: float, max_qty: float, tol: float = 1e-10, max_sweeps: int = 500
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Throttling shares π and expected prices per win for bidders sorted by score (highest first).

    Compiled: a segment has a few dozen bidders, but this runs every round of every segment, and
    in Python its sweeps were a quarter of a day at 10,000 consumers. Scalar float64 arithmetic in
    the same order as the equations above, as it was in Python.
    """
    n = score.size
    pi = np.ones(n)
    price = np.zeros(n)
    for _ in range(max_sweeps):
        above_none = 0.0  # Σ score·π·Π(1 − π) over lower ranks, built from the bottom
        none_below = 1.0  # Π_{j>k}(1 − π_j)
        for k in range(n - 1, -1, -1):
            price[k] = min(bid[k], above_none / qw[k] + reserve * none_below)
            above_none = score[k] * pi[k] + (1.0 - pi[k]) * above_none
            none_below *= 1.0 - pi[k]
        free = 1.0  # S_k
        change = 0.0
        for k in range(n):
            avail = inventory * free
            share = 1.0
            if avail > 0:
                if price[k] > 0:
                    share = min(share, budget[k] / (avail * price[k]))
                share = min(share, max_qty / avail)
            change = max(change, abs(share - pi[k]))
            pi[k] = share
            free *= 1.0 - share
        if change < tol:
            break
    return pi, price


@nb.njit(cache=True)
def _rank(bids: np.ndarray, qw: np.ndarray, budgets: np.ndarray, reserve: float, tie_offset: int) -> np.ndarray:
    """Indices of the active bidders (budget, bid above the reserve), highest score = bid · qw first.

    Equal scores in turn from ``tie_offset`` (mod n): the keys (−score, (i − tie_offset) mod n) are all
    distinct, so this insertion sort gives the one order any sort gives.
    """
    n = bids.size
    order = np.empty(n, np.int64)
    m = 0
    for i in range(n):
        if not (budgets[i] > 0 and bids[i] > 0 and bids[i] >= reserve):
            continue
        score, turn = bids[i] * qw[i], (i - tie_offset) % n
        j = m
        while j > 0:
            o = order[j - 1]
            s_o = bids[o] * qw[o]
            if s_o > score or (s_o == score and (o - tie_offset) % n < turn):
                break
            order[j] = o
            j -= 1
        order[j] = i
        m += 1
    return order[:m]


@nb.njit(cache=True)
def _sell_round(bids: np.ndarray, qw: np.ndarray, budgets: np.ndarray, inventory: float, reserve: float,
                max_qty: float, tie_offset: int) -> tuple[np.ndarray, np.ndarray]:
    n = bids.size
    imps, spend = np.zeros(n), np.zeros(n)
    order = _rank(bids, qw, budgets, reserve, tie_offset)
    if order.size == 0 or inventory <= 0:
        return imps, spend
    pi, price = participation(bids[order] * qw[order], qw[order], bids[order], budgets[order], inventory, reserve,
                              max_qty)
    free = 1.0
    for k in range(order.size):  # a loop over the few bidders of a segment, not over consumers
        i = order[k]
        imps[i] = inventory * free * pi[k]
        spend[i] = min(imps[i] * price[k], budgets[i])  # min: rounding only
        free *= 1.0 - pi[k]
    return imps, spend


@nb.njit(cache=True)
def _run_day(bids: np.ndarray, qw: np.ndarray, daily_budgets: np.ndarray, inventory: float, reserve: float,
             rounds: int, max_qty: float, first_round: int) -> tuple[np.ndarray, np.ndarray]:
    left = daily_budgets.copy()
    imps, spend = np.zeros(bids.size), np.zeros(bids.size)
    for r in range(rounds):
        i_r, s_r = _sell_round(bids, qw, left / (rounds - r), inventory / rounds, reserve, max_qty / rounds,
                               first_round + r)
        imps += i_r
        spend += s_r
        left -= s_r
    return imps, spend


def _quality_factor(quality: np.ndarray, quality_weight: float) -> np.ndarray:
    return ar.libm(math.pow, np.asarray(quality, dtype=float), quality_weight)


@dataclass(frozen=True)
class RankedBids:
    """One round's bidders in rank order: who they are, their throttling share π and expected price per win."""

    bidder: np.ndarray  # indices into the round's bidders, highest score first (active bidders only)
    share: list[float]
    price: list[float]


def rank_bids(bids: np.ndarray, quality: np.ndarray, budgets: np.ndarray, inventory: float, reserve: float,
              quality_weight: float, max_qty: float = np.inf, tie_offset: int = 0) -> RankedBids:
    """Rank one round's active bidders (budget, bid above the reserve) by score and price them.

    Equal scores are ranked in turn: bidder ``tie_offset`` (mod n) first, then the next indices, so that
    identical bidders share the top rank over rounds instead of the lowest index always winning it.
    The same compiled ranking and pricing as every round :func:`run_day` sells.
    """
    bids, budgets = np.asarray(bids, dtype=float), np.asarray(budgets, dtype=float)
    qw = _quality_factor(quality, quality_weight)
    idx = _rank(bids, qw, budgets, float(reserve), int(tie_offset))
    if idx.size == 0 or inventory <= 0:
        return RankedBids(idx, [], [])
    pi, price = participation(bids[idx] * qw[idx], qw[idx], bids[idx], budgets[idx], float(inventory),
                              float(reserve), float(max_qty))
    return RankedBids(idx, [float(x) for x in pi], [float(x) for x in price])


def sell_round(bids: np.ndarray, quality: np.ndarray, budgets: np.ndarray, inventory: float,
               reserve: float, quality_weight: float, max_qty: float = np.inf, tie_offset: int = 0
               ) -> tuple[np.ndarray, np.ndarray]:
    """Sell one round's inventory to budget-constrained, throttled bidders (see module docstring).

    max_qty is the platform's frequency cap times the segment's users (per round); ties rotate with
    ``tie_offset`` (:func:`rank_bids`).

    Returns:
        (impressions, spend) per bidder for this round.
    """
    return _sell_round(np.asarray(bids, dtype=float), _quality_factor(quality, quality_weight),
                       np.asarray(budgets, dtype=float), float(inventory), float(reserve), float(max_qty),
                       int(tie_offset))


def run_day(bids: np.ndarray, quality: np.ndarray, daily_budgets: np.ndarray, inventory: float,
            reserve: float, quality_weight: float, rounds: int, max_qty: float = np.inf, first_round: int = 0
            ) -> tuple[np.ndarray, np.ndarray]:
    """One day of a segment: ``rounds`` rounds, each with 1/rounds of the inventory.

    Pacing: in round r a bidder may spend (budget left) / (rounds left), so budget not
    spent early carries over to later rounds. ``first_round`` numbers the day's first round
    in the run (day × rounds), so that ties rotate over all bidders across days. Compiled whole
    (rounds, ranking, fixed point, allocation): it runs for every segment every day.
    """
    return _run_day(np.asarray(bids, dtype=float), _quality_factor(quality, quality_weight),
                    np.asarray(daily_budgets, dtype=float), float(inventory), float(reserve), int(rounds),
                    float(max_qty), int(first_round))
