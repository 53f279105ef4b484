"""The live app: Mesa's SolaraViz over TrafficModel (``sim viz``; or ``solara run sim/teach/app.py``).

Sliders and switches are generated from the configuration tree: each knob of ``sim.KNOBS``
takes its help text from the field's description and its range from the field's ``ui``
metadata (``config.P``), and labels come from ``i18n.KNOB_LABELS``. Charts are plotly,
redrawn after each step. The environment variables ``SIM_VIZ_FILE`` (a scenario file whose base
market starts the app) and ``SIM_VIZ_LANG`` (en or zh) are set by ``sim viz``.
"""

from __future__ import annotations

import os
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from ..config import FatigueConfig, MarketConfig, PlatformConfig, SimConfig, StrategyConfig, default_config
from ..i18n import KNOB_LABELS, VIZ_STRINGS
from ..metrics import BRAND_METRICS, PLATFORM_METRICS
from ..model import TrafficModel

LANG = os.environ.get("SIM_VIZ_LANG", "en") if os.environ.get("SIM_VIZ_LANG") in ("en", "zh") else "en"
AGENTS = 2000  # the app's market: one simulated day takes a few ms, so the animation stays smooth
WARMUP_DAYS = 30
NETWORK_SAMPLE = 150

# knob -> (the configuration field that documents it, the slider's type)
KNOB_FIELDS: dict[str, tuple[type, str]] = {
    "private_share": (MarketConfig, "private_share"),
    "tolerance_cap": (FatigueConfig, "tolerance_mean"),
    "push_frequency": (StrategyConfig, "push_per_day"),
    "content_share": (StrategyConfig, "content_share"),
    "reserve_cpm": (PlatformConfig, "reserve_cpm"),
    "invalid_traffic_share": (PlatformConfig, "invalid_traffic_share"),
}


def t(key: str) -> str:
    return VIZ_STRINGS[LANG].get(key) or VIZ_STRINGS["en"][key]


def base_config() -> SimConfig:
    """The app's starting market: the default one, or the base of the scenario in SIM_VIZ_FILE."""
    path = os.environ.get("SIM_VIZ_FILE")
    if path:
        from ..study.scenario import load_scenario

        cfg = load_scenario(path).base
    else:
        cfg = default_config()
    return cfg


def _knob_value(cfg: SimConfig, knob: str) -> Any:
    if knob == "private_share":
        return cfg.market.private_share if cfg.market.private_share is not None else 0.2
    if knob == "tolerance_cap":
        return cfg.fatigue.tolerance_mean
    if knob in ("push_frequency", "content_share"):
        leaf = KNOB_FIELDS[knob][1]
        return getattr(cfg.strategies["private_cultivate"], leaf)
    return getattr(cfg.platforms[0], KNOB_FIELDS[knob][1])


def model_params(cfg: SimConfig | None = None) -> dict[str, Any]:
    """SolaraViz's model parameters: the knobs as sliders and switches, the rest fixed."""
    cfg = cfg or base_config()
    labels = KNOB_LABELS[LANG]
    params: dict[str, Any] = {
        "config": cfg, "n_consumers": AGENTS, "warmup_days": WARMUP_DAYS, "seed": 1,
        "n_brands": {"type": "SliderInt", "value": len(cfg.brands), "label": labels["n_brands"], "min": 2, "max": 40,
                     "step": 1},
    }
    for knob, (node, leaf) in KNOB_FIELDS.items():
        info = node.model_fields[leaf]
        lo, hi, step = info.json_schema_extra["ui"]  # type: ignore[index]
        kind = "SliderFloat" if step < 1 else "SliderInt"
        value = _knob_value(cfg, knob)
        params[knob] = {"type": kind, "value": value if kind == "SliderFloat" else int(round(value)),
                        "label": labels[knob], "min": lo, "max": hi, "step": step, "help": info.description}
    params["alliance"] = {"type": "Checkbox", "value": cfg.alliances.enabled, "label": labels["alliance"]}
    return params


class AppModel(TrafficModel):
    """TrafficModel with the app's defaults (a small market, short warm-up) and a network layout."""

    def __init__(self, config: SimConfig | None = None, seed: Any = 1, n_consumers: int = AGENTS,
                 warmup_days: int = WARMUP_DAYS, n_brands: int | None = None, private_share: float | None = None,
                 tolerance_cap: float | None = None, push_frequency: float | None = None,
                 content_share: float | None = None, reserve_cpm: float | None = None,
                 invalid_traffic_share: float | None = None, alliance: bool | None = None):
        # explicit knobs: SolaraViz checks the sliders against this signature
        knobs = {"n_consumers": n_consumers, "warmup_days": warmup_days, "n_brands": n_brands,
                 "private_share": private_share, "tolerance_cap": tolerance_cap, "push_frequency": push_frequency,
                 "content_share": content_share, "reserve_cpm": reserve_cpm,
                 "invalid_traffic_share": invalid_traffic_share, "alliance": alliance}
        super().__init__(config=config or base_config(), seed=seed,
                         **{k: v for k, v in knobs.items() if v is not None})
        self._layout: dict[str, Any] | None = None

    def network_sample(self) -> dict[str, Any]:
        """A fixed sample of consumers and the edges among them, laid out once."""
        if self._layout is None:
            g = self.graph.to_networkx()
            start = int(np.random.default_rng(0).integers(self.N))
            # a snowball around one consumer shows the graph's structure; a random sample would have few edges
            nodes = np.array(sorted(list(nx.bfs_tree(g, start, depth_limit=4).nodes)[:NETWORK_SAMPLE]))
            sub = g.subgraph(nodes.tolist()).copy()
            pos = nx.spring_layout(sub, seed=1)
            self._layout = {"nodes": nodes, "edges": list(sub.edges()), "pos": pos}
        return self._layout


# ------------------------------------------------------------------------------ charts


class MarketSeries:
    """The daily market totals the charts draw, one row appended per simulated day.

    Rebuilding the recorder's tidy frame every day cost time in proportion to the days run (about
    20 ms by day 200); the charts only need a dozen sums per day, so each day's brand and platform
    rows are summed once, when the day is new, and the charts read these short columns.
    """

    SUMS = ("ad_spend", "new_customers_paid", "pool_members_tier1", "pool_members_tier2", "pool_members_tier3",
            "messages_read", "pool_members", "impressions_wasted", "impressions_valid")

    def __init__(self, model: TrafficModel):
        self.model = model
        self.seen = 0  # recorder days already appended
        self.columns: dict[str, list[float]] = {k: [] for k in ("day", "cpm", *self.SUMS)}
        self.strategies = sorted({b.cfg.strategy for b in model.brands})
        self.profit: dict[str, list[float]] = {s: [] for s in self.strategies}  # mean profit per brand of s

    def catch_up(self) -> None:
        """Append the days the recorder holds that the series does not (one, in a running app)."""
        m, rec = self.model, self.model.recorder
        col = {name: j for j, name in enumerate(BRAND_METRICS)}
        cpm = PLATFORM_METRICS.index("cpm")
        strategy = np.array([b.cfg.strategy for b in m.brands])
        for k in range(self.seen, len(rec.days)):
            rows = rec.brand_rows[k]  # (B, metrics), agent units: counts and money scale to the market
            self.columns["day"].append(rec.days[k])
            self.columns["cpm"].append(float(np.mean(rec.platform_rows[k][:, cpm])))
            for name in self.SUMS:
                self.columns[name].append(float(rows[:, col[name]].sum()) * m.scale)
            for s in self.strategies:
                self.profit[s].append(float(rows[strategy == s, col["profit"]].mean()) * m.scale)
        self.seen = len(rec.days)

    def frame(self) -> pd.DataFrame:
        """The series as a frame indexed by day (built from the short columns, not the tidy frame)."""
        self.catch_up()
        df = pd.DataFrame(self.columns).set_index("day")
        for s in self.strategies:
            df[f"profit_{s}"] = self.profit[s]
        return df


def market_series(model: TrafficModel) -> pd.DataFrame:
    """The charts' daily totals for ``model``, appended day by day and shared by all the charts."""
    series = getattr(model, "_app_series", None)
    if series is None:
        series = model._app_series = MarketSeries(model)
    if getattr(model, "_app_series_day", None) != model.day:
        model._app_series_frame, model._app_series_day = series.frame(), model.day
    return model._app_series_frame


def _fig(title: str, ytitle: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, height=300, margin={"t": 40, "b": 30, "l": 50, "r": 10},
                      xaxis_title=t("day"), yaxis_title=ytitle, legend={"orientation": "h", "y": -0.25})
    return fig


def _ratio(d: pd.DataFrame, num: str, den: str) -> pd.Series:
    """A daily market ratio: Σ num / Σ den over brands (missing where the denominator is 0)."""
    return d[num] / d[den].replace(0, np.nan)


def cost_figure(model: TrafficModel) -> go.Figure:
    fig = _fig(t("cost"), "RMB")
    d = market_series(model)
    if len(d):
        spend, paid = d["ad_spend"], d["new_customers_paid"]
        cac = spend.rolling(30, min_periods=1).sum() / paid.rolling(30, min_periods=1).sum().replace(0, np.nan)
        fig.add_trace(go.Scatter(x=d.index, y=d["cpm"].values, name="CPM"))
        fig.add_trace(go.Scatter(x=cac.index, y=cac.values, name="CAC"))
    return fig


def pool_figure(model: TrafficModel) -> go.Figure:
    fig = _fig(t("pools"), t("members"))
    d = market_series(model)
    for tier in (1, 2, 3) if len(d) else ():
        s = d[f"pool_members_tier{tier}"]
        fig.add_trace(go.Scatter(x=s.index, y=s.values, name=f"{t('tier')} {tier}", stackgroup="pool"))
    return fig


def _ratio_figure(model: TrafficModel, title: str, ytitle: str, num: str, den: str, name: str) -> go.Figure:
    fig = _fig(t(title), t(ytitle))
    d = market_series(model)
    if len(d):
        r = _ratio(d, num, den)
        fig.add_trace(go.Scatter(x=r.index, y=r.values, name=t(name)))
    return fig


def activity_figure(model: TrafficModel) -> go.Figure:
    return _ratio_figure(model, "activity", "reads", "messages_read", "pool_members", "reads")


def profit_figure(model: TrafficModel) -> go.Figure:
    """Cumulative profit of the mean brand of each strategy."""
    fig = _fig(t("profit"), "RMB")
    d = market_series(model)
    for col in [c for c in d.columns if c.startswith("profit_")] if len(d) else ():
        s = d[col].cumsum()
        fig.add_trace(go.Scatter(x=s.index, y=s.values, name=col.removeprefix("profit_")))
    return fig


def waste_figure(model: TrafficModel) -> go.Figure:
    return _ratio_figure(model, "waste", "share", "impressions_wasted", "impressions_valid", "waste").update_yaxes(
        range=[0, 1])


def network_figure(model: AppModel) -> go.Figure:
    lay = model.network_sample()
    focal = model.cfg.market.focal_brand
    tier = model.state.tier[lay["nodes"], focal]
    pos = lay["pos"]
    fig = go.Figure()
    ex, ey = [], []
    for u, v in lay["edges"]:
        ex += [pos[u][0], pos[v][0], None]
        ey += [pos[u][1], pos[v][1], None]
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line={"color": "#ccc", "width": 0.5}, hoverinfo="skip",
                             showlegend=False))
    colors = ["#bbbbbb", "#9ecae1", "#3182bd", "#08306b"]
    for k in range(4):
        sel = tier == k
        fig.add_trace(go.Scatter(x=[pos[int(n)][0] for n in lay["nodes"][sel]],
                                 y=[pos[int(n)][1] for n in lay["nodes"][sel]], mode="markers",
                                 marker={"color": colors[k], "size": 8}, name=t(f"tier{k}")))
    fig.update_layout(title=t("network"), height=330, margin={"t": 40, "b": 10, "l": 10, "r": 10},
                      xaxis={"visible": False}, yaxis={"visible": False}, legend={"orientation": "h", "y": -0.05})
    return fig




def live(build):
    """A Solara component that redraws ``build(model)`` after every step (Mesa's update counter)."""

    def chart(model: TrafficModel):
        update_counter.get()
        solara.FigurePlotly(build(model))

    chart.__name__ = chart.__qualname__ = build.__name__.replace("_figure", "_chart")
    return solara.component(chart)


CostChart, PoolChart, ActivityChart, ProfitChart, WasteChart, NetworkView = (
    live(f) for f in (cost_figure, pool_figure, activity_figure, profit_figure, waste_figure, network_figure))


COMPONENTS = [CostChart, PoolChart, ActivityChart, ProfitChart, WasteChart, NetworkView]


def make_page(cfg: SimConfig | None = None):
    cfg = cfg or base_config()
    params = model_params(cfg)
    model = AppModel(config=cfg, seed=1, n_consumers=AGENTS, warmup_days=WARMUP_DAYS)
    return SolaraViz(model, components=COMPONENTS, model_params=params, name=t("title"), play_interval=150)


page = make_page()
