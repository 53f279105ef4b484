"""The sweep report's figures (plotly): main effects with their 95 % CIs, heatmaps of two parameters (with the
frontier where arm B's paired difference crosses zero) and sensitivity indices."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..i18n import tr


def label(lang: str, metric: str) -> str:
    """A metric's label from the report strings (the name itself when there is none)."""
    return tr(lang, metric)


def plabel(man: dict[str, Any], k: str) -> str:
    """A parameter's label from the experiment file (its dotted path when it has none)."""
    return man["parameters"][k].get("label") or k


def is_log(man: dict[str, Any], k: str) -> bool:
    s = man["parameters"][k]
    return s["scale"] == "log" and s["range"] is not None


def ci_trace(x: list[Any], mu: np.ndarray, lo: np.ndarray, hi: np.ndarray, name: str, color: str) -> list[Any]:
    return [go.Scatter(x=x, y=mu, name=name, mode="lines+markers", line={"color": color},
                       error_y={"type": "data", "symmetric": False, "array": hi - mu, "arrayminus": mu - lo,
                                "color": color})]


COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def main_effect_figure(man: dict[str, Any], me: pd.DataFrame, metric: str, lang: str) -> go.Figure:
    from plotly.subplots import make_subplots

    params = list(man["parameters"])
    fig = make_subplots(rows=1, cols=len(params), subplot_titles=[plabel(man, k) for k in params], shared_yaxes=True)
    for j, k in enumerate(params):
        sub = me[(me["parameter"] == k) & (me["metric"] == metric)]
        for i, (arm, g) in enumerate(sub.groupby("arm", sort=True)):
            for tr_ in ci_trace([str(v) if isinstance(v, str) else v for v in g["value"]], g["mean"].to_numpy(),
                                 g["ci_low"].to_numpy(), g["ci_high"].to_numpy(), arm, COLORS[i % len(COLORS)]):
                tr_.showlegend = j == 0
                tr_.legendgroup = arm
                fig.add_trace(tr_, row=1, col=j + 1)
        if is_log(man, k):
            fig.update_xaxes(type="log", row=1, col=j + 1)
    fig.update_yaxes(title_text=label(lang, metric), row=1, col=1)
    fig.update_layout(margin={"t": 40}, height=380)
    return fig


def heatmap_figure(man: dict[str, Any], grid: pd.DataFrame, title: str, diverging: bool,
                   frontier: pd.DataFrame | None = None) -> go.Figure:
    """A heatmap of a grid (index: one parameter, columns: another); with ``frontier``, the zero line.

    With both axes numeric the frontier is plotly's zero contour of the grid; otherwise the crossing
    points along the numeric axis. Values that are not numbers (lists of members) label the axis."""
    a, b = grid.index.name, grid.columns.name
    num_y, num_x = (pd.api.types.is_numeric_dtype(np.asarray(v)) for v in (grid.index, grid.columns))
    x = list(grid.columns) if num_x else [str(c) for c in grid.columns]
    y = list(grid.index) if num_y else [str(i) for i in grid.index]
    z = grid.to_numpy(float)
    kw: dict[str, Any] = {}
    if diverging:
        lim = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
        kw = {"colorscale": "RdBu", "zmid": 0.0, "zmin": -lim, "zmax": lim}
    fig = go.Figure(go.Heatmap(z=z, x=x, y=y, colorbar={"title": title}, **kw))
    if frontier is not None and len(frontier):
        if num_x and num_y:
            fig.add_trace(go.Contour(z=z, x=x, y=y, name="frontier", showscale=False, hoverinfo="skip",
                                     contours={"start": 0, "end": 0, "size": 1, "coloring": "none"},
                                     line={"color": "black", "width": 3}))
        else:
            fig.add_trace(go.Scatter(x=frontier[b] if num_x else frontier[b].astype(str),
                                     y=frontier[a] if num_y else frontier[a].astype(str), mode="markers",
                                     name="frontier", marker={"color": "black", "size": 12, "symbol": "x"}))
    fig.update_layout(xaxis_title=plabel(man, b), yaxis_title=plabel(man, a), height=460, margin={"t": 30})
    fig.update_xaxes(type=("log" if is_log(man, b) else "linear") if num_x else "category")
    fig.update_yaxes(type=("log" if is_log(man, a) else "linear") if num_y else "category")
    return fig


def sensitivity_figure(s: pd.DataFrame, method: str) -> go.Figure:
    fig = go.Figure()
    cols = [("S1", "S1"), ("ST", "ST")] if method == "sobol" else [("mu_star", "μ*")]
    for i, (c, name) in enumerate(cols):
        fig.add_trace(go.Bar(x=s["parameter"], y=s[c], name=name, marker_color=COLORS[i],
                             error_y={"type": "data", "symmetric": False, "array": s[f"{c}_ci_high"] - s[c],
                                      "arrayminus": s[c] - s[f"{c}_ci_low"]}))
    if method == "morris":
        fig.add_trace(go.Scatter(x=s["parameter"], y=s["sigma"], name="σ", mode="markers",
                                 marker={"color": COLORS[1], "size": 10}))
    fig.update_layout(barmode="group", height=380, margin={"t": 30})
    return fig
