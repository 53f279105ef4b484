"""``sim explain``: one standalone interactive page for a classroom, from precomputed runs.

The page holds runs over a few values of one or two knobs (``sim.KNOBS``: the app's and
batch_run's knobs), and four charts of the phenomena of docs/MODEL.md §1: ad prices and CAC, ad
fatigue, pool saturation and profit by strategy. A plotly slider scrubs the first knob and a
plotly dropdown picks the second; a few lines of script keep every chart on the same choice.
plotly.js is inlined, so the page opens from disk with no network (classrooms behind firewalls).

An explainer file (YAML, ``yaml.safe_load``)::

    name: competition
    title: {en: "...", zh: "..."}
    base: {population.agents: 3000}       # overrides of the default market
    knobs:                                # one or two knobs, each with its values
      n_brands: [5, 10, 20, 40]
      private_share: [0.1, 0.5, 0.9]
    days: 365
    seed: 1
"""

from __future__ import annotations

import html
import itertools
import json
import os
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline as po
from pydantic import ConfigDict, Field

from ..builtin import EXPLAIN_DIR, resolve_file
from ..config import NoBoolNumbers, SimConfig, default_config, suggest
from ..files.economics import warn_economics
from ..files.errors import UserError
from ..files.markets import apply_overrides, check_resources, flatten, quicken
from ..files.reading import line_for, read_yaml, validate_file
from ..i18n import EXPLAIN_STRINGS as TEXT
from ..i18n import KNOB_LABELS
from ..model import KNOBS, apply_knobs
from ..reporting import page_head

DEFAULT_FILE = EXPLAIN_DIR / "competition.yaml"
CHARTS = ("cac", "waste", "pools", "profit")
COLORS = {"public": "#d62728", "private": "#1f77b4", "cpm": "#7f7f7f", "cac": "#d62728"}

MAX_BRANDS = 1000  # n_brands above this is a typo, not a classroom market


class ExplainFile(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str | None = Field(None, description="Name of the page (default: the file name)")
    title: dict[Literal["en", "zh"], str] | str = Field("", description="Title shown on the page")
    base: dict[str, Any] = Field(default_factory=dict, description="Overrides of the default market")
    knobs: dict[str, list[Any]] = Field(..., description="One or two knobs (sim.KNOBS) and their values")
    days: int = Field(365, ge=7, le=3650, description="Reported days per run")
    seed: int = Field(1, ge=0, description="Seed of every run (the same draws at every knob value)")
    quick_agents: int = Field(1000, ge=50, description="Simulated consumers under --quick (scale rises to match)")


def explainer_file(name: str | None) -> Path:
    """An explainer file's path, the name of a built-in one, or (None) the default page's."""
    return resolve_file(name, EXPLAIN_DIR) if name else DEFAULT_FILE


def load_explainer(path: str | os.PathLike, quick: bool = False) -> tuple[ExplainFile, SimConfig, list[dict]]:
    """Validate an explainer file; returns it, the base market and one knob setting per run."""
    p = Path(path)
    data, lines = read_yaml(p)
    ef = validate_file(ExplainFile, data, p, lines, {}, "knobs, base, days, ...")
    if not 1 <= len(ef.knobs) <= 2:
        raise UserError(p, "give one or two knobs", key="knobs", line=line_for(lines, "knobs"))
    base = apply_overrides(default_config(), ef.base, p, lines, "base")
    warn_economics(base, p, lines, "base", flatten(ef.base, default_config().model_dump(mode="python")))
    if quick:
        base = quicken(base, ef.quick_agents, p, lines, "quick_agents")
    check_resources(base, p, lines, "base")
    for k, values in ef.knobs.items():
        where = dict(key=f"knobs.{k}", line=line_for(lines, f"knobs.{k}"))
        if k not in KNOBS or k in ("n_consumers", "warmup_days"):
            raise UserError(p, f"unknown knob {k!r}{suggest(k, list(KNOBS))}", **where)
        if not 1 <= len(values) <= 12:
            raise UserError(p, "give 1 to 12 values", **where)
        seen = [json.dumps(v, sort_keys=True, default=str) for v in values]
        for v, text in zip(values, seen, strict=True):
            if seen.count(text) > 1:  # the slider would show the same run twice
                raise UserError(p, f"{v!r} is given more than once (values must be distinct)", **where)
            if k == "n_brands" and not (isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_BRANDS):
                # apply_knobs takes int(v): 2.7 would silently be 2 brands and true 1 brand
                raise UserError(p, f"n_brands must be a whole number from 1 to {MAX_BRANDS} (value {v!r})",
                                **where)
            try:
                apply_knobs(base, {k: v})
            except (ValueError, TypeError) as exc:
                raise UserError(p, f"{str(exc).splitlines()[0]} (value {v!r})", **where) from None
        if k == "n_brands":  # the largest market must fit in memory too
            try:
                check_resources(apply_knobs(base, {k: max(values)}), p, lines, "base")
            except UserError as exc:
                raise UserError(p, f"with {max(values)} brands, {exc.message}", **where) from None
    settings = [dict(zip(ef.knobs, combo, strict=True)) for combo in itertools.product(*ef.knobs.values())]
    return ef, base, settings


# --------------------------------------------------------------------------- series


def _weekly(s: pd.Series) -> pd.Series:
    return s.rolling(7, min_periods=1).mean()


def series(daily: pd.DataFrame) -> dict[str, dict[str, list[float]]]:
    """The four charts' series of one run (market level), as plain lists for the page."""
    b = daily[(daily["entity_type"] == "brand") & (daily["alive"] > 0)]
    plat = daily[daily["entity_type"] == "platform"]
    by_day = b.groupby("day")
    spend = by_day["ad_spend"].sum()
    paid = by_day["new_customers_paid"].sum()
    cac = spend.rolling(30, min_periods=7).sum() / paid.rolling(30, min_periods=7).sum().replace(0, np.nan)
    w = plat.assign(w=plat["impressions"]).groupby("day")
    cpm = w.apply(lambda g: np.average(g["cpm"], weights=g["w"]) if g["w"].sum() > 0 else np.nan,
                  include_groups=False)
    valid = by_day["impressions_valid"].sum()
    wasted = _weekly(by_day["impressions_wasted"].sum()) / _weekly(valid).replace(0, np.nan)
    reads = _weekly(by_day["messages_read"].sum()) / _weekly(by_day["pool_members"].sum()).replace(0, np.nan)
    runs_pool = b["pool_members"].groupby(b["brand_id"]).transform("max") > 0
    prof = {}
    for key, sel in (("public", ~runs_pool), ("private", runs_pool)):
        g = b[sel].groupby("day")["profit"]
        prof[key] = (g.sum() / b[sel].groupby("day")["brand_id"].nunique()).cumsum() if sel.any() else None
    days = spend.index.to_numpy()

    def lst(x: pd.Series | None) -> list[float | None]:
        if x is None:
            return [None] * len(days)
        v = x.reindex(days).to_numpy(float)
        return [None if not np.isfinite(a) else round(float(a), 4) for a in v]

    return {"day": days.tolist(), "cpm": lst(cpm), "cac": lst(cac), "waste": lst(wasted), "reads": lst(reads),
            "profit_public": lst(prof["public"]), "profit_private": lst(prof["private"])}


def compute(ef: ExplainFile, base: SimConfig, settings: list[dict], workers: int = 1,
            progress: Any = None) -> list[dict[str, Any]]:
    """Run every knob setting (a process pool when workers > 1) and return each run's series."""
    from ..study.runs import market_jobs, run_jobs

    configs = {str(i): apply_knobs(base, knobs) for i, knobs in enumerate(settings)}
    results = run_jobs(market_jobs(configs, 1, ef.days, ef.seed), workers, progress=progress)
    return [series(results[str(i)][0].daily) for i in range(len(settings))]


# --------------------------------------------------------------------------- the page


def figures(runs: list[dict[str, Any]], lang: str) -> dict[str, go.Figure]:
    """One figure per chart with every run's traces; only run 0's are visible at first."""
    T = TEXT[lang]
    figs = {c: go.Figure() for c in CHARTS}
    for i, r in enumerate(runs):
        vis = i == 0
        figs["cac"].add_trace(go.Scatter(x=r["day"], y=r["cpm"], name=T["cpm"], visible=vis,
                                         line={"color": COLORS["cpm"]}))
        figs["cac"].add_trace(go.Scatter(x=r["day"], y=r["cac"], name=T["cac_l"], visible=vis, yaxis="y2",
                                         line={"color": COLORS["cac"]}))
        figs["waste"].add_trace(go.Scatter(x=r["day"], y=r["waste"], name=T["wasted"], visible=vis,
                                           line={"color": COLORS["public"]}))
        figs["pools"].add_trace(go.Scatter(x=r["day"], y=r["reads"], name=T["reads"], visible=vis,
                                           line={"color": COLORS["private"]}))
        for k in ("public", "private"):
            figs["profit"].add_trace(go.Scatter(x=r["day"], y=r[f"profit_{k}"], name=T[k], visible=vis,
                                                line={"color": COLORS[k]}))
    figs["cac"].update_layout(yaxis={"title": T["cpm"], "rangemode": "tozero"},
                              yaxis2={"title": T["cac_l"], "overlaying": "y", "side": "right", "rangemode": "tozero"})
    figs["waste"].update_layout(yaxis={"title": T["wasted"], "range": [0, 1]})
    figs["pools"].update_layout(yaxis={"title": T["reads"], "rangemode": "tozero"})
    figs["profit"].update_layout(yaxis={"title": T["profit_l"]})
    # fixed y ranges across runs, so that scrubbing shows the change instead of a rescaled axis
    for c, keys in (("cac", ("cpm",)), ("pools", ("reads",)), ("profit", ("profit_public", "profit_private"))):
        vals = [v for r in runs for k in keys for v in r[k] if v is not None]
        if vals:
            lo, hi = min(0.0, min(vals)), max(vals)
            figs[c].layout.yaxis.range = [lo, hi * 1.05 if hi > 0 else 1.0]
    cacs = [v for r in runs for v in r["cac"] if v is not None]
    if cacs:
        figs["cac"].layout.yaxis2.range = [0, max(cacs) * 1.05]
    for f in figs.values():
        f.update_layout(xaxis={"title": T["day"]}, height=420, margin={"t": 30, "b": 40},
                        legend={"orientation": "h", "y": 1.12})
    return figs


def _controls(fig: go.Figure, knobs: dict[str, list[Any]], lang: str) -> None:
    """A plotly slider over the first knob and a dropdown over the second; both 'skip' so that the
    page's script applies the combination to every chart."""
    names = list(knobs)
    label = KNOB_LABELS[lang]
    k1 = names[0]
    fig.update_layout(sliders=[{
        "active": 0, "currentvalue": {"prefix": f"{label.get(k1, k1)}: "}, "pad": {"t": 50},
        "steps": [{"label": str(v), "method": "skip", "args": [None], "value": str(i)}
                  for i, v in enumerate(knobs[k1])]}])
    if len(names) == 2:
        k2 = names[1]
        fig.update_layout(updatemenus=[{
            "type": "dropdown", "active": 0, "x": 0, "xanchor": "left", "y": 1.32, "yanchor": "top",
            "buttons": [{"label": f"{label.get(k2, k2)}: {v}", "method": "skip", "args": [None]}
                        for v in knobs[k2]]}], margin={"t": 90})


SCRIPT = """
<script>
(function () {
  const perRun = %(per_run)s, n2 = %(n2)s, ids = %(ids)s;
  let i1 = 0, i2 = 0;
  function apply(source) {
    const run = i1 * n2 + i2;
    ids.forEach(function (id) {
      const gd = document.getElementById(id), k = perRun[id];
      const vis = gd.data.map(function (_, t) { return Math.floor(t / k) === run; });
      Plotly.restyle(gd, {visible: vis});
      if (gd !== source) {
        const upd = {'sliders[0].active': i1};
        if (n2 > 1) upd['updatemenus[0].active'] = i2;
        Plotly.relayout(gd, upd);
      }
    });
    document.body.dataset.run = String(run);
  }
  ids.forEach(function (id) {
    const gd = document.getElementById(id);
    gd.on('plotly_sliderchange', function (e) { i1 = e.slider.active; apply(gd); });
    gd.on('plotly_buttonclicked', function (e) { i2 = e.active; apply(gd); });
  });
  document.body.dataset.run = '0';
})();
</script>
"""


def render(ef: ExplainFile, base: SimConfig, runs: list[dict[str, Any]], lang: str) -> str:
    from ..version import __version__

    T = TEXT[lang]
    knobs = ef.knobs
    names = list(knobs)
    label = KNOB_LABELS[lang]
    figs = figures(runs, lang)
    e = html.escape
    title = ef.title.get(lang) or ef.title.get("en", "") if isinstance(ef.title, dict) else ef.title
    how = T["how"].format(k1=label.get(names[0], names[0]),
                          k2=T["and"].format(k2=label.get(names[1], names[1])) if len(names) == 2 else "")
    parts = page_head(title or ef.name or "traffic-sim", lang, f"<script>{po.get_plotlyjs()}</script>") + [
             f"<h1>{e(title or ef.name or '')}</h1><p>{e(how)}</p>"]
    per_run = {}
    for c in CHARTS:
        fig = figs[c]
        _controls(fig, knobs, lang)
        div_id = f"chart-{c}"
        per_run[div_id] = len(fig.data) // len(runs)
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, default_height="520px",
                          config={"displaylogo": False})
        parts.append(f"<div class=\"chart\"><h2>{e(T[c])}</h2>{div}<p class=\"caption\">{e(T[c + '_cap'])}</p></div>")
    parts.append(f"<h2>{e(T['about'])}</h2><p>" + e(T["about_t"].format(
        n=len(runs), agents=base.population.agents, scale=base.population.scale, days=ef.days, seed=ef.seed,
        version=__version__)) + "</p>")
    n2 = len(knobs[names[1]]) if len(names) == 2 else 1
    parts.append(SCRIPT % {"per_run": json.dumps(per_run), "n2": n2, "ids": json.dumps(list(per_run))})
    parts.append("</body></html>")
    return "\n".join(parts)


def write_page(path: str | os.PathLike | None, out: str | os.PathLike, lang: str = "en", quick: bool = False,
               workers: int = 1, progress: Any = None) -> Path:
    """Run the explainer and write its page; the page appears whole or not at all."""
    src = Path(path) if path is not None else DEFAULT_FILE
    ef, base, settings = load_explainer(src, quick=quick)
    if ef.name is None:
        ef.name = src.stem
    runs = compute(ef, base, settings, workers=workers, progress=progress)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(render(ef, base, runs, lang), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out

