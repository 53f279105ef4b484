"""The comparative scenario report: KPIs with confidence intervals, paired differences, charts.

Outputs (in a folder, written to a temporary folder first and moved into place whole):
``index.html`` (opens offline: ``plotly.min.js`` is written beside it), ``summary.csv``
(per arm and KPI: mean, CI, paired difference from the reference and its CI),
``kpis.csv`` (per run), ``runs/<arm>_rep<k>.parquet`` (daily series), ``config/<arm>.yaml``
(the resolved configuration of each arm) and ``provenance.json``.
"""

from __future__ import annotations

import html
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline as po
import yaml

from ..i18n import tr
from ..output import atomic_folder
from ..reporting import git_commit, mean_ci, page_head
from .assumptions import assumptions_html
from .kpis import KPIS, focal_brands, kpi_table, series
from .runs import ArmRun
from .scenario import Scenario

PERCENT = {"repurchase_rate_365", "profit_share_existing", "wasted_share", "market_share"}
COUNTS = {"new_customers", "pool_members", "pool_active"}


# ------------------------------------------------------------------------------ tables


def summary_table(kpis: pd.DataFrame, reference_of: Callable[[str], str | None]) -> pd.DataFrame:
    """Per arm and KPI: mean and CI; paired difference from the arm's reference and its CI."""
    by_arm = {arm: g.set_index("replication") for arm, g in kpis.groupby("arm", sort=False)}
    out = []
    for arm, g in by_arm.items():
        ref_arm = reference_of(arm)
        for k in KPIS:
            m, lo, hi = mean_ci(g[k])
            if ref_arm is None:
                dm = dlo = dhi = math.nan
            else:
                dm, dlo, dhi = mean_ci((g[k] - by_arm[ref_arm][k]).dropna())
            out.append({"arm": arm, "kpi": k, "compared_with": ref_arm, "mean": m, "ci_low": lo, "ci_high": hi,
                        "diff_mean": dm, "diff_ci_low": dlo, "diff_ci_high": dhi, "n": int(g[k].notna().sum())})
    return pd.DataFrame(out)


def payback_day(results: dict[str, list[ArmRun]], focal_of: dict[str, int], arm: str, reference: str) -> float:
    """First day from which the mean paired difference in cumulative focal profit stays above zero."""
    prof = series(results, focal_of, "profit")
    diff = (prof[arm].cumsum() - prof[reference].cumsum()).mean(axis=1)
    below = np.flatnonzero(diff.to_numpy() <= 0)
    if below.size == 0:
        return float(diff.index[0])
    if below[-1] + 1 >= len(diff):
        return math.nan
    return float(diff.index[below[-1] + 1])


def market_cac(results: dict[str, list[ArmRun]], arm: str, window: int = 90) -> tuple[float, float]:
    """Market-level CAC (total public spend / total new paid customers) in the first and last window days."""
    first, last = [], []
    for r in results[arm]:
        b = r.daily[r.daily["entity_type"] == "brand"]
        dmax = b["day"].max()
        for sel, acc in ((b["day"] <= window, first), (b["day"] > dmax - window, last)):
            x = b[sel]
            n = x["new_customers_paid"].sum()
            acc.append(x["ad_spend"].sum() / n if n > 0 else math.nan)
    return float(np.nanmean(first)), float(np.nanmean(last))


# ------------------------------------------------------------------------------ words


def _money(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.0f}"


def _fmt(kpi: str, x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if kpi in PERCENT:
        return f"{x:.1%}"
    if kpi in COUNTS:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.2f}"


def profit_components(results: dict[str, list[ArmRun]], focal_of: dict[str, int], arm: str, reference: str
                      ) -> dict[str, float]:
    """Mean paired difference in the focal brand's profit, split by ledger line (signed: + raises profit)."""
    def tot(runs: list[ArmRun]) -> pd.DataFrame:
        rows = []
        for r in runs:
            focal = focal_of[r.arm]
            f = r.daily[(r.daily["entity_type"] == "brand") & (r.daily["brand_id"] == focal)]
            s = f.sum(numeric_only=True)
            rows.append({"c_revenue": s["revenue"], "c_ads": -s["costs_ads"],
                         "c_private": -(s["costs_wages"] + s["costs_content"] + s["costs_incentives"]),
                         "c_goods": -(s["costs_cogs"] + s["costs_commission"]),
                         "c_other": s["alliance_fee_income"] - s["costs_referral"] - s["costs_alliance_fees"]
                         - s["costs_overheads"]})
        return pd.DataFrame(rows)

    d = tot(results[arm]) - tot(results[reference])
    return d.mean().to_dict()


def _clear(lo: float, hi: float) -> bool:
    return not (math.isnan(lo) or math.isnan(hi)) and (lo > 0 or hi < 0)


def executive_summary(sc: Scenario, results: dict[str, list[ArmRun]], table: pd.DataFrame, lang: str
                      ) -> list[str]:
    """Sentences: which arm wins on 12-month profit, by how much, how confident, and the main driver."""
    focal_of = focal_brands(sc)
    ref = sc.reference
    n = sc.replications
    horizon = tr(lang, "horizon_year") if sc.days == 365 else tr(lang, "horizon_days", days=sc.days)
    prof = table[table["kpi"] == "profit"].set_index("arm")
    main = [a for a in sc.arms if sc.reference_of(a) in (None, ref)]
    winner = str(prof.loc[main, "mean"].idxmax())
    out = []
    if winner != ref:
        row = prof.loc[winner]
        out.append(tr(lang, "wins", winner=winner, ref=ref, horizon=horizon, diff=_money(row["diff_mean"]),
                      lo=_money(row["diff_ci_low"]), hi=_money(row["diff_ci_high"])))
        other = winner
    else:
        others = [a for a in main if a != ref]
        if not others:
            return [tr(lang, "wins", winner=ref, ref=ref, horizon=horizon, diff="0", lo="–", hi="–")]
        other = str(prof.loc[others, "mean"].idxmax())
        row = prof.loc[other]
        out.append(tr(lang, "ref_wins", ref=ref, other=other, horizon=horizon, diff=_money(-row["diff_mean"]),
                      lo=_money(-row["diff_ci_high"]), hi=_money(-row["diff_ci_low"])))
    out.append(tr(lang, "confident" if _clear(row["diff_ci_low"], row["diff_ci_high"]) else "not_confident", n=n))
    comps = profit_components(results, focal_of, other, ref)
    top = sorted(comps, key=lambda k: -abs(comps[k]))[:2]

    def signed(x: float) -> str:
        return f"{'+' if x >= 0 else '−'}{abs(x):,.0f}"

    out.append(tr(lang, "driver", component=tr(lang, top[0]), amount=signed(comps[top[0]]),
                  component2=tr(lang, top[1]), amount2=signed(comps[top[1]])))
    c0, c1 = market_cac(results, winner)
    rr = table[(table["kpi"] == "repurchase_rate_365") & (table["arm"] == winner)]["mean"]
    out.append(tr(lang, "context", ratio=f"{c1 / c0:.1f}" if c0 and not math.isnan(c0) else "–", winner=winner,
                  rep=_fmt("repurchase_rate_365", float(rr.iloc[0]) if len(rr) else math.nan)))
    for arm in sc.arms:
        pair = sc.reference_of(arm)
        if pair is None:
            continue
        if arm not in main:
            r = prof.loc[arm]
            verdict = tr(lang, "clear" if _clear(r["diff_ci_low"], r["diff_ci_high"]) else "unclear")
            out.append(tr(lang, "pair", arm=arm, ref=pair, horizon=horizon, diff=_money(r["diff_mean"]),
                          lo=_money(r["diff_ci_low"]),
                          hi=_money(r["diff_ci_high"]), verdict=verdict))
        day = payback_day(results, focal_of, arm, pair)
        out.append(tr(lang, "no_payback", arm=arm, ref=pair) if math.isnan(day)
                   else tr(lang, "payback", arm=arm, ref=pair, day=int(day)))
    return out


# ------------------------------------------------------------------------------ HTML


def _rows(t: pd.DataFrame, arms: list[str], prefix: str, lang: str) -> list[str]:
    """Table rows, one per KPI: the mean (or paired difference, prefix "diff_") and its CI per arm."""
    rows = []
    for k in KPIS:
        cells = []
        for a in arms:
            r = t.loc[(k, a)]
            lo, hi = r[f"{prefix}ci_low"], r[f"{prefix}ci_high"]
            ci = "" if math.isnan(lo) else f"<br><small>[{_fmt(k, lo)}, {_fmt(k, hi)}]</small>"
            cells.append(f"<td>{_fmt(k, r[f'{prefix}mean'])}{ci}</td>")
        rows.append(f"<tr><td>{html.escape(tr(lang, k))}</td>{''.join(cells)}</tr>")
    return rows


def render_html(sc: Scenario, table: pd.DataFrame, summary: list[str], figs: list[tuple[str, str, go.Figure]],
                provenance: dict[str, Any], lang: str, extra: list[str] = ()) -> str:
    e = html.escape
    arms = list(sc.arms)
    q = sc.question.get(lang) or sc.question.get("en", "")
    parts = page_head(f"{sc.name} – {tr(lang, 'title')}", lang) + [
             f"<h1>{e(sc.name)}</h1><p><b>{e(tr(lang, 'question'))}:</b> {e(q)}</p>",
             f"<p>{e(tr(lang, 'reference'))}: <b>{e(sc.reference)}</b> · {e(tr(lang, 'replications'))}: "
             f"{sc.replications} · {e(tr(lang, 'days'))}: {sc.days}</p>",
             f"<h2>{e(tr(lang, 'summary'))}</h2><div class=\"summary\" id=\"executive-summary\">"
             + "".join(f"<p>{e(s)}</p>" for s in summary) + "</div>",
             f"<h2>{e(tr(lang, 'kpis'))}</h2><table id=\"kpi-table\"><tr><th>{e(tr(lang, 'kpi'))}</th>"
             + "".join(f"<th>{e(a)}</th>" for a in arms) + "</tr>"]
    t = table.set_index(["kpi", "arm"])
    parts += _rows(t, arms, "", lang)
    parts.append("</table>")
    others = [a for a in arms if a != sc.reference]
    if others:
        parts.append(f"<h2>{e(tr(lang, 'diffs'))}</h2><table id=\"diff-table\"><tr><th>{e(tr(lang, 'kpi'))}</th>"
                     + "".join(f"<th>{e(a)} − {e(sc.reference_of(a) or '')}</th>" for a in others) + "</tr>")
        parts += _rows(t, others, "diff_", lang)
        parts.append("</table>")
    parts += assumptions_html(sc, focal_brands(sc), lang)
    parts += list(extra)  # sections measured on request (channel truth)
    parts.append(f"<h2>{e(tr(lang, 'charts'))}</h2>")
    for i, (title, caption, fig) in enumerate(figs):
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{i}", default_height="420px",
                          config={"displaylogo": False})
        parts.append(f"<div class=\"chart\"><h3>{e(tr(lang, title))}</h3>{div}"
                     f"<p class=\"caption\">{e(tr(lang, caption))}</p></div>")
    parts.append(f"<h2>{e(tr(lang, 'limitations'))}</h2><p>{e(tr(lang, 'limits'))}</p>")
    parts.append(f"<h2>{e(tr(lang, 'provenance'))}</h2><table>")
    for key, label in (("version", "prov_version"), ("git_commit", "prov_commit"), ("seeds", "prov_seeds"),
                       ("command", "prov_command"), ("seconds", "prov_time")):
        parts.append(f"<tr><td>{e(tr(lang, label))}</td><td>{e(str(provenance.get(key, '')))}</td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)


# ------------------------------------------------------------------------------ writing


def _write_exports(sc: Scenario, results: dict[str, list[ArmRun]], tmp: Path) -> None:
    """export/<arm>/<replication>/: the tables other tools read (sim.export), for runs that kept their orders."""
    from .exports import write_tables

    for arm, runs in results.items():
        for r in runs:
            if r.orders is not None:
                folder = tmp / "export" / _safe(arm) / str(r.replication)
                folder.mkdir(parents=True)
                write_tables(folder, r.orders, r.daily, sc.replication(r.replication)[1][arm])


def write_report(sc: Scenario, results: dict[str, list[ArmRun]], out: Path, lang: str, seconds: float,
                 command: list[str] | None = None, truths: list | None = None, sensitivity: Any = None) -> Path:
    """Write the whole report to a temporary folder beside ``out``, then move it into place (whole or nothing).
    ``truths``: the channel truth of :mod:`sim.study.incrementality`; ``sensitivity``: what flips the verdict
    (:mod:`sim.study.sensitivity`), each when it was measured."""
    from ..version import __version__

    with atomic_folder(out) as tmp:
        kpis = kpi_table(results, focal_brands(sc))
        table = summary_table(kpis, sc.reference_of)
        summary = executive_summary(sc, results, table, lang)
        extra = []
        if sensitivity is not None:
            from .sensitivity import sensitivity_frame
            from .sensitivity_report import flip_sentences, sensitivity_html

            summary[2:2] = flip_sentences(sensitivity, lang)  # after the verdict and its confidence
            extra += sensitivity_html(sensitivity, lang)
            sensitivity_frame(sensitivity).to_csv(tmp / "sensitivity.csv", index=False)
        from .charts import charts

        figs = charts(sc, results, kpis, lang)
        provenance = {
            "scenario": sc.name, "file": str(sc.path) if sc.path else None, "version": __version__,
            "git_commit": git_commit(), "python": sys.version.split()[0],
            "seeds": f"SeedSequence([{sc.seed}, k]) for k in 0..{sc.replications - 1}",
            "base_seed": sc.seed, "replications": sc.replications, "days": sc.days, "quick": sc.quick,
            "overrides": sc.overrides, "command": " ".join(command or sys.argv),
            "seconds": round(seconds, 2),
            "run_seconds": {f"{r.arm}/{r.replication}": round(r.seconds, 3) for rs in results.values() for r in rs},
        }
        (tmp / "plotly.min.js").write_text(po.get_plotlyjs(), encoding="utf-8")
        _write_exports(sc, results, tmp)
        if truths is not None:
            from .incrementality import truth_frame, truth_html

            extra += truth_html(truths, lang)
            truth = truth_frame(truths)
            truth.to_csv(tmp / "incrementality.csv", index=False)
            if (tmp / "export").is_dir():  # the ground truth to score a marketing-mix model against
                (tmp / "export" / "truth.json").write_text(truth.to_json(orient="records", indent=1), encoding="utf-8")
        (tmp / "index.html").write_text(render_html(sc, table, summary, figs, provenance, lang, extra),
                                        encoding="utf-8")
        table.to_csv(tmp / "summary.csv", index=False)
        kpis.to_csv(tmp / "kpis.csv", index=False)
        (tmp / "provenance.json").write_text(json.dumps(provenance, indent=2, ensure_ascii=False), encoding="utf-8")
        (tmp / "config").mkdir()
        (tmp / "config" / "base.yaml").write_text(
            yaml.safe_dump(sc.base.model_dump(mode="json"), allow_unicode=True, sort_keys=False), encoding="utf-8")
        for arm, cfg in sc.arms.items():
            (tmp / "config" / f"{_safe(arm)}.yaml").write_text(
                yaml.safe_dump(cfg.model_dump(mode="json"), allow_unicode=True, sort_keys=False), encoding="utf-8")
        (tmp / "runs").mkdir()
        if sc.daily:
            for arm, runs in results.items():
                for r in runs:
                    r.daily.to_parquet(tmp / "runs" / f"{_safe(arm)}_rep{r.replication}.parquet", index=False)
        pd.concat([r.summary.assign(arm=arm, replication=r.replication) for arm, rs in results.items() for r in rs]
                  ).to_parquet(tmp / "runs" / "summaries.parquet", index=False)
    return Path(out)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
