"""Ad fatigue: geometric ad stock, Hill saturation, the tolerance cap and wear-out.

Sources: docs/MODEL.md §7.2 and S3 (users attend to at most ~15 brands' ads at once);
geometric adstock and Hill saturation as in the marketing-mix models Robyn and Meridian.

Per consumer i and brand b, with n_ib valid impressions delivered today:

* tolerance cap: i attends to at most K_i distinct brands within ``window_days``. A brand
  already attended in the window stays attended; new brands fill the free places in a
  random order; impressions of the other brands are *wasted* (paid, no effect). If more
  brands are remembered than K_i (the cap was lowered), today's brands compete for K_i places.
* wear-out: attended impressions beyond ``wearout_frequency`` per day are wasted too and
  each costs ``wearout_trust_penalty`` of trust (negative marginal effect of frequency).
* ad stock: x*_t = e_t + θ · x*_{t−1}, with e_t the effective (attended, not worn-out)
  impressions.
* response: Hill(x*) = x*^α / (x*^α + K^α).
"""

from __future__ import annotations

import numpy as np

from .arrays import count_rows


def attend(reached: np.ndarray, last_attended: np.ndarray, day: int, window: int,
           tolerance: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """Which (consumer, brand) pairs reached today are attended under the tolerance cap.

    Args:
        reached: bool (N, B), brand b's valid ad reached consumer i today.
        last_attended: int (N, B), last day i attended b's ads.
        day: today.
        window: window_days.
        tolerance: int (N,), K_i.
        priority: float (N, B) uniforms; among new brands competing for free places the
            smallest priorities win.

    Returns:
        bool (N, B) attended today.
    """
    in_window = (day - last_attended) < window
    already = reached & in_window
    candidates = reached & ~in_window
    remembered = count_rows(in_window)
    free = tolerance - remembered
    n_cand = count_rows(candidates)
    attended = already | candidates
    over = np.flatnonzero(n_cand > np.maximum(free, 0))
    if over.size:
        # only consumers with more new brands than free places need the ranking
        pr = np.where(candidates[over], priority[over], np.inf)
        keep = _rank(pr) < np.maximum(free[over], 0)[:, None]
        attended[over] = already[over] | (candidates[over] & keep)
    full = np.flatnonzero(remembered > tolerance)
    if full.size:
        # more brands remembered than tolerated (the cap was lowered): today's brands compete for K places
        pr = np.where(reached[full], priority[full], np.inf)
        attended[full] = reached[full] & (_rank(pr) < tolerance[full][:, None])
    return attended


def _rank(priority: np.ndarray) -> np.ndarray:
    """Rank of each entry within its row (0 = smallest)."""
    return np.argsort(np.argsort(priority, axis=1, kind="stable"), axis=1, kind="stable")


def wear_out(n_attended: np.ndarray, wearout_frequency: float) -> tuple[np.ndarray, np.ndarray]:
    """Split attended impressions into effective ones and worn-out excess."""
    effective = np.minimum(n_attended, wearout_frequency)
    return effective, n_attended - effective


def update_adstock(adstock: np.ndarray, effective: np.ndarray, theta: float) -> None:
    """In place: x*_t = e_t + θ · x*_{t−1}."""
    adstock *= theta
    adstock += effective


def hill(x: np.ndarray, half: float, shape: float) -> np.ndarray:
    """Hill saturation x^α / (x^α + K^α), in [0, 1)."""
    xa = np.power(np.maximum(x, 0), shape)
    return xa / (xa + half**shape)
