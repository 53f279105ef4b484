"""The focal brand's figures: each arm's focal brand, the report's KPIs of one run (what ``kpis.csv`` holds and
a sweep may keep), and the day x replication series of a daily column."""

from __future__ import annotations

import pandas as pd

from .runs import ArmRun
from .scenario import Scenario

KPIS = ["profit", "npv", "revenue", "cac_public", "new_customers", "repurchase_rate_365", "profit_share_existing",
        "pool_members", "pool_active", "reads_per_member", "orders_per_member", "wasted_share", "market_share"]


def focal_brands(sc: Scenario) -> dict[str, int]:
    """Each arm's focal brand (arms may compare different brands, e.g. furniture and snacks)."""
    return {arm: cfg.market.focal_brand for arm, cfg in sc.arms.items()}


def focal_kpis(run: ArmRun, focal: int) -> dict[str, float]:
    """KPIs of the focal brand in one run."""
    s = run.summary.set_index("brand_id").loc[focal]
    d = run.daily
    f = d[(d["entity_type"] == "brand") & (d["brand_id"] == focal)]
    last = f.iloc[-1]
    return {
        "profit": float(f["profit"].sum()), "npv": float(s["npv"]), "revenue": float(f["revenue"].sum()),
        "cac_public": float(s["cac_public"]), "new_customers": float(f["new_customers"].sum()),
        "repurchase_rate_365": float(s["repurchase_rate_365"]),
        "profit_share_existing": float(s["profit_share_existing"]),
        "pool_members": float(last["pool_members"]), "pool_active": float(last["pool_active"]),
        # the report's short name for messages_read_per_member (per member and day)
        "reads_per_member": float(s["messages_read_per_member"]),
        "orders_per_member": float(s["orders_per_member"]),
        "wasted_share": float(s["wasted_share"]),
        "market_share": float(s["market_share"]),
    }


def kpi_table(results: dict[str, list[ArmRun]], focal_of: dict[str, int]) -> pd.DataFrame:
    rows = [{"arm": arm, "replication": r.replication, **focal_kpis(r, focal_of[arm])}
            for arm, runs in results.items() for r in runs]
    return pd.DataFrame(rows)


def series(results: dict[str, list[ArmRun]], focal_of: dict[str, int], column: str, *, platform: bool = False
           ) -> dict[str, pd.DataFrame]:
    """Per arm: day x replication matrix of a daily column (the arm's focal brand's, or summed over platforms)."""
    out = {}
    for arm, runs in results.items():
        cols = {}
        for r in runs:
            d = r.daily
            if platform:
                s = d[d["entity_type"] == "platform"].groupby("day")[column].sum()
            else:
                s = d[(d["entity_type"] == "brand") & (d["brand_id"] == focal_of[arm])].set_index("day")[column]
            cols[r.replication] = s
        out[arm] = pd.DataFrame(cols)
    return out
