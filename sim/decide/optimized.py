"""An optimisation's outputs: trials.parquet, result.json, best.yaml and index.html."""

from __future__ import annotations

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

from ..config.decisions import candidate_overrides
from ..reporting import git_commit, mean_ci, page_head
from .load import Optimization
from .study import write_frame, write_json, write_text
from .text import tr


def write_outputs(opt: Optimization, folder: Path, trials: pd.DataFrame, result: dict[str, Any],
                  lang: str = "en") -> None:
    """Every output file, each written whole or not at all; index.html last."""
    write_frame(trials, folder / "trials.parquet")
    write_json(folder / "result.json", result)
    write_text(folder / "best.yaml", best_yaml(opt, result))
    write_text(folder / "plotly.min.js", po.get_plotlyjs())
    write_text(folder / "index.html", render(opt, trials, result, lang))


def best_yaml(opt: Optimization, result: dict[str, Any]) -> str:
    """A scenario with arms ``current`` (what the brand does today) and ``best``, on fresh seeds."""
    c = opt.common
    sc = c.market.scenario
    base = dict(sc.base_overrides)
    if sc.base.graph.kind == "edgelist":
        base["graph.path"] = sc.base.graph.path
    base.update(c.market.known)
    doc: dict[str, Any] = {
        "name": f"{c.name}_best",
        "question": c.question if any(c.question.values()) else sc.question,
        "base": base,
        "arms": {"current": {}, "best": candidate_overrides(c.market.config, c.market.brand, result["best"])},
        "reference": "current",
        "replications": max(opt.confirm_replications, sc.replications),
        "days": c.days,
        "seed": c.seed + 1,  # neither the search's seeds nor the confirmation's: a third, independent look
        # `sim run best.yaml --quick` runs at the size a --quick study searched, on every replication
        "quick": {"agents": c.quick_agents, "replications": max(opt.confirm_replications, sc.replications)},
    }
    if c.market.posterior is not None:
        doc["posterior"] = c.market.posterior.model_dump(mode="json")
    g = result["gain"]
    head = [f"# Written by `sim optimize {c.path.name}`: the recommended strategy (best) against today's (current).",
            f"# Gain on fresh seeds: {g['mean']:,.4g} [{g['lo']:,.4g}, {g['hi']:,.4g}] "
            f"({opt.objective.metric}, 95% CI).",
            f"# 由 `sim optimize {c.path.name}` 生成：建议策略（best）与当前策略（current）的对比。"]
    return "\n".join(head) + "\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)


def _v(x: Any) -> str:
    if isinstance(x, float):
        return "–" if not math.isfinite(x) else (f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}")
    return str(x)


def describe(values: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {_v(v)}" for k, v in values.items())


def figures(opt: Optimization, trials: pd.DataFrame, result: dict[str, Any], lang: str
            ) -> list[tuple[str, str, go.Figure]]:
    ok = trials[trials["state"] == "COMPLETE"]
    paths = list(opt.decisions)
    resp = make_subplots(rows=1, cols=len(paths), subplot_titles=paths, shared_yaxes=True)
    for j, p in enumerate(paths, start=1):
        x = ok[p]
        resp.add_trace(go.Scatter(x=x, y=ok["objective"], mode="markers", marker={"color": "#1f77b4", "opacity": 0.5},
                                  showlegend=False), row=1, col=j)
        d = opt.decisions[p]
        if d.choices is None and x.nunique() > 3:
            bins = pd.qcut(x.astype(float), q=min(6, x.nunique()), duplicates="drop")
            groups = ok.groupby(bins, observed=True)["objective"]
            centres = ok.groupby(bins, observed=True)[p].mean().to_numpy(float)
        else:
            groups = ok.groupby(x.astype(str))["objective"]
            centres = list(groups.groups)
        ci = [mean_ci(g) for _, g in groups]
        resp.add_trace(go.Scatter(x=centres, y=[m for m, _, _ in ci], mode="lines+markers", showlegend=False,
                                  line={"color": "#d62728"}, error_y={
                                      "type": "data", "symmetric": False,
                                      "array": [0 if math.isnan(h) else h - m for m, _, h in ci],
                                      "arrayminus": [0 if math.isnan(lo) else m - lo for m, lo, _ in ci]}),
                       row=1, col=j)
        cur = opt.current.get(p)
        if isinstance(cur, int | float) and not isinstance(cur, bool):
            resp.add_vline(x=cur, line_dash="dash", line_color="black", row=1, col=j)
    out = [(tr(lang, "response"), tr(lang, "response_cap"), resp)]
    sign = 1 if opt.objective.direction == "maximize" else -1
    best_so_far = (sign * trials["objective"].fillna(-sign * np.inf)).cummax() * sign
    hist = go.Figure([go.Scatter(x=trials["trial"], y=trials["objective"], mode="markers", name=tr(lang, "candidate")),
                      go.Scatter(x=trials["trial"], y=best_so_far, mode="lines", name="best")])
    hist.update_layout(xaxis_title="trial", yaxis_title=opt.objective.metric)
    out.append((tr(lang, "history"), tr(lang, "history_cap"), hist))
    return out


def render(opt: Optimization, trials: pd.DataFrame, result: dict[str, Any], lang: str) -> str:
    from ..version import __version__

    e = html.escape
    c = opt.common
    brand = c.market.config.brands[c.market.brand].name
    g = result["gain"]
    metric = opt.objective.metric
    risk = opt.objective.risk
    how = tr(lang, "risk", q=risk.lower_quantile) if risk else tr(lang, "mean_of")
    key = "opt_summary" if g["lo"] > 0 else "opt_flat"
    sentence = tr(lang, key, brand=brand, best=describe(result["best"]), n=len(result["fresh_seeds"]["replications"]),
                  metric=metric, gain=_v(g["mean"]), lo=_v(g["lo"]), hi=_v(g["hi"]))
    q = c.question.get(lang) or c.question.get("en", "")
    title = f"{c.name}: {tr(lang, 'opt_title')}"
    parts = page_head(f"{c.name} – {tr(lang, 'opt_title')}", lang) + [f"<h1>{e(title)}</h1>"]
    if q:
        parts.append(f"<p><b>{e(tr(lang, 'question'))}:</b> {e(q)}</p>")
    parts.append(f"<div class=\"summary\" id=\"recommendation\"><p><b>{e(sentence)}</b></p><p>"
                 + e(tr(lang, "opt_method", trials=result["trials"], reps=c.replications, runs=result["runs"]))
                 + f"</p><p>{e(tr(lang, 'objective'))}: {e(metric)} ({e(opt.objective.direction)}, {e(how)})</p></div>")
    parts.append(f"<h2>{e(tr(lang, 'decisions'))}</h2><table id=\"decisions\"><tr><th>{e(tr(lang, 'decision'))}</th>"
                 f"<th>{e(tr(lang, 'range'))}</th><th>{e(tr(lang, 'current'))}</th><th>{e(tr(lang, 'best'))}</th></tr>")
    for p, d in opt.decisions.items():
        rng = ", ".join(map(str, d.choices)) if d.choices is not None else f"{_v(d.low)} – {_v(d.high)}"
        parts.append(f"<tr><td>{e(p)}</td><td>{e(rng)}</td><td>{e(_v(opt.current.get(p)))}</td>"
                     f"<td>{e(_v(result['best'].get(p)))}</td></tr>")
    parts.append(f"</table><h2>{e(tr(lang, 'top'))}</h2><table id=\"confirmed\"><tr><th>{e(tr(lang, 'candidate'))}"
                 f"</th><th>{e(tr(lang, 'decisions'))}</th><th>{e(tr(lang, 'search_value'))}</th>"
                 f"<th>{e(tr(lang, 'fresh_gain'))}</th></tr>")
    for r in result["confirmed"]:
        gg = r["gain"]
        parts.append(f"<tr><td>{r['trial']}</td><td>{e(describe(r['params']))}</td><td>{e(_v(r['search_value']))}</td>"
                     f"<td>{e(_v(gg['mean']))} [{e(_v(gg['lo']))}, {e(_v(gg['hi']))}]</td></tr>")
    parts.append("</table>")
    for i, (title, caption, fig) in enumerate(figures(opt, trials, result, lang)):
        fig.update_layout(margin={"t": 40})
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{i}", default_height="420px",
                          config={"displaylogo": False})
        parts.append(f"<div class=\"chart\"><h3>{e(title)}</h3>{div}<p class=\"caption\">{e(caption)}</p></div>")
    parts.append(f"<p class=\"caption\">{e(tr(lang, 'opt_files'))}</p><h2>{e(tr(lang, 'provenance'))}</h2><table>")
    rows = [("file", str(c.path)), (tr(lang, "runs"), result["runs"]), (tr(lang, "seconds"), result["seconds"]),
            (tr(lang, "workers"), result["workers"]), (tr(lang, "seeds"), result["fresh_seeds"]["rule"]),
            ("version", __version__), ("git", git_commit() or "–")]
    parts += [f"<tr><td>{e(str(k))}</td><td>{e(str(v))}</td></tr>" for k, v in rows]
    parts.append("</table></body></html>")
    return "\n".join(parts)
