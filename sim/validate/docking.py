"""Docking the model on analytic results: Bass diffusion (F11) and the GSP auction (F13).

Both run the model's own code through the ordinary configuration path — no separate
implementation (docs/MODEL.md §8).

**Bass docking.** One brand; only advertising, with daily adoption rate p, and word of
mouth, with rate q times the adopted share; a complete graph; every other mechanism off.
Each consumer sees exactly one attended impression a day and clicks with probability p;
word of mouth touches a consumer with probability q·F_t (F_t the adopted share at the start
of the day, mean field); the two hazards add, capped at 1. A touched consumer becomes aware
and, with a purchase occasion every day and no outside option, orders the same day. So a
non-adopter adopts with probability p + q·F_t and the expected path follows the discrete
Bass recursion F_{t+1} = F_t + (p + q·F_t)(1 − F_t): day t's adoptions use F at the start
of day t (time-step convention, docs/MODEL.md §8).

**Auction docking.** Truthful bids uniform on [0, 1], equal quality, no reserve: the
model's GSP charges position k the (k+1)-th highest bid, whose expectation is
(n − k)/(n + 1) for n bidders (k = 1 the top position).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..api import run
from ..auction import rank_bids
from ..config import (
    AdsConfig,
    AllianceSettings,
    BrandConfig,
    CalendarConfig,
    CategoryConfig,
    ChoiceConfig,
    FatigueConfig,
    GraphConfig,
    PlatformConfig,
    PopulationConfig,
    RunConfig,
    SimConfig,
    StrategyConfig,
    WomConfig,
)
from ..executor import Executor
from .checks import Check, FactResult
from .runs import VALIDATION_SEED, Overrides, Workers, executor_for


def bass_config(p: float, q: float, n: int) -> SimConfig:
    """The Bass special case as an ordinary configuration."""
    return SimConfig(
        population=PopulationConfig(agents=n, purchase_rate_sd=0.0, price_sensitivity_sd=0.0),
        graph=GraphConfig(kind="complete"),
        calendar=CalendarConfig(holidays=[]),
        categories=[CategoryConfig(name="product", purchase_interval_days=1.0, need_share=1.0,
                                   reference_price=10.0, outside_utility=-100.0, impulse_rate=0.0)],
        # one ad slot per person per day, free, no invalid traffic, shown to everyone once
        platforms=[PlatformConfig(name="ads", user_share=1.0, ad_slots_per_user=1.0, reserve_cpm=0.0,
                                  frequency_cap=1.0, invalid_traffic_share=0.0, auction_rounds=1,
                                  commission_rate=0.0, organic_search_rate=0.0)],
        ads=AdsConfig(ctr=p, awareness_per_exposure=0.0, wearout_frequency=1.0, wearout_trust_penalty=0.0,
                      annoyance_per_wasted=0.0, annoyance_ctr_drag=0.0),
        fatigue=FatigueConfig(enabled=False),
        choice=ChoiceConfig(initial_awareness=0.0, awareness_decay=0.0),
        wom=WomConfig(enabled=True, rate=q, advocate_weight=0.0, referral_boost_per_rmb=0.0),
        alliances=AllianceSettings(enabled=False),
        strategies={"ads_only": StrategyConfig(marketing_budget_per_day=1e9, private_share=0.0, run_pool=False)},
        brands=[BrandConfig(name="brand", price=10.0, unit_cost=0.0, initial_cash=1e12, strategy="ads_only")],
        run=RunConfig(warmup_days=0),
    )


def bass_analytic(p: float, q: float, days: int) -> np.ndarray:
    """F_1..F_days of the discrete Bass recursion from F_0 = 0."""
    f = np.zeros(days + 1)
    for t in range(days):
        f[t + 1] = f[t] + min(1.0, p + q * f[t]) * (1 - f[t])
    return f[1:]


def adopted_share(config_json: str, seed: np.random.SeedSequence, days: int) -> np.ndarray:
    """One Bass run through the run path: the share of consumers who have ordered by the end of each day."""
    cfg = SimConfig.model_validate_json(config_json)
    orders = run(cfg, seed=seed, days=days, keep=("orders",)).orders
    first = orders.groupby("consumer")["day"].min().to_numpy()
    return np.cumsum(np.bincount(first, minlength=days + 1)[1:days + 1]) / cfg.population.agents


def bass_docking(p: float, q: float, n: int = 20_000, days: int = 75, seed: int = 0,
                 replications: int = 20, executor: Executor | None = None) -> pd.DataFrame:
    """Adopted share per day: the mean of ``replications`` model runs against the Bass recursion.

    Returns a DataFrame with columns ``day``, ``simulated`` and ``analytic``.
    """
    cfg = bass_config(p, q, n).model_dump_json()
    tasks = [(cfg, ss, days) for ss in np.random.SeedSequence(seed).spawn(replications)]
    sims = np.stack((executor or Executor(workers=1)).results(adopted_share, tasks))
    return pd.DataFrame({"day": np.arange(1, days + 1), "simulated": sims.mean(axis=0),
                         "analytic": bass_analytic(p, q, days)})


def auction_docking(bidders: list[int] | range = range(2, 13), slots: int = 1, rounds: int = 20_000,
                    seed: int = 0) -> pd.DataFrame:
    """Mean price per slot position against (n − k)/(n + 1), for positions k < n.

    Drives the engine's own pricing (:func:`sim.auction.rank_bids`, which prices every round the
    platforms sell) with truthful uniform bids, equal quality, unlimited budgets and no reserve: then
    every bidder takes part in every auction and the price at rank k is the GSP price of position k.
    Returns columns ``bidders``, ``position``, ``simulated``, ``analytic``.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for n in bidders:
        bids = rng.random((rounds, n))
        quality, budgets = np.ones(n), np.full(n, np.inf)
        paid = np.array([rank_bids(b, quality, budgets, 1.0, 0.0, 1.0).price for b in bids])  # by rank
        for k in range(1, min(slots, n - 1) + 1):
            rows.append({"bidders": n, "position": k, "simulated": float(paid[:, k - 1].mean()),
                         "analytic": (n - k) / (n + 1)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ the facts F11 and F13


def f11_bass(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    points = [(0.005, 0.8), (0.05, 0.1)] if quick else [(0.005, 0.1), (0.005, 0.8), (0.03, 0.38), (0.05, 0.1),
                                                        (0.05, 0.8)]
    with executor_for(workers) as ex:
        docked = [bass_docking(p, q, n=20_000, days=75, seed=VALIDATION_SEED, replications=20, executor=ex)
                  for p, q in points]
    errs = [float((d["simulated"] - d["analytic"]).abs().max()) for d in docked]
    return FactResult("F11", "Bass docking", f"mean of 20 runs at n = 20,000, (p, q) in {points}",
                      [Check("max abs error, worst (p, q)", [max(errs)], high=0.02)])


def f13_auction(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    d = auction_docking(range(2, 13), slots=3, rounds=20_000, seed=VALIDATION_SEED)
    return FactResult("F13", "auction docking", "GSP, uniform truthful bids, n = 2..12, 1–3 slots",
                      [Check("max abs error of mean price per position", [float((d["simulated"] - d["analytic"])
                                                                                .abs().max())], high=0.01)])
