"""The scenario report's charts: each arm's focal brand over the reported days (mean and 95 % band over
replications, time axes in calendar dates, holiday windows shaded) and by channel."""

from __future__ import annotations

import datetime as dt
import math
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import stats

from ..calendar import holiday_windows
from ..choice import CHANNELS
from ..i18n import STRINGS, tr
from ..reporting import COLORS, mean_ci
from .kpis import focal_brands, series
from .runs import ArmRun
from .scenario import Scenario


def _band(fig: go.Figure, m: pd.DataFrame, name: str, color: str, row: int | None = None, col: int | None = None,
          show: bool = True, smooth: int = 1, start: dt.date | None = None) -> None:
    """Mean and 95 % band over replications of a day × replication matrix; x in dates from ``start``."""
    if smooth > 1:
        m = m.rolling(smooth, min_periods=1).mean()
    x = m.index.to_numpy()
    if start is not None:
        x = (pd.Timestamp(start) + pd.to_timedelta(x - 1, unit="D")).to_numpy()
    mean = m.mean(axis=1)
    n = m.notna().sum(axis=1).clip(lower=1)
    half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * m.std(axis=1, ddof=1).fillna(0) / np.sqrt(n)
    low = mean - half
    if (m.fillna(0) >= 0).all().all():  # a non-negative quantity: its band stops at zero
        low = low.clip(lower=0)
    kw = {"row": row, "col": col} if row else {}
    fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[mean + half, low[::-1]], fill="toself",
                             fillcolor=color, opacity=0.18, line={"width": 0}, hoverinfo="skip", showlegend=False,
                             legendgroup=name), **kw)
    fig.add_trace(go.Scatter(x=x, y=mean, name=name, line={"color": color}, legendgroup=name, showlegend=show), **kw)


def charts(sc: Scenario, results: dict[str, list[ArmRun]], kpis: pd.DataFrame, lang: str
           ) -> list[tuple[str, str, go.Figure]]:
    focal = focal_brands(sc)
    arms = list(sc.arms)
    color = {a: COLORS[i % len(COLORS)] for i, a in enumerate(arms)}
    band = partial(_band, start=sc.base.calendar.start_date)  # time axes in calendar dates
    figs = []
    # 1. CPM and CAC
    f1 = make_subplots(rows=1, cols=2, subplot_titles=(tr(lang, "cpm"), tr(lang, "cac")))
    rev = series(results, None, "ad_revenue", platform=True)
    imp = series(results, None, "impressions", platform=True)
    spend = series(results, focal, "ad_spend")
    newp = series(results, focal, "new_customers_paid")
    for a in arms:
        cpm = (rev[a].rolling(7, min_periods=1).sum() / imp[a].rolling(7, min_periods=1).sum() * 1000)
        band(f1, cpm, a, color[a], 1, 1, True)
        cac = spend[a].rolling(30, min_periods=7).sum() / newp[a].rolling(30, min_periods=7).sum().replace(0, np.nan)
        band(f1, cac, a, color[a], 1, 2, False)
    figs.append(("ch_cpm_cac", "ch_cpm_cac_cap", f1))
    # 2. new customers by channel
    f2 = go.Figure()
    for a in arms:
        vals, errs = [], []
        for c in CHANNELS:
            tot = series(results, focal, f"new_customers_{c}")[a].sum(axis=0)
            m, lo, hi = mean_ci(tot)
            vals.append(m)
            errs.append(0 if math.isnan(hi) else hi - m)
        f2.add_trace(go.Bar(name=a, x=[tr(lang, c) for c in CHANNELS], y=vals, marker_color=color[a],
                            error_y={"type": "data", "array": errs}))
    f2.update_layout(barmode="group")
    figs.append(("ch_new", "ch_new_cap", f2))
    # 3. pool members by tier and activity
    f3 = make_subplots(rows=1, cols=4, subplot_titles=tuple(tr(lang, k) for k in ("tier1", "tier2", "tier3",
                                                                                   "active")))
    for a in arms:
        for j, colname in enumerate(("pool_members_tier1", "pool_members_tier2", "pool_members_tier3",
                                     "pool_active"), start=1):
            band(f3, series(results, focal, colname)[a], a, color[a], 1, j, j == 1)
    figs.append(("ch_pool", "ch_pool_cap", f3))
    # 4. profit and cash
    f4 = make_subplots(rows=1, cols=2, subplot_titles=(tr(lang, "cum_profit"), tr(lang, "cash")))
    prof = series(results, focal, "profit")
    cash = series(results, focal, "cash")
    for a in arms:
        band(f4, prof[a].cumsum(), a, color[a], 1, 1, True)
        band(f4, cash[a], a, color[a], 1, 2, False)
    figs.append(("ch_profit", "ch_profit_cap", f4))
    # 5. repurchase and profit share from existing customers
    f5 = go.Figure()
    for a in arms:
        g = kpis[kpis["arm"] == a]
        ys, es = [], []
        for k in ("repurchase_rate_365", "profit_share_existing"):
            m, lo, hi = mean_ci(g[k])
            ys.append(m)
            es.append(0 if math.isnan(hi) else hi - m)
        f5.add_trace(go.Bar(name=a, x=[tr(lang, "repurchase_rate_365"), tr(lang, "profit_share_existing")], y=ys,
                            marker_color=color[a], error_y={"type": "data", "array": es}))
    f5.update_layout(barmode="group", yaxis={"tickformat": ".0%"})
    figs.append(("ch_repurchase", "ch_repurchase_cap", f5))
    # 6. wasted impressions
    f6 = go.Figure()
    wasted = series(results, focal, "impressions_wasted")
    valid = series(results, focal, "impressions_valid")
    for a in arms:
        share = wasted[a].rolling(7, min_periods=1).sum() / valid[a].rolling(7, min_periods=1).sum().replace(0, np.nan)
        band(f6, share, a, color[a])
    f6.update_layout(yaxis={"tickformat": ".0%"})
    figs.append(("ch_wasted", "ch_wasted_cap", f6))
    for key, _, f in figs:
        if key in DATED:
            _mark_holidays(f, sc, lang)
        f.update_layout(height=420, margin={"l": 50, "r": 20, "t": 50, "b": 40}, template="plotly_white",
                        legend={"orientation": "h", "y": -0.15})
    return figs


DATED = ("ch_cpm_cac", "ch_pool", "ch_profit", "ch_wasted")  # the charts over time


def _mark_holidays(fig: go.Figure, sc: Scenario, lang: str) -> None:
    """Shade each holiday window of the reported days (618, 双11, Spring Festival, ...) and name it."""
    for name, first, last in holiday_windows(sc.base.calendar, 1, sc.days):
        label = tr(lang, f"hol_{name}") if f"hol_{name}" in STRINGS["en"] else name
        fig.add_vrect(x0=pd.Timestamp(first) - pd.Timedelta(hours=12), x1=pd.Timestamp(last) + pd.Timedelta(hours=12),
                      fillcolor="#999", opacity=0.12, line_width=0, row="all", col="all",
                      annotation_text=label, annotation_position="top left", annotation_font_size=10)
