"""The validation report of ``sim validate``: facts.csv and index.html (a table and a chart per fact), written
whole or not at all."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import plotly.offline as po

from ..output import atomic_folder
from .checks import FactResult
from .facts import facts_frame
from .runs import VALIDATION_SEED, Overrides


def write_validation_report(results: list[FactResult], out, seconds: float, overrides: Overrides = None) -> None:
    """facts.csv and index.html (a table and a chart per fact), written whole or not at all."""
    with atomic_folder(out) as tmp:
        frame = facts_frame(results)
        frame.to_csv(tmp / "facts.csv", index=False)
        (tmp / "plotly.min.js").write_text(po.get_plotlyjs(), encoding="utf-8")
        n_pass = sum(r.passed for r in results)
        parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Validation</title>",
                 "<script src='plotly.min.js'></script><style>body{font-family:sans-serif;max-width:1200px;"
                 "margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3em .6em}"
                 ".pass{color:#2ca02c}.fail{color:#d62728}</style></head><body>",
                 f"<h1>Validation: {n_pass} of {len(results)} facts pass</h1>",
                 f"<p>Seeds: validation seed {VALIDATION_SEED}; run time {seconds:.0f} s. A fact passes when the 95% "
                 "confidence interval of each of its quantities lies inside its band; a directional one when the "
                 "CI excludes zero and the mean effect reaches its declared minimum (docs/MODEL.md §1).</p>",
                 (f"<p><b>Run with overrides (an ablation, not the default calibration):</b> "
                  f"{html.escape(', '.join(f'{k}={v}' for k, v in overrides.items()))}</p>" if overrides else ""),
                 "<table><tr><th>fact</th><th>experiment</th><th>quantity</th><th>mean</th><th>95% CI</th>"
                 "<th>band</th><th>n</th><th>pass</th></tr>"]
        for _, r in frame.iterrows():
            cls = "pass" if r["pass"] else "fail"
            ci = "–" if math.isnan(r["ci_low"]) else f"[{r['ci_low']:.4g}, {r['ci_high']:.4g}]"
            parts.append(f"<tr><td>{html.escape(r['fact'])} {html.escape(r['title'])}</td>"
                         f"<td>{html.escape(r['experiment'])}</td><td>{html.escape(r['quantity'])}</td>"
                         f"<td>{r['mean']:.4g}</td><td>{ci}</td><td>{html.escape(r['band'])}</td><td>{r['n']}</td>"
                         f"<td class='{cls}'>{'pass' if r['pass'] else 'FAIL'} {html.escape(r['note'])}</td></tr>")
        parts.append("</table>")
        for i, res in enumerate(results):
            if not res.checks:
                continue
            fig = go.Figure()
            for c in res.checks:
                m, lo, hi = c.ci
                lo, hi = (m, m) if math.isnan(lo) else (lo, hi)
                fig.add_trace(go.Scatter(x=[m], y=[c.quantity], mode="markers", marker={"size": 10},
                                         error_x={"type": "data", "symmetric": False, "array": [hi - m],
                                                  "arrayminus": [m - lo]}, showlegend=False))
                x0 = c.low if not math.isinf(c.low) else min(m, lo) - abs(m) - 1
                x1 = c.high if not math.isinf(c.high) else max(m, hi) + abs(m) + 1
                fig.add_shape(type="rect", x0=x0, x1=x1, y0=c.quantity, y1=c.quantity, yref="y",
                              line={"color": "rgba(44,160,44,0.4)", "width": 14})
            fig.update_layout(title=f"{res.fact} {res.title}: {'pass' if res.passed else 'FAIL'}", height=140 +
                              60 * len(res.checks), template="plotly_white", margin={"l": 320})
            parts.append(fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"fact-{i}"))
        parts.append("</body></html>")
        (tmp / "index.html").write_text("\n".join(parts), encoding="utf-8")
