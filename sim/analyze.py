"""The sweep report (``sim analyze``): main effects, a heatmap, sensitivity indices, the frontier.

Everything is computed from the sweep folder alone (manifest and run files), on the focal
brand's rows. The report is one offline HTML page (plotly beside it, no CDN) and CSV files:

* ``points.csv``: mean and 95 % CI of each kept metric per design point and arm;
* ``main_effects.csv``: each metric against each parameter (values, or quantile bins of a range);
* ``sensitivity.csv``: Sobol S1/ST (sobol designs) or Morris μ*/σ (morris designs), with 95 % CIs
  from SALib's bootstrap;
* ``frontier.csv``: where arm B beats arm A on the analysis metric (default: 12-month profit).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline as po

from .files.errors import UserError
from .i18n import tr
from .i18n import tr_sweep as t  # noqa: N813  (short, as report.py's tr)
from .output import atomic_folder
from .reporting import mean_ci, page_head
from .sweep import MANIFEST, load_errors, load_sweep

MAX_LEVELS = 8  # a parameter with more distinct values than this is binned into quantiles
N_BINS = 6

def label(lang: str, metric: str) -> str:
    """A metric's label from the report strings (the name itself when there is none)."""
    return tr(lang, metric)


def plabel(man: dict[str, Any], k: str) -> str:
    """A parameter's label from the experiment file (its dotted path when it has none)."""
    return man["parameters"][k].get("label") or k


def is_log(man: dict[str, Any], k: str) -> bool:
    s = man["parameters"][k]
    return s["scale"] == "log" and s["range"] is not None


# --------------------------------------------------------------------------- loading


def read_sweep(folder: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and the focal brand's rows; a clear error if the folder is not a sweep."""
    mpath = folder / MANIFEST
    if not mpath.is_file():
        raise UserError(folder, "not a sweep folder (no manifest.json): run sim sweep first")
    try:
        man = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(mpath, f"cannot read the manifest ({exc.__class__.__name__})") from None
    df = load_sweep(folder)
    if df.empty:
        raise UserError(folder, "the sweep has no finished runs yet")
    return man, df[df["brand_id"] == man["focal_brand"]].reset_index(drop=True)


# --------------------------------------------------------------------------- tables


def point_table(man: dict[str, Any], df: pd.DataFrame) -> pd.DataFrame:
    """Mean and CI of each metric per design point and arm."""
    params = list(man["parameters"])
    rows = []
    for (p, arm), g in df.groupby(["point", "arm"], sort=True):
        row = {"point": p, "arm": arm, **{k: g[k].iloc[0] for k in params}, "n": len(g)}
        for m in man["metrics"]["summary"]:
            mu, lo, hi = mean_ci(g[m])
            row.update({m: mu, f"{m}_ci_low": lo, f"{m}_ci_high": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def levels(values: pd.Series) -> tuple[pd.Series, list[Any]]:
    """Group labels for a parameter: its values, or quantile bins (labelled by their midpoints)."""
    if not pd.api.types.is_numeric_dtype(values):
        return values, list(pd.unique(values.dropna()))  # labels keep the design's order
    uniq = sorted(values.dropna().unique())
    if len(uniq) <= MAX_LEVELS:
        return values, uniq
    bins = pd.qcut(values.astype(float), N_BINS, duplicates="drop")
    mids = bins.map(lambda iv: float(iv.mid)).astype(float)
    return mids, sorted(mids.dropna().unique())


def main_effects(man: dict[str, Any], df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for k in man["parameters"]:
        lev, order = levels(df[k])
        for m in man["metrics"]["summary"]:
            for arm, g in df.groupby("arm", sort=True):
                for v in order:
                    mu, lo, hi = mean_ci(g.loc[lev.loc[g.index] == v, m])
                    rows.append({"parameter": k, "value": v, "arm": arm, "metric": m, "mean": mu, "ci_low": lo,
                                 "ci_high": hi})
    return pd.DataFrame(rows)


def paired_differences(man: dict[str, Any], df: pd.DataFrame, a: str, b: str, metric: str) -> pd.DataFrame:
    """Per design point: mean and CI of metric(b) − metric(a), paired by replication."""
    params = list(man["parameters"])
    wide = df.pivot_table(index=["point", "replication"], columns="arm", values=metric, aggfunc="first")
    if a not in wide or b not in wide:
        return pd.DataFrame(columns=["point", *params, "diff", "ci_low", "ci_high", "n"])
    d = (wide[b] - wide[a]).dropna()
    values = df.groupby("point")[params].first()  # as stored (a list of alliance members is a string there)
    rows = []
    for p, g in d.groupby(level=0):
        mu, lo, hi = mean_ci(g.to_numpy())
        rows.append({"point": p, **values.loc[p].to_dict(), "diff": mu, "ci_low": lo, "ci_high": hi, "n": len(g)})
    return pd.DataFrame(rows)


def sensitivity(man: dict[str, Any], df: pd.DataFrame, metric: str, arm: str,
                diff_of: tuple[str, str] | None = None) -> pd.DataFrame | str:
    """Sobol S1/ST or Morris μ*/σ with 95 % CIs, or why there are none (runs missing, a constant output).

    The output of each design point is its mean over replications (or the mean paired difference
    when ``diff_of`` = (A, B)), in the sampler's order, as SALib expects.
    """
    method = man["design"]["method"]
    names = list(man["parameters"])
    n_points = len(man["points"])
    if diff_of is not None:
        pdiff = paired_differences(man, df, diff_of[0], diff_of[1], metric).set_index("point")["diff"]
        y = pdiff.reindex(range(n_points)).to_numpy(float)
    else:
        y = df[df["arm"] == arm].groupby("point")[metric].mean().reindex(range(n_points)).to_numpy(float)
    missing = int(np.isnan(y).sum())
    if missing:
        return "sens_na"
    if np.ptp(y) == 0:  # e.g. the pool of a brand that runs none: indices are 0/0
        return "sens_const"
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if method == "sobol":
        from SALib.analyze import sobol

        r = sobol.analyze(problem, y, calc_second_order=man["design"]["second_order"], conf_level=0.95,
                          num_resamples=500, seed=0)
        return pd.DataFrame({"parameter": names, "S1": r["S1"], "S1_ci_low": r["S1"] - r["S1_conf"],
                             "S1_ci_high": r["S1"] + r["S1_conf"], "ST": r["ST"],
                             "ST_ci_low": r["ST"] - r["ST_conf"], "ST_ci_high": r["ST"] + r["ST_conf"]})
    from SALib.analyze import morris

    x = np.asarray(man["unit_points"], float)
    r = morris.analyze(problem, x, y, conf_level=0.95, num_resamples=500, num_levels=man["design"]["levels"],
                       seed=0)
    mu = np.asarray(r["mu_star"], float)
    conf = np.asarray(r["mu_star_conf"], float)
    return pd.DataFrame({"parameter": names, "mu_star": mu, "mu_star_ci_low": mu - conf, "mu_star_ci_high": mu + conf,
                         "sigma": np.asarray(r["sigma"], float)})


def frontier_line(grid: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Where a surface (index: values of a, columns: values of b) crosses zero along b, by linear
    interpolation between adjacent numeric values; one row per value of a (NaN where it does not cross)."""
    rows = []
    cols = np.asarray(grid.columns, float)
    for av, row in grid.iterrows():
        z = row.to_numpy(float)
        cross = math.nan
        for j in range(len(z) - 1):
            if np.isfinite(z[j]) and np.isfinite(z[j + 1]) and (z[j] == 0 or z[j] * z[j + 1] < 0):
                cross = float(cols[j] + (cols[j + 1] - cols[j]) * z[j] / (z[j] - z[j + 1]))
                break
        rows.append({a: av, b: cross})
    return pd.DataFrame(rows)


def frontier_points(grid: pd.DataFrame) -> pd.DataFrame:
    """The zero crossings of a grid of paired differences along each numeric axis (``along`` names the
    axis interpolated); empty where it never changes sign."""
    a, b = grid.index.name, grid.columns.name
    parts = [pd.DataFrame(columns=[a, b, "along"])]
    if pd.api.types.is_numeric_dtype(np.asarray(grid.columns)):
        parts.append(frontier_line(grid, a, b).assign(along=b))
    if pd.api.types.is_numeric_dtype(np.asarray(grid.index)):
        parts.append(frontier_line(grid.T, b, a).assign(along=a)[[a, b, "along"]])
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    return out.dropna(subset=[a, b]).reset_index(drop=True)


# --------------------------------------------------------------------------- charts


def _ci_trace(x: list[Any], mu: np.ndarray, lo: np.ndarray, hi: np.ndarray, name: str, color: str) -> list[Any]:
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
            for tr_ in _ci_trace([str(v) if isinstance(v, str) else v for v in g["value"]], g["mean"].to_numpy(),
                                 g["ci_low"].to_numpy(), g["ci_high"].to_numpy(), arm, COLORS[i % len(COLORS)]):
                tr_.showlegend = j == 0
                tr_.legendgroup = arm
                fig.add_trace(tr_, row=1, col=j + 1)
        if is_log(man, k):
            fig.update_xaxes(type="log", row=1, col=j + 1)
    fig.update_yaxes(title_text=label(lang, metric), row=1, col=1)
    fig.update_layout(margin={"t": 40}, height=380)
    return fig


def heat_grid(man: dict[str, Any], table: pd.DataFrame, a: str, b: str, value: str) -> pd.DataFrame:
    """Mean of ``value`` over the bins (or values) of parameters a × b."""
    la, order_a = levels(table[a])
    lb, order_b = levels(table[b])
    g = table.assign(_a=la.to_numpy(), _b=lb.to_numpy()).groupby(["_a", "_b"])[value].mean().unstack("_b")
    g = g.reindex(index=order_a, columns=order_b)
    g.index.name, g.columns.name = a, b
    return g


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


# --------------------------------------------------------------------------- the report


def analyze(folder: Path, lang: str = "en") -> dict[str, Any]:
    """Every table and figure of the report (no files written): ``tables`` and ``figures``."""
    man, df = read_sweep(folder)
    params = list(man["parameters"])
    metrics = man["metrics"]["summary"]
    arms = list(man["arms"])
    focus = man["analysis"]["metric"]
    method = man["design"]["method"]
    tables: dict[str, pd.DataFrame] = {}
    figures: list[tuple[str, str, go.Figure]] = []  # (title, caption, figure)
    notes: list[str] = []
    tables["points"] = point_table(man, df)
    tables["main_effects"] = main_effects(man, df)
    for m in metrics:
        figures.append((f"{t(lang, 'main')}: {label(lang, m)}", t(lang, "main_cap", metric=label(lang, m)),
                        main_effect_figure(man, tables["main_effects"], m, lang)))
    pair = man["analysis"]["heatmap"] or (params[:2] if len(params) >= 2 else None)
    fr = man["analysis"]["frontier"] or (arms[:2] if len(arms) >= 2 else None)
    if pair:
        arm = fr[1] if fr else arms[0]
        pts = tables["points"][tables["points"]["arm"] == arm].reset_index(drop=True)
        grid = heat_grid(man, pts, pair[0], pair[1], focus)
        figures.append((t(lang, "heat", metric=label(lang, focus), a=plabel(man, pair[0]), b=plabel(man, pair[1])),
                        t(lang, "heat_cap", arm=arm), heatmap_figure(man, grid, label(lang, focus), diverging=False)))
    # sensitivity indices
    sens_rows = []
    if method in ("sobol", "morris"):
        targets = [(m, a, None) for m in metrics for a in arms]
        if fr:
            targets.append((focus, f"{fr[1]} − {fr[0]}", (fr[0], fr[1])))
        for m, a, diff_of in targets:
            s = sensitivity(man, df, m, a, diff_of)
            if isinstance(s, str):
                notes.append(t(lang, s, metric=label(lang, m), arm=a))
                continue
            sens_rows.append(s.assign(metric=m, arm=a, method=method))
            cap = t(lang, "sobol_cap" if method == "sobol" else "morris_cap", metric=label(lang, m), arm=a)
            figures.append((f"{t(lang, 'sens')}: {label(lang, m)} ({a})", cap, sensitivity_figure(s, method)))
    tables["sensitivity"] = pd.concat(sens_rows, ignore_index=True) if sens_rows else pd.DataFrame(
        columns=["parameter", "metric", "arm", "method"])
    # the crossover frontier
    tables["frontier"] = pd.DataFrame()
    if fr:
        a, b = fr
        d = paired_differences(man, df, a, b, focus)
        tables["differences"] = d
        if len(d):
            wins = int((d["ci_low"] > 0).sum())
            losses = int((d["ci_high"] < 0).sum())
            notes.insert(0, t(lang, "wins", a=a, b=b, w=wins, l=losses, n=len(d)))
            title = t(lang, "frontier", a=a, b=b, metric=label(lang, focus))
            if pair:
                grid = heat_grid(man, d, pair[0], pair[1], "diff")
                tables["frontier"] = frontier_points(grid)
                figures.insert(0, (title, t(lang, "frontier_cap", a=a, b=b, metric=label(lang, focus)),
                                   heatmap_figure(man, grid, t(lang, "diff"), diverging=True,
                                                  frontier=tables["frontier"])))
            else:
                k = params[0]
                lev, order = levels(d[k])
                rows = [(v, *mean_ci(d.loc[lev == v, "diff"])) for v in order]
                xs = [r[0] for r in rows]
                mu, lo, hi = (np.array([r[i] for r in rows], float) for i in (1, 2, 3))
                fig = go.Figure(_ci_trace(xs, mu, lo, hi, f"{b} − {a}", COLORS[0]))
                fig.add_hline(y=0, line_color="black")
                fig.update_layout(xaxis_title=k, yaxis_title=t(lang, "diff"), height=380, margin={"t": 30})
                line = frontier_line(pd.DataFrame([mu], index=[focus], columns=xs), "metric", k)
                tables["frontier"] = line
                figures.insert(0, (title, t(lang, "frontier_1d", a=a, b=b, metric=label(lang, focus)), fig))
    errors = load_errors(folder)
    return {"manifest": man, "tables": tables, "figures": figures, "notes": notes,
            "counts": {"runs": man["runs"], "done": int(df["run_id"].nunique()), "failed": len(errors)}}


def render(res: dict[str, Any], lang: str) -> str:
    e = html.escape
    man = res["manifest"]
    c = res["counts"]
    q = man["question"].get(lang) or man["question"].get("en", "") if isinstance(man["question"], dict) else ""
    d = man["design"]
    design = (f"{d['method']} · {len(man['points'])} points × {man['replications']} replications × "
              f"{len(man['arms'])} arms · {man['days']} days · {man['agents']:,} agents × scale {man['scale']:g}")
    parts = page_head(f"{man['name']} – {t(lang, 'title')}", lang) + [f"<h1>{e(man['name'])}</h1>"]
    if q:
        parts.append(f"<p><b>{e(t(lang, 'question'))}:</b> {e(q)}</p>")
    missing = c["runs"] - c["done"] - c["failed"]
    parts.append(f"<p><b>{e(t(lang, 'design'))}:</b> {e(design)}<br>{c['runs']} {e(t(lang, 'runs'))}: "
                 f"{c['done']} {e(t(lang, 'done'))}, {c['failed']} {e(t(lang, 'failed'))}, {missing} "
                 f"{e(t(lang, 'missing'))}</p>")
    parts.append("<table id=\"parameters\"><tr><th>" + e(t(lang, "parameter")) + "</th><th>" + e(t(lang, "value"))
                 + "</th></tr>" + "".join(
                     f"<tr><td>{e(k)}</td><td>{e(str(s['values'] if s['values'] is not None else s['range']))}"
                     f"{' (log)' if s['scale'] == 'log' and s['range'] else ''}</td></tr>"
                     for k, s in man["parameters"].items()) + "</table>")
    if res["notes"]:
        parts.append("<div class=\"summary\" id=\"notes\">" + "".join(f"<p>{e(n)}</p>" for n in res["notes"])
                     + "</div>")
    for i, (title, caption, fig) in enumerate(res["figures"]):
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{i}", default_height="420px",
                          config={"displaylogo": False})
        parts.append(f"<div class=\"chart\"><h3>{e(title)}</h3>{div}<p class=\"caption\">{e(caption)}</p></div>")
    s = res["tables"]["sensitivity"]
    if len(s):
        parts.append(f"<h2>{e(t(lang, 'sens'))}</h2>" + s.to_html(index=False, float_format=lambda x: f"{x:.3f}",
                                                                   table_id="sensitivity", na_rep="–"))
    parts.append(f"<p class=\"caption\">{e(t(lang, 'files'))}</p>")
    parts.append(f"<h2>{e(t(lang, 'provenance'))}</h2><table>")
    for key in ("experiment_file", "seeds", "git_commit", "fingerprint"):
        parts.append(f"<tr><td>{e(key)}</td><td>{e(str(man.get(key, '')))}</td></tr>")
    parts.append(f"<tr><td>versions</td><td>{e(json.dumps(man.get('versions', {})))}</td></tr></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_sweep_report(folder: str | Path, out: str | Path, lang: str = "en") -> Path:
    """Write the report (HTML and CSV) to ``out``, whole or not at all."""
    folder, out = Path(folder), Path(out)
    res = analyze(folder, lang)
    with atomic_folder(out) as tmp:
        (tmp / "plotly.min.js").write_text(po.get_plotlyjs(), encoding="utf-8")
        (tmp / "index.html").write_text(render(res, lang), encoding="utf-8")
        for name in ("points", "main_effects", "sensitivity", "frontier"):
            res["tables"][name].to_csv(tmp / f"{name}.csv", index=False)
        if "differences" in res["tables"]:
            res["tables"]["differences"].to_csv(tmp / "differences.csv", index=False)
    return out
