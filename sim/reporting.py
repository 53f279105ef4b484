"""What every report shares (scenario reports, sweep reports, validation, the explainer's page, calibration
and optimisation): the mean and its confidence interval, the focal brand's figures of a run, and the
pages' style and provenance."""

from __future__ import annotations

import html
import math
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

if TYPE_CHECKING:
    from .study.runs import ArmRun
    from .study.scenario import Scenario

KPIS = ["profit", "npv", "revenue", "cac_public", "new_customers", "repurchase_rate_365", "profit_share_existing",
        "pool_members", "pool_active", "reads_per_member", "orders_per_member", "wasted_share", "market_share"]
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


# ------------------------------------------------------------------------------ statistics


def mean_ci(values: Iterable[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval; NaNs dropped; (nan, nan, nan) if empty."""
    v = np.asarray([x for x in values if x is not None and not (isinstance(x, float) and math.isnan(x))], float)
    if v.size == 0:
        return (math.nan, math.nan, math.nan)
    m = float(v.mean())
    if v.size < 2:
        return (m, math.nan, math.nan)
    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return (m, m - half, m + half)


# ------------------------------------------------------------------------------ the focal brand


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


# ------------------------------------------------------------------------------ pages


CSS = """body{font-family:-apple-system,'Segoe UI','PingFang SC','Noto Sans CJK SC',sans-serif;max-width:1200px;
margin:2em auto;padding:0 1em;color:#222}h1{margin-bottom:.2em}table{border-collapse:collapse;margin:1em 0;
font-size:.92em}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right}th:first-child,td:first-child{
text-align:left}.summary{background:#f6f8fa;border-left:4px solid #1f77b4;padding:.6em 1em}.caption{color:#555;
font-size:.9em}.chart{margin:1.5em 0}"""


def page_head(title: str, lang: str, script: str = '<script src="plotly.min.js"></script>') -> list[str]:
    """The first lines of every offline page: language, title, the shared style and plotly.js (beside the
    page by default; pass an inline <script> for a single-file page)."""
    return [f"<!DOCTYPE html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">",
            f"<title>{html.escape(title)}</title><style>{CSS}</style>", f"{script}</head><body>"]


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None
