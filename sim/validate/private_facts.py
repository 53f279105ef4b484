"""The facts of private traffic: pools pay for frequent purchases (F4) but are not cheap (F5), harvesting vs
cultivating (F6), group saturation (F7), alliances (F8) and traffic property rights (F9)."""

from __future__ import annotations

import math

import numpy as np

from ..config import with_overrides
from .checks import Check, Down, FactResult, Up
from .runs import Overrides, Workers, brand_rows, builtin_scenario, paired, run_arms

# F4 at reduced size: both band quantities sit about 0.06 inside their bands with a replication sd of
# 0.02-0.03 (seed 1); with the 3 replications of --quick the CI's half-width is 4.30 sd / sqrt(3) = 2.5 sd,
# which put one of them across a band edge at random (0.42-0.65 at 06e5c04, 0.62-0.751 at 658c94b);
# 6 replications give 2.57 sd / sqrt(6) = 1.05 sd, about 0.03 (docs/MODEL.md §10)
F4_QUICK_REPLICATIONS = 6


def f4_private_frequent(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = builtin_scenario("baseline", quick, ov)
    sc.replications = max(sc.replications, F4_QUICK_REPLICATIONS)
    focal = 11  # accessories, bought about every 60 days (the 于小戈 case)

    sc.arms = {name: with_overrides(sc.base, {"market.focal_brand": focal, f"brands.{focal}.strategy": strat})
               for name, strat in (("public_only", "public_only"), ("private_cultivate", "private_cultivate"))}
    sc.reference = "public_only"
    results, k = run_arms(sc, workers)
    cult = k[k["arm"] == "private_cultivate"]
    return FactResult("F4", "private pays for frequent purchases", "accessories brand 11: cultivate vs public", [
        Check("repurchase_rate_365 (cultivate)", list(cult["repurchase_rate_365"]), 0.40, 0.60),
        Check("profit_share_existing (cultivate)", list(cult["profit_share_existing"]), 0.55, 0.75),
        Up("repurchase gain over public_only", paired(k, "private_cultivate", "public_only",
                                                       "repurchase_rate_365"), 0.15)])


def f5_private_not_cheap(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    """Furniture, and the F4 accessories brand with its pool capped small, lose money by running a pool.

    The cap is swept up to one operator's capacity to find the break-even pool size.
    """
    sc = builtin_scenario("durables_vs_fmcg", quick, ov)
    sc.arms = {arm: cfg for arm, cfg in sc.arms.items() if arm.startswith("furniture")}
    sc.reference, sc.compare_to = "furniture_public", {}
    _, k = run_arms(sc, workers)
    furniture = paired(k, "furniture_private", "furniture_public", "profit")

    focal = 11  # accessories, the F4 brand
    # one expert operator holds 1,500 people: larger caps need more operators (a larger budget)
    caps = (500, 1000) if quick else (250, 500, 1000, 1500)
    cap = builtin_scenario("baseline", quick, ov)
    cultivate = cap.base.strategies["private_cultivate"].model_dump()
    arms = {"public_only": {f"brands.{focal}.strategy": "public_only"},
            "uncapped": {f"brands.{focal}.strategy": "private_cultivate"}}
    for c in caps:
        arms[f"cap_{c}"] = {f"strategies.capped_{c}": cultivate | {"max_members": float(c)},
                            f"brands.{focal}.strategy": f"capped_{c}"}
    cap.arms = {arm: with_overrides(cap.base, {"market.focal_brand": focal, **o}) for arm, o in arms.items()}
    cap.reference, cap.compare_to = "public_only", {}
    _, kc = run_arms(cap, workers)
    gain = {arm: float(np.mean(paired(kc, arm, "public_only", "profit"))) for arm in arms if arm != "public_only"}
    sizes = [(float(c), gain[f"cap_{c}"]) for c in caps]
    sweep = ", ".join(f"{c:g}: {g:+,.0f}" for c, g in sizes) + f", uncapped: {gain['uncapped']:+,.0f}"
    cross = [(c0 + (c1 - c0) * -g0 / (g1 - g0)) for (c0, g0), (c1, g1) in zip(sizes, sizes[1:], strict=False)
             if g0 < 0 <= g1]
    if cross:
        even = f"break-even pool size ≈ {cross[0]:,.0f} people"
    elif sizes[0][1] >= 0:
        even = f"profitable already at {sizes[0][0]:,.0f} people"
    else:
        even = f"no break-even up to {sizes[-1][0]:,.0f} people (one operator's pool)"
    return FactResult("F5", "private is not cheap", "durables_vs_fmcg (furniture pair); baseline, accessories brand "
                      "11 with its pool capped", [
                          Down("furniture: profit cultivate − public", furniture),
                          Down("accessories, pool capped at 500 people: profit cultivate − public",
                               paired(kc, "cap_500", "public_only", "profit"))],
                      note=f"{even} (12-month profit gain over public only by cap, RMB: {sweep})")


def f6_harvest(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = builtin_scenario("harvest_vs_cultivate", quick, ov)
    results, k = run_arms(sc, workers)
    focal = sc.base.market.focal_brand
    early, churn = [], []
    for rh, rc in zip(results["harvest"], results["cultivate"], strict=True):
        fh, fc = brand_rows(rh, focal), brand_rows(rc, focal)
        early.append(fh[fh["day"] <= 30]["profit"].sum() - fc[fc["day"] <= 30]["profit"].sum())
        # a log ratio: cultivate's few mutes make the plain ratio's CI useless (+1: none is not zero)
        churn.append(math.log2((fh["mutes"].sum() + fh["pool_exits"].sum() + 1)
                               / (fc["mutes"].sum() + fc["pool_exits"].sum() + 1)))
    return FactResult("F6", "harvest vs cultivate", "harvest_vs_cultivate", [
        Up("profit harvest − cultivate, days 1–30", early),
        Down("profit harvest − cultivate, days 1–365", paired(k, "harvest", "cultivate", "profit")),
        Check("log2 of mutes + exits, harvest / cultivate", churn, 1.0)])


def f7_saturation(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = builtin_scenario("group_saturation", quick, ov)
    results, k = run_arms(sc, workers)
    checks = []
    for kpi in ("reads_per_member", "orders_per_member"):
        a = k[k["arm"] == "share_80"].set_index("replication")[kpi]
        b = k[k["arm"] == "share_10"].set_index("replication")[kpi]
        checks.append(Down(f"{kpi}: change from 10% to 80% of brands with pools", list(a / b - 1), -0.30))
    return FactResult("F7", "group saturation", "group_saturation", checks)


# F8's same-category claim at full size: a paired profit difference of about -1.3 % with a replication sd of
# about 1.9 % needs 17-23 replications for 80-90 % power to put its CI below zero (docs/MODEL.md §10)
F8_FULL_REPLICATIONS = 24


def f8_alliances(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = builtin_scenario("alliances", quick, ov)
    if not quick:
        sc.replications = max(sc.replications, F8_FULL_REPLICATIONS)
    results, k = run_arms(sc, workers)
    partner_rev = [float(brand_rows(r, 11)["revenue_alliance"].sum()) for r in results["complementary"]]
    same = k[k["arm"] == "same_category"].set_index("replication")["profit"]
    solo = k[k["arm"] == "solo"].set_index("replication")["profit"]
    return FactResult("F8", "alliances", "alliances", [
        Up("pool_active complementary − solo", paired(k, "complementary", "solo", "pool_active")),
        Up("partner revenue from alliance orders (complementary)", partner_rev),
        Check("profit same-category − solo, relative", list((same - solo) / solo.abs()), direction=-1, high=0.0,
              equivalence=0.02)])


def f9_property_rights(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = builtin_scenario("property_rights", quick, ov)

    sc.arms["owned_unthrottled"] = with_overrides(sc.arms["owned"], {"platforms.0.hosted_reach_end": 1.0})
    results, k = run_arms(sc, workers)
    focal = sc.base.market.focal_brand

    def last90(arm: str) -> np.ndarray:
        return np.array([brand_rows(r, focal).query("day > 275")["orders_private"].sum() for r in results[arm]], float)

    return FactResult("F9", "traffic property rights", "property_rights", [
        Check("hosted pool: private orders throttled / unthrottled (last 90 days)",
              list(last90("hosted_throttled") / last90("hosted_unthrottled")), high=0.5),
        Check("owned pool: private orders throttled / unthrottled (last 90 days)",
              list(last90("owned") / last90("owned_unthrottled")), 0.9, 1.1)])
