"""Channel truth (docs/METRICS.md §6b): what each of the focal brand's channels really earns.

Last-touch attribution credits a channel with the orders it touched. The simulator can do what no
analytics tool can: run the same market on the same seeds with one channel of the focal brand switched
off from reported day 1, and measure what is lost. Per arm and channel:

* ``paid``: no ad spend; the pool keeps its budget (the brand's budget falls by the ad share);
* ``private``: no pool (no joins, pushes or operators); the ad budget stays what it was;
* ``alliance``: the brand leaves its alliances (an alliance left with one member ends).

Incremental contribution = the arm's focal contribution − the counterfactual's, paired by replication;
incremental ROI = that / the channel's own cost in the arm. Word of mouth and organic search cannot be
switched off for one brand alone and are not measured.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import SimConfig, with_overrides
from ..config.decisions import candidate_overrides
from ..i18n import tr
from ..reporting import mean_ci
from .assumptions import marketing_budget
from .kpis import focal_brands
from .runs import KEEP, ArmRun, Job, run_jobs, scenario_jobs
from .scenario import Scenario

CHANNEL_COSTS = {"paid": ("ad_spend",), "private": ("costs_wages", "costs_content", "costs_incentives"),
                 "alliance": ("costs_alliance_fees",)}
ROI = {"paid": "roi_paid", "private": "roi_private", "alliance": "roi_alliance"}
SEP = "~no_"  # counterfactual arm label: "<arm>~no_<channel>"


@dataclass(frozen=True)
class ChannelTruth:
    """One arm's channel: incremental against last-touch attributed, in RMB and orders (run totals)."""

    arm: str
    channel: str
    incremental_contribution: tuple[float, float, float]  # mean, 95 % CI low, high over replications
    incremental_orders: tuple[float, float, float]
    attributed_contribution: float
    attributed_orders: float
    cost: float
    roi_incremental: float
    roi_attributed: float


def channel_off(cfg: SimConfig, b: int, channel: str) -> dict | None:
    """Overrides that switch brand b's channel off, or None where the brand does not use it."""
    s = cfg.strategies[cfg.brands[b].strategy]
    share = s.private_share if s.run_pool else 0.0
    if channel == "paid":
        keep = share  # the pool's part of the budget
        own = {"strategy.private_share": 1.0, "strategy.adaptive": False} if s.run_pool else {}
    elif channel == "private":
        if not s.run_pool:
            return None
        keep = 1.0 - share
        own = {"strategy.run_pool": False, "strategy.adaptive": False}
    elif channel == "alliance":
        groups = [g.model_dump(mode="json") for g in cfg.alliances.groups]
        if not any(b in g["members"] for g in groups):
            return None
        left = [{**g, "members": [m for m in g["members"] if m != b]} for g in groups]
        return {"alliances.groups": [g for g in left if len(g["members"]) >= 2]}
    else:
        raise ValueError(f"unknown channel {channel!r}")
    if s.budget_revenue_share is not None:
        own["strategy.budget_revenue_share"] = s.budget_revenue_share * keep
    return candidate_overrides(cfg, b, {**own, f"brands.{b}.budget_per_day": marketing_budget(cfg, b) * keep})


def counterfactual_jobs(sc: Scenario, keep: tuple[str, ...] = KEEP) -> list[Job]:
    """The scenario's runs (keeping ``keep``) plus, per arm and channel the focal brand uses, the same
    runs with it off."""
    focal = focal_brands(sc)
    jobs = scenario_jobs(sc, keep)
    for k in range(sc.replications):
        base, arms = sc.replication(k)
        for arm, cfg in arms.items():
            for channel in CHANNEL_COSTS:
                ov = channel_off(cfg, focal[arm], channel)
                if ov is not None:
                    jobs.append(Job(f"{arm}{SEP}{channel}", k, with_overrides(cfg, ov).model_dump_json(),
                                    base.model_dump_json(), sc.seed, sc.days))
    return jobs


def _focal_totals(run: ArmRun, b: int) -> pd.Series:
    return run.summary.set_index("brand_id").loc[b]


def channel_truth(sc: Scenario, results: dict[str, list[ArmRun]]) -> list[ChannelTruth]:
    """Paired differences (arm − channel off) per arm and channel, beside the attributed figures."""
    focal = focal_brands(sc)
    out = []
    for label, cf_runs in results.items():
        if SEP not in label:
            continue
        arm, channel = label.split(SEP)
        b = focal[arm]
        on = [_focal_totals(r, b) for r in results[arm]]
        off = [_focal_totals(r, b) for r in cf_runs]
        d_contrib = [x["contribution"] - y["contribution"] for x, y in zip(on, off, strict=True)]
        d_orders = [x["orders"] - y["orders"] for x, y in zip(on, off, strict=True)]
        d = [r.daily for r in results[arm]]
        rows = [x[(x["entity_type"] == "brand") & (x["brand_id"] == b)] for x in d]
        costs = np.array([r[list(CHANNEL_COSTS[channel])].to_numpy().sum() for r in rows], float)
        cost = float(costs.mean())
        attributed_orders = float(np.mean([r[f"orders_{channel}"].sum() for r in rows]))
        # per replication: roi_r × cost_r is that run's attributed contribution (the mean of the
        # products, not the product of the means, which differ when ROI and cost co-vary)
        roi = np.array([x[ROI[channel]] for x in on], float)
        attributed = float(np.mean(np.where(costs > 0, np.nan_to_num(roi) * costs, 0.0))) if cost else float("nan")
        inc = mean_ci(d_contrib)
        out.append(ChannelTruth(arm, channel, inc, mean_ci(d_orders), attributed, attributed_orders, cost,
                                inc[0] / cost if cost else float("nan"), attributed / cost if cost else float("nan")))
    return out


def truth_frame(truths: list[ChannelTruth]) -> pd.DataFrame:
    """One row per (arm, channel): what channel_truth measured, flat (incrementality.csv, truth.json)."""
    rows = []
    for truth in truths:
        rows.append({"arm": truth.arm, "channel": truth.channel,
                     "incremental_contribution": truth.incremental_contribution[0],
                     "incremental_contribution_lo": truth.incremental_contribution[1],
                     "incremental_contribution_hi": truth.incremental_contribution[2],
                     "incremental_orders": truth.incremental_orders[0],
                     "incremental_orders_lo": truth.incremental_orders[1],
                     "incremental_orders_hi": truth.incremental_orders[2],
                     "attributed_contribution": truth.attributed_contribution,
                     "attributed_orders": truth.attributed_orders, "cost": truth.cost,
                     "roi_incremental": truth.roi_incremental, "roi_attributed": truth.roi_attributed})
    return pd.DataFrame(rows)


def run_with_counterfactuals(sc: Scenario, workers: int | None = 1, progress=None, executor=None,
                             keep: tuple[str, ...] = KEEP) -> tuple[dict[str, list[ArmRun]], list[ChannelTruth]]:
    """Run the scenario and its channel-off counterfactuals on the same seeds; the scenario's own
    results (arms only) and the channel truth."""
    everything = run_jobs(counterfactual_jobs(sc, keep), workers, progress, executor)
    truths = channel_truth(sc, everything)
    return {arm: everything[arm] for arm in sc.arms}, truths


def truth_html(truths: list[ChannelTruth], lang: str) -> list[str]:
    """The report's channel-truth table and the sentence that explains the gap."""
    e = html.escape

    def money(x: float) -> str:
        return "–" if x != x else f"{x:,.0f}"

    def ci(t: tuple[float, float, float]) -> str:
        return money(t[0]) + ("" if t[1] != t[1] else f"<br><small>[{money(t[1])}, {money(t[2])}]</small>")

    head = ["arm", "ct_channel", "ct_attr_contrib", "ct_inc_contrib", "ct_attr_orders", "ct_inc_orders", "ct_cost",
            "ct_roi_attr", "ct_roi_inc"]
    out = [f"<h2>{e(tr(lang, 'ct_title'))}</h2><p>{e(tr(lang, 'ct_explain'))}</p><table id=\"channel-truth\"><tr>"
           + "".join(f"<th>{e(tr(lang, h))}</th>" for h in head) + "</tr>"]
    def roi(x: float) -> str:
        return "–" if x != x else f"{x:.2f}"

    for truth in truths:
        out.append(f"<tr><td>{e(truth.arm)}</td><td>{e(tr(lang, truth.channel))}</td>"
                   f"<td>{money(truth.attributed_contribution)}</td><td>{ci(truth.incremental_contribution)}</td><td>{money(truth.attributed_orders)}</td>"
                   f"<td>{ci(truth.incremental_orders)}</td><td>{money(truth.cost)}</td><td>{roi(truth.roi_attributed)}</td>"
                   f"<td>{roi(truth.roi_incremental)}</td></tr>")
    out.append("</table>")
    return out
