"""The report's "what flips the verdict" section: a tornado of the paired difference at each end of every
lever's range, a table with the flip points, and the executive summary's sentence (docs/METRICS.md §6c)."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from ..i18n import STRINGS, tr
from .assumptions import describe_path
from .sensitivity import LeverResult, Sensitivity

LOW, HIGH = "#1f77b4", "#ff7f0e"


def lever_label(path: str, lang: str) -> str:
    """A lever in plain words: the report's own label for the usual ones, else the configuration tree's."""
    key = f"lever_{path.rsplit('.', 1)[-1]}"
    return tr(lang, key) if key in STRINGS["en"] else describe_path(path)


def _money(x: float) -> str:
    return "–" if x != x else f"{x:,.0f}".replace("-", "−")


def _ci(d: tuple[float, float, float]) -> str:
    return _money(d[0]) + ("" if d[1] != d[1] else f"<br><small>[{_money(d[1])}, {_money(d[2])}]</small>")


def _ordered(s: Sensitivity) -> list[LeverResult]:
    return sorted(s.levers, key=lambda r: r.swing, reverse=True)


def tornado(s: Sensitivity, lang: str) -> go.Figure:
    """One row per lever (largest swing on top): bars from the scenario's difference to the difference at the
    low and at the high end, each end with its 95 % CI; zero is where the verdict flips."""
    rows = _ordered(s)[::-1]  # plotly draws the first category at the bottom
    labels = [lever_label(r.lever.path, lang) for r in rows]
    c = s.centre[0]
    fig = go.Figure()
    for end, color, name in (("low", LOW, tr(lang, "sens_low")), ("high", HIGH, tr(lang, "sens_high"))):
        est = [r.at(getattr(r.lever, end)) for r in rows]
        fig.add_trace(go.Bar(y=labels, x=[e.diff[0] - c for e in est], base=[c] * len(rows), orientation="h",
                             name=name, marker_color=color, opacity=0.75, legendgroup=end,
                             text=[f"{e.value:g}" for e in est], textposition="outside",
                             hovertemplate="%{y}: %{text} → %{customdata:,.0f}<extra></extra>",
                             customdata=[e.diff[0] for e in est]))
        fig.add_trace(go.Scatter(y=labels, x=[e.diff[0] for e in est], mode="markers", showlegend=False,
                                 legendgroup=end, marker={"color": color, "size": 6}, hoverinfo="skip",
                                 error_x={"type": "data", "symmetric": False,
                                          "array": [e.diff[2] - e.diff[0] for e in est],
                                          "arrayminus": [e.diff[0] - e.diff[1] for e in est]}))
    flips = [(lever_label(r.lever.path, lang), f) for r in rows for f in r.flips]
    if flips:
        fig.add_trace(go.Scatter(y=[y for y, _ in flips], x=[0.0] * len(flips), mode="markers+text",
                                 name=tr(lang, "sens_flip"), marker={"symbol": "diamond", "size": 11,
                                                                     "color": "#d62728"},
                                 text=[f"{f.value:g}" for _, f in flips], textposition="top center"))
    fig.add_vline(x=0, line_color="#d62728", line_width=1)
    fig.add_vline(x=c, line_dash="dash", line_color="#555", line_width=1)
    fig.update_layout(barmode="overlay", height=140 + 60 * len(rows), margin={"l": 10, "r": 30, "t": 30, "b": 40},
                      xaxis_title=tr(lang, "sens_axis", arm=s.arm, ref=s.reference), legend={"orientation": "h"})
    return fig


def _flip_text(r: LeverResult) -> str:
    return "; ".join(f"{f.value:g} [{f.bracket[0]:g}, {f.bracket[1]:g}]" for f in r.flips)


def sensitivity_html(s: Sensitivity, lang: str) -> list[str]:
    """The section: what was varied and how many runs it took, the tornado, the table."""
    e = html.escape
    div = tornado(s, lang).to_html(full_html=False, include_plotlyjs=False, div_id="tornado",
                                   config={"displaylogo": False})
    explain = tr(lang, "sens_explain", arm=s.arm, ref=s.reference, n=len(s.levers), runs=s.runs,
                 seconds=round(s.seconds))
    out = [f"<h2>{e(tr(lang, 'sens_title'))}</h2>", f"<p>{e(explain)}</p>",
           f"<div class=\"chart\">{div}</div>",
           "<table id=\"sensitivity-table\"><tr>" + "".join(
               f"<th>{e(tr(lang, h))}</th>" for h in ("sens_param", "sens_range", "sens_at_low", "sens_at_centre",
                                                        "sens_at_high", "sens_flip_at")) + "</tr>"]
    for r in _ordered(s):
        lv = r.lever
        out.append(f"<tr><td>{e(lever_label(lv.path, lang))}<br><small><code>{e(lv.path)}</code></small></td>"
                   f"<td>{lv.low:g} – {lv.high:g}<br><small>({e(tr(lang, 'sens_here'))} {lv.center:g})</small></td>"
                   f"<td>{_ci(r.at(lv.low).diff)}</td><td>{_ci(r.at(lv.center).diff)}</td>"
                   f"<td>{_ci(r.at(lv.high).diff)}</td>"
                   f"<td>{e(_flip_text(r) or tr(lang, 'sens_no_flip'))}</td></tr>")
    out.append("</table>")
    return out


def flip_sentences(s: Sensitivity, lang: str) -> list[str]:
    """The executive summary's conditions: under which one-at-a-time changes the verdict flips."""
    conditions = []
    for r in _ordered(s):
        for f in r.flips:
            key = "sens_below" if f.value < r.lever.center else "sens_above"
            conditions.append(tr(lang, key, lever=lever_label(r.lever.path, lang), value=f"{f.value:g}",
                                 here=f"{r.lever.center:g}"))
    if not conditions:
        top = _ordered(s)[0] if s.levers else None
        if top is None:
            return []
        lo, hi = sorted((top.at(top.lever.low).diff[0], top.at(top.lever.high).diff[0]))
        return [tr(lang, "sens_holds", n=len(s.levers), lever=lever_label(top.lever.path, lang), lo=_money(lo),
                   hi=_money(hi))]
    return [tr(lang, "sens_flips", arm=s.arm, ref=s.reference, conditions=tr(lang, "sens_or").join(conditions))]
