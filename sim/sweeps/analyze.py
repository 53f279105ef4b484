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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline as po

from ..i18n import tr_sweep as t  # noqa: N813  (short, as the scenario report's tr)
from ..output import atomic_folder
from ..reporting import mean_ci, page_head
from .charts import COLORS, ci_trace, heatmap_figure, label, main_effect_figure, plabel, sensitivity_figure
from .sweep import load_errors
from .tables import (
    frontier_line,
    frontier_points,
    heat_grid,
    levels,
    main_effects,
    paired_differences,
    point_table,
    read_sweep,
    sensitivity,
)


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
                fig = go.Figure(ci_trace(xs, mu, lo, hi, f"{b} − {a}", COLORS[0]))
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
