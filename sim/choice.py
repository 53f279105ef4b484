"""Purchase occasions, multinomial-logit brand choice and channel attribution.

Occasions: consumer i who buys category c has an occasion on day t with probability
min(1, m_t · r_i / interval_c) (m_t the holiday multiplier, r_i a lognormal frequency
trait).

Choice: among the brands of c in i's consideration set (aware, touched today, member of
the brand's pool, or found by organic search) and the outside option,

    V_ib = β_q q_b − β_p s_i ln(p_b / p̄_c) + β_trust T_ib + β_ad Hill(x*_ib)
           + β_coupon κ_ib / p_b + β_tier tier_ib + β_habit 1[bought before] + β_touch 1[touched today]
    P(b) = exp V_ib / (exp u0_c + Σ_b' exp V_ib'),

drawn with one uniform per consumer and category against the cumulative probabilities
(no Gumbel draws, docs/MODEL.md §4, Stochasticity). The engine computes occasions and choices
row by row in a compiled kernel (:func:`sim.engine.rows.choose_row`).

Attribution: each order gets exactly one channel, the highest in the precedence
private > alliance > paid public > word of mouth > organic among touches within the
attribution window.
"""

from __future__ import annotations

import numpy as np

# Channel codes, in attribution precedence (lower = higher precedence).
PRIVATE, ALLIANCE, PAID, WOM, ORGANIC = 0, 1, 2, 3, 4
CHANNELS = ("private", "alliance", "paid", "wom", "organic")


def attribute(day: int, window: int, is_member: np.ndarray, t_private: np.ndarray,
              t_alliance: np.ndarray, t_paid: np.ndarray, t_wom: np.ndarray) -> np.ndarray:
    """Channel code per order from the days of the last touches (arrays over orders)."""
    ch = np.full(is_member.shape, ORGANIC, dtype=np.int8)
    ch[(day - t_wom) < window] = WOM
    ch[(day - t_paid) < window] = PAID
    ch[(day - t_alliance) < window] = ALLIANCE
    ch[is_member & ((day - t_private) < window)] = PRIVATE
    return ch
