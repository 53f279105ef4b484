"""A calibration's outputs: posterior.parquet, fit.csv, calibration.json, calibrated.yaml, index.html."""

from __future__ import annotations

import datetime as dt
import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline as po
import yaml
from plotly.subplots import make_subplots

from ..reporting import git_commit, page_head
from .load import Calibration
from .study import write_frame, write_json, write_text
from .text import tr

STREAM_DRAWS = 14


def resample(post: pd.DataFrame, n: int, seed: int, stream: int) -> pd.DataFrame:
    """``n`` equal-weight draws from the weighted posterior (systematic resampling, seeded)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, stream]))
    w = post["weight"].to_numpy(float)
    u = (rng.random() + np.arange(n)) / n
    idx = np.minimum(np.searchsorted(np.cumsum(w), u), len(w) - 1)
    return post.drop(columns="weight").iloc[rng.permutation(idx)].reset_index(drop=True)


def write_outputs(cal: Calibration, folder: Path, post: pd.DataFrame, fit: pd.DataFrame, check: pd.DataFrame,
                  summary: dict[str, Any], lang: str = "en") -> None:
    """Every output file, each written whole or not at all; index.html last."""
    write_frame(post, folder / "posterior.parquet")
    write_frame(fit, folder / "fit.csv")
    write_frame(check, folder / "check.parquet")
    write_json(folder / "calibration.json", summary)
    write_text(folder / "calibrated.yaml", calibrated_yaml(cal, post, summary))
    write_text(folder / "plotly.min.js", po.get_plotlyjs())
    write_text(folder / "index.html", render(cal, post, fit, summary, lang))


# --------------------------------------------------------------------------- calibrated.yaml


def calibrated_yaml(cal: Calibration, post: pd.DataFrame, summary: dict[str, Any]) -> str:
    """The base scenario (its base market, the known figures, its arms) whose replication k runs on draw k."""

    c = cal.common
    sc = c.market.scenario
    base = dict(sc.base_overrides)
    if sc.base.graph.kind == "edgelist":  # the scenario's relative edge-list path, resolved where it was read
        base["graph.path"] = sc.base.graph.path
    base.update(c.market.known)
    draws = resample(post, len(post), c.seed, STREAM_DRAWS)
    columns = {}
    for path in cal.params:
        v = draws[path].to_numpy(float)
        columns[path] = [int(round(x)) for x in v] if cal.integer[path] else [float(x) for x in v]
    today = dt.date.today().isoformat()
    doc = {
        "name": f"{sc.name}_calibrated",
        "question": sc.question,
        "base": base,
        "arms": {arm: ov for arm, ov in sc.arm_overrides.items()},
        "reference": sc.reference,
        "replications": sc.replications,
        "days": sc.days,
        "seed": sc.seed,
        "posterior": {"source": f"{c.name}: ABC-SMC (pyabc), epsilon {summary['epsilon']:.3g}, "
                                f"{summary['runs']} runs, {today}", "draws": columns},
    }
    if sc.compare_to:
        doc["compare_to"] = dict(sc.compare_to)
    head = [
        f"# Calibrated by `sim calibrate {c.path.name}` on {today}: the scenario {sc.name} on the market fitted to",
        f"# the brand's figures ({', '.join(cal.targets)}).",
        "# Replication k of every arm runs on posterior draw k (warm-up included), so each verdict carries the",
        "# fit's uncertainty. Run it with `sim run`, sweep it with `sim sweep`, or optimise on it with `sim optimize`.",
        f"# 由 `sim calibrate {c.path.name}` 于 {today} 生成：场景 {sc.name}，市场已拟合到品牌自身的指标。",
        "# 每个方案的第 k 次重复在第 k 个后验抽样上运行（含预热期），因此每个结论都包含拟合的不确定性。",
    ]
    if c.quick:
        head.append(f"# Fitted at --quick size ({c.market.config.population.agents:,} agents); 以 --quick 规模拟合。")
    return "\n".join(head) + "\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)


# --------------------------------------------------------------------------- index.html


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def warning_text(w: str, fit: pd.DataFrame, lang: str) -> str:
    kind, *rest = w.split(":")
    if kind == "unreached":
        r = fit.set_index("target").loc[rest[0]]
        if rest[1] == "prior":
            return tr(lang, "unreached_prior", target=rest[0], obs=_num(r["observed"]), pmin=_num(r["prior_min"]),
                      pmax=_num(r["prior_max"]))
        return tr(lang, "unreached_fit", target=rest[0], obs=_num(r["observed"]), lo=_num(r["simulated_lo"]),
                  hi=_num(r["simulated_hi"]))
    if kind == "ridge":
        return tr(lang, "ridge", a=rest[0], b=rest[1], rho=rest[2])
    return tr(lang, "uninformed", a=rest[0])


def figures(cal: Calibration, post: pd.DataFrame, fit: pd.DataFrame, summary: dict[str, Any], lang: str
            ) -> list[tuple[str, str, go.Figure]]:
    paths = list(cal.params)
    w = post["weight"].to_numpy(float)
    marg = make_subplots(rows=1, cols=len(paths), subplot_titles=paths)
    for j, p in enumerate(paths, start=1):
        r = cal.params[p]
        edges = np.geomspace(r.low, r.high, 21) if r.scale == "log" else np.linspace(r.low, r.high, 21)
        h, _ = np.histogram(post[p], bins=edges, weights=w)
        marg.add_trace(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=h, width=np.diff(edges), marker_color="#1f77b4",
                              showlegend=False), row=1, col=j)
        marg.update_xaxes(type="log" if r.scale == "log" else "linear", row=1, col=j)
    out = [(tr(lang, "marginals"), tr(lang, "marginals_cap"), marg)]
    if len(paths) >= 2:
        pairs = go.Figure(go.Splom(dimensions=[{"label": p, "values": post[p]} for p in paths], showupperhalf=False,
                                   marker={"size": 4 + 40 * w / w.max(), "color": "#1f77b4", "opacity": 0.6},
                                   diagonal_visible=False))
        out.append((tr(lang, "pairs"), tr(lang, "pairs_cap"), pairs))
    f = fit.set_index("target")
    rel = lambda col: (f[col] / f["observed"]).where(f["observed"] != 0)  # noqa: E731 - one-line helper
    fc = go.Figure()
    fc.add_trace(go.Bar(x=list(f.index), y=2 * f["sd"] / f["observed"].abs(), base=1 - f["sd"] / f["observed"].abs(),
                        marker_color="#cccccc", name=tr(lang, "observed"), opacity=0.7))
    fc.add_trace(go.Scatter(x=list(f.index), y=rel("simulated_mean"), mode="markers", name=tr(lang, "simulated"),
                            marker={"size": 11, "color": "#d62728"},
                            error_y={"type": "data", "symmetric": False, "array": rel("simulated_hi") - rel(
                                "simulated_mean"), "arrayminus": rel("simulated_mean") - rel("simulated_lo")}))
    fc.add_hline(y=1, line_color="black")
    out.append((tr(lang, "fitchart"), tr(lang, "fitchart_cap"), fc))
    g = summary["generations"]
    eps = go.Figure(go.Scatter(x=[x["t"] for x in g][1:], y=[x["epsilon"] for x in g][1:], mode="lines+markers"))
    eps.update_layout(xaxis_title="t", yaxis_title="ε")
    out.append((tr(lang, "epsilon"), tr(lang, "epsilon_cap"), eps))
    return out


def render(cal: Calibration, post: pd.DataFrame, fit: pd.DataFrame, summary: dict[str, Any], lang: str) -> str:
    from ..version import __version__

    e = html.escape
    c = cal.common
    brand = c.market.config.brands[c.market.brand].name
    q = c.question.get(lang) or c.question.get("en", "")
    title = f"{c.name}: {tr(lang, 'cal_title')}"
    parts = page_head(f"{c.name} – {tr(lang, 'cal_title')}", lang) + [f"<h1>{e(title)}</h1>"]
    if q:
        parts.append(f"<p><b>{e(tr(lang, 'question'))}:</b> {e(q)}</p>")
    parts.append("<div class=\"summary\" id=\"summary\"><p>" + e(tr(
        lang, "cal_summary", n=len(cal.targets), brand=brand, g=len(summary["generations"]),
        size=cal.population_size, runs=summary["runs"], eps=f"{summary['epsilon']:.2f}")) + "</p></div>")
    parts.append(f"<h2>{e(tr(lang, 'warnings'))}</h2><div class=\"summary\" id=\"warnings\">")
    parts += [f"<p class=\"warning\">⚠ {e(warning_text(w, fit, lang))}</p>" for w in summary["warnings"]] or [
        f"<p>{e(tr(lang, 'no_warnings'))}</p>"]
    parts.append("</div>")
    parts.append(f"<h2>{e(tr(lang, 'params'))}</h2><table id=\"params\"><tr><th>{e(tr(lang, 'parameter'))}</th>"
                 f"<th>{e(tr(lang, 'prior'))}</th><th>{e(tr(lang, 'median'))}</th>"
                 f"<th>{e(tr(lang, 'interval90'))}</th></tr>")
    for p, iv in summary["intervals"].items():
        scale = " (log)" if cal.params[p].scale == "log" else ""
        parts.append(f"<tr><td>{e(p)}</td><td>{_num(iv['prior_low'])} – {_num(iv['prior_high'])}{scale}</td>"
                     f"<td>{_num(iv['median'])}</td><td>{_num(iv['lo'])} – {_num(iv['hi'])}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h2>{e(tr(lang, 'fit'))}</h2><table id=\"fit\"><tr><th>{e(tr(lang, 'target'))}</th>"
                 f"<th>{e(tr(lang, 'observed'))}</th><th>{e(tr(lang, 'simulated'))}</th>"
                 f"<th>{e(tr(lang, 'interval90'))}</th><th>{e(tr(lang, 'reached'))}</th></tr>")
    for r in fit.itertuples():
        parts.append(f"<tr><td>{e(r.target)}</td><td>{_num(r.observed)} ± {_num(r.sd)}</td>"
                     f"<td>{_num(r.simulated_mean)}</td><td>{_num(r.simulated_lo)} – {_num(r.simulated_hi)}</td>"
                     f"<td>{e(tr(lang, 'yes' if r.reached else 'no'))}</td></tr>")
    parts.append(f"</table><h2>{e(tr(lang, 'charts'))}</h2>")
    for i, (title, caption, fig) in enumerate(figures(cal, post, fit, summary, lang)):
        fig.update_layout(margin={"t": 40})
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{i}", default_height="420px",
                          config={"displaylogo": False})
        parts.append(f"<div class=\"chart\"><h3>{e(title)}</h3>{div}<p class=\"caption\">{e(caption)}</p></div>")
    parts.append(f"<p class=\"caption\">{e(tr(lang, 'files'))}</p><h2>{e(tr(lang, 'provenance'))}</h2><table>")
    rows = [("file", str(c.path)), (tr(lang, "runs"), summary["runs"]), (tr(lang, "seconds"), summary["seconds"]),
            (tr(lang, "workers"), summary["workers"]), (tr(lang, "seeds"), f"SeedSequence([{c.seed}, stream, ...])"),
            ("version", __version__), ("git", git_commit() or "–")]
    parts += [f"<tr><td>{e(str(k))}</td><td>{e(str(v))}</td></tr>" for k, v in rows]
    parts.append("</table></body></html>")
    return "\n".join(parts)
