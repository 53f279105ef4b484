"""The facts of market structure: concentration (F10) and migration to private traffic (F12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..study.runs import ArmRun
from .checks import Check, FactResult, Up
from .runs import Overrides, Workers, builtin_scenario, run_arms


def f10_concentration(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = builtin_scenario("concentration", quick, ov)
    results, _ = run_arms(sc, workers)
    q = np.array([c.quality for c in sc.base.brands])
    bottom, top = q <= np.quantile(q, 0.25), q >= np.quantile(q, 0.75)

    def measures(r: ArmRun) -> tuple[float, float]:
        b = r.daily.query("entity_type == 'brand'")

        def hhi(part: pd.DataFrame) -> float:
            imp = part.groupby("brand_id")["impressions"].sum()
            share = imp / imp.sum()
            return float((share**2).sum())

        rise = hhi(b[b["day"] > b["day"].max() - 90]) - hhi(b[b["day"] <= 90])
        exited = r.summary.set_index("brand_id")["exit_day"].notna().to_numpy()
        return rise, float(exited[bottom].mean() - exited[top].mean())

    m_on = [measures(r) for r in results["weighting_on"]]
    m_off = [measures(r) for r in results["weighting_off"]]
    return FactResult("F10", "concentration", "concentration: equal cash, 20 brands differing in quality only", [
        Up("HHI of impressions, last − first 90 days", [a for a, _ in m_on]),
        Up("exit rate, bottom − top quality quartile", [b for _, b in m_on]),
        Up("HHI rise, weighting on − off", [a - c for (a, _), (c, _) in zip(m_on, m_off, strict=True)]),
        Up("exit-rate gap, weighting on − off", [b - d for (_, b), (_, d) in zip(m_on, m_off, strict=True)])])


def f12_migration(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    from scipy.stats import spearmanr

    sc = builtin_scenario("rising_cac", quick, ov)
    sc.arms = {"public_only": sc.arms["public_only"]}
    results, _ = run_arms(sc, workers, share=True)
    from ..engine.brands import build_brands

    # the brands that run the adaptive rule in the scenario as written (an ablation may switch the
    # rule off: the same brands are then measured), configured ones plus entrants as the model builds them
    plain = builtin_scenario("rising_cac", quick).base
    brands = build_brands(plain)
    adaptive = [i for i, b in enumerate(brands) if plain.strategies[b.strategy].adaptive]
    rhos = []
    for r in results["public_only"]:
        b = r.daily.query("entity_type == 'brand'")
        b = b[b["brand_id"].isin(adaptive) & b["alive"]]
        month = (b["day"] - 1) // 30
        g = b.groupby(["brand_id", month])[["ad_spend", "new_customers_paid", "costs_wages", "costs_content",
                                             "costs_incentives"]].sum()
        private = g["costs_wages"] + g["costs_content"] + g["costs_incentives"]
        g = g.assign(cac=g["ad_spend"] / g["new_customers_paid"].replace(0, np.nan),
                     share=private / (private + g["ad_spend"])).dropna(subset=["cac", "share"])
        rhos.append(float(spearmanr(g["cac"], g["share"]).statistic) if len(g) > 3 else math.nan)
    return FactResult("F12", "migration to private", f"rising_cac: brand-months of adaptive brands {adaptive}",
                      [Check("Spearman ρ(brand-month CAC, private share of spend)", rhos, 0.5, 1.0)])
