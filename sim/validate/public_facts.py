"""The facts of public traffic: rising CAC (F1), the leaky one-off funnel (F2) and the fatigue cap (F3)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..config import with_overrides
from .checks import Check, Down, FactResult
from .runs import Overrides, Workers, brand_rows, builtin_scenario, run_arms, run_markets


def f1_rising_cac(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = builtin_scenario("rising_cac", quick, ov)
    sc.arms = {"public_only": sc.arms["public_only"]}
    results, _ = run_arms(sc, workers, share=True)
    ratios = []
    for r in results["public_only"]:
        b = r.daily[r.daily["entity_type"] == "brand"]
        g = b.groupby((b["day"] - 1) // 365)[["ad_spend", "new_customers_paid"]].sum()
        cac = g["ad_spend"] / g["new_customers_paid"]
        ratios.append(float(cac.iloc[-1] / cac.iloc[0]))
    return FactResult("F1", "rising CAC", "rising_cac (public_only arm)",
                      [Check("market CAC year 4 / year 1", ratios, 4, 16)])


def f2_funnel(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = builtin_scenario("baseline", quick, ov)
    sc.arms = {"public_only": sc.arms["public_only"]}
    results, _ = run_arms(sc, workers)
    vis, ordr, repeat_paid = [], [], []
    for r in results["public_only"]:
        f = brand_rows(r, sc.base.market.focal_brand)
        vis.append(f["impressions_valid"].sum() / f["clicks"].sum())
        ordr.append(f["clicks"].sum() / f["orders_from_clicks"].sum())
        rep = f["orders"].sum() - f["new_customers"].sum()
        repeat_paid.append((f["orders_paid"].sum() - f["new_customers_paid"].sum()) / rep)
    return FactResult("F2", "leaky public funnel", "baseline (public_only arm)", [
        Check("valid impressions per visit", vis, 5, 200), Check("visits per order from a visit", ordr, 5, 200),
        Check("share of repeat orders through paid public", repeat_paid, 0.5, 1.0)])


def f3_fatigue_cap(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    """Waste by reach breadth and marginal CAC over a sweep of advertisers in one category.

    The market of ``rising_cac`` (snacks on one platform, fixed inventory) with 5 to 40
    public-only advertisers and no entrants: only the number of competitors changes.
    """
    from ..metrics import X_BINS
    from ..model import apply_knobs

    agents, reps, days = (2000, 3, 60) if quick else (10_000, 5, 90)
    points = (5, 10, 20, 40)
    sc = builtin_scenario("rising_cac", False)  # _sweep applies ov to every market
    base = with_overrides(sc.base, {"population.agents": agents, "population.scale": 10_000 / agents,
                                    "run.warmup_days": 30, "market.entrants": 0,
                                    **{f"brands.{i}.strategy": "public_only" for i in range(len(sc.base.brands))}})
    configs = {f"brands_{n}": apply_knobs(base, {"n_brands": n}) for n in points}
    runs = run_markets(configs, reps, days, workers, ov)
    low, high, slope = [], [], []
    for k in range(reps):
        market = pd.concat([runs[name][k].market for name in configs])
        valid = market[[f"valid_x{i}" for i in range(len(X_BINS))]].sum().to_numpy()
        wasted = market[[f"wasted_x{i}" for i in range(len(X_BINS))]].sum().to_numpy()
        low.append(wasted[0] / valid[0])
        high.append(wasted[-1] / valid[-1] if valid[-1] > 0 else math.nan)
        spend, new = [], []
        for name in configs:
            b = runs[name][k].daily.query("entity_type == 'brand'")
            spend.append(b["ad_spend"].sum())
            new.append(b["new_customers_paid"].sum())
        # marginal CAC = Δ spend / Δ new customers; past saturation Δ new turns negative and the
        # ratio flips sign, so the check reads its inverse, new customers per extra 1,000 RMB
        per_k = np.diff(new) / np.diff(spend) * 1000
        slope.append(float(per_k[-1] - per_k[0]))
    return FactResult("F3", "fatigue cap", f"snacks at fixed inventory, {points} advertisers, tolerance 15", [
        Check("wasted share of valid impressions at x ≤ 0.5", low, high=0.10),
        Check("wasted share of valid impressions at x ≥ 2", high, 0.40, 1.0),
        Down("new customers per extra 1,000 RMB (1 / marginal CAC), last − first step", slope)])
