"""The stylized facts F1–F13 (MODEL_BRIEF §6, §9) as executable checks.

Each fact runs an experiment (usually a built-in scenario, on validation seeds), measures
its quantity per replication and passes when the 95% CI across replications lies inside
its band; a directional fact passes when the CI of the paired difference excludes zero in
the stated direction. Bands are those declared in docs/MODEL.md §1: they may be narrowed,
never widened. A fact that is not measured yet is reported as failing, never as passing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .builtin import SCENARIO_DIR
from .config import SimConfig, with_overrides
from .executor import Executor
from .reporting import focal_brands, kpi_table, mean_ci
from .study.runs import ArmRun, Job, market_jobs, run_jobs, scenario_jobs
from .study.scenario import Scenario, load_scenario
from .validation import auction_docking, bass_docking

Overrides = dict[str, Any] | None  # dotted path -> value, e.g. an ablation {"fatigue.enabled": False}
Workers = int | Executor  # worker processes, or the executor validate() shares between facts

VALIDATION_SEED = 1  # MODEL_BRIEF §9: calibrate on seeds >= 1000, validate on seeds 1-99


@dataclass
class Check:
    """One measured quantity against its band.

    A band check passes when the 95% CI lies inside [low, high]. A directional check
    (``direction`` +1 or −1: an increase or a decrease) passes, as MODEL_BRIEF §9 says, when
    the CI excludes zero in that direction and the mean effect is at least its declared
    minimum (``low`` for an increase, ``high`` for a decrease).
    """

    quantity: str
    values: list[float]
    low: float = -math.inf
    high: float = math.inf
    direction: int = 0
    equivalence: float = 0.0  # a directional check also passes inside ±equivalence ("no effect")

    @property
    def ci(self) -> tuple[float, float, float]:
        return mean_ci(self.values)

    @property
    def passed(self) -> bool:
        m, lo, hi = self.ci
        if len(self.values) == 1:  # a deterministic or pooled quantity: the value itself
            lo = hi = m
        if math.isnan(lo) or math.isnan(hi):
            return False
        if self.equivalence and -self.equivalence <= lo and hi <= self.equivalence:
            return True
        if self.direction > 0:
            return lo > 0 and m >= self.low
        if self.direction < 0:
            return hi < 0 and m <= self.high
        return self.low <= lo and hi <= self.high

    def band(self) -> str:
        if self.equivalence:
            side = "> 0" if self.direction > 0 else "< 0"
            return f"inside ±{self.equivalence:g}, or CI {side}"
        if self.direction > 0:
            return f"CI > 0, mean ≥ {self.low:g}" if self.low > 0 else "CI > 0"
        if self.direction < 0:
            return f"CI < 0, mean ≤ {self.high:g}" if self.high < 0 else "CI < 0"
        if math.isinf(self.low):
            return f"< {self.high:g}" if not math.isinf(self.high) else "any"
        if math.isinf(self.high):
            return f"> {self.low:g}"
        return f"{self.low:g} – {self.high:g}"


def Up(quantity: str, values: list[float], minimum: float = 0.0) -> Check:
    """A paired difference that must be positive, by at least ``minimum``."""
    return Check(quantity, values, low=minimum, direction=1)


def Down(quantity: str, values: list[float], minimum: float = 0.0) -> Check:
    """A paired difference that must be negative, by at least ``minimum`` (a number ≤ 0)."""
    return Check(quantity, values, high=minimum, direction=-1)


@dataclass
class FactResult:
    fact: str
    title: str
    experiment: str
    checks: list[Check] = field(default_factory=list)
    note: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def rows(self) -> list[dict]:
        if not self.checks:
            return [{"fact": self.fact, "title": self.title, "experiment": self.experiment, "quantity": "–",
                     "mean": math.nan, "ci_low": math.nan, "ci_high": math.nan, "band": "–", "n": 0,
                     "pass": False, "note": self.note}]
        out = []
        for c in self.checks:
            m, lo, hi = c.ci
            out.append({"fact": self.fact, "title": self.title, "experiment": self.experiment,
                        "quantity": c.quantity, "mean": m, "ci_low": lo, "ci_high": hi, "band": c.band(),
                        "n": len(c.values), "pass": c.passed, "note": self.note})
        return out


# ------------------------------------------------------------------------------ helpers


def _scenario(name: str, quick: bool, ov: Overrides = None) -> Scenario:
    """A built-in scenario on the validation seed, with ``ov`` (an ablation) applied to every arm."""
    sc = load_scenario(SCENARIO_DIR / f"{name}.yaml", quick=quick)
    sc.seed = VALIDATION_SEED
    if ov:
        sc.base = with_overrides(sc.base, ov)
        sc.arms = {arm: with_overrides(cfg, ov) for arm, cfg in sc.arms.items()}
    return sc


_SHARED: dict[str, dict[str, list[ArmRun]]] = {}


def _run(sc: Scenario, workers: Workers, share: bool = False) -> tuple[dict[str, list[ArmRun]], pd.DataFrame]:
    """Run a scenario's arms. ``share``: keep the runs for another fact that runs the very same
    experiment (F1 and F12 both read ``rising_cac``'s public-only arm); runs are pure functions
    of their configuration and seed, so the key is exactly that."""
    key = "|".join([str(sc.seed), str(sc.replications), str(sc.days), sc.base.model_dump_json()]
                   + [f"{arm}={cfg.model_dump_json()}" for arm, cfg in sc.arms.items()]) if share else ""
    if key in _SHARED:
        results = _SHARED[key]
    else:
        results = _runs(scenario_jobs(sc), workers)
        if share:
            _SHARED[key] = results
    return results, kpi_table(results, focal_brands(sc))


def _brand(run: ArmRun, b: int) -> pd.DataFrame:
    d = run.daily
    return d[(d["entity_type"] == "brand") & (d["brand_id"] == b)]


def _paired(k: pd.DataFrame, arm: str, ref: str, kpi: str) -> list[float]:
    a = k[k["arm"] == arm].set_index("replication")[kpi]
    b = k[k["arm"] == ref].set_index("replication")[kpi]
    return list((a - b).dropna())


def _sweep(configs: dict[str, SimConfig], replications: int, days: int, workers: Workers,
           ov: Overrides = None) -> dict[str, list[ArmRun]]:
    """Runs of several markets, each warming up on itself (not arms of one base market)."""
    configs = {name: with_overrides(cfg, ov) if ov else cfg for name, cfg in configs.items()}
    return _runs(market_jobs(configs, replications, days, VALIDATION_SEED), workers)


@contextmanager
def _executor(workers: Workers) -> Iterator[Executor]:
    """The executor :func:`validate` shares between facts, or a new one of ``workers`` processes."""
    if isinstance(workers, Executor):
        yield workers
    else:
        with Executor(workers=workers) as ex:
            yield ex


def _runs(jobs: list[Job], workers: Workers) -> dict[str, list[ArmRun]]:
    with _executor(workers) as ex:
        return run_jobs(jobs, executor=ex)


# ------------------------------------------------------------------------------ facts


def f1_rising_cac(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = _scenario("rising_cac", quick, ov)
    sc.arms = {"public_only": sc.arms["public_only"]}
    results, _ = _run(sc, workers, share=True)
    ratios = []
    for r in results["public_only"]:
        b = r.daily[r.daily["entity_type"] == "brand"]
        g = b.groupby((b["day"] - 1) // 365)[["ad_spend", "new_customers_paid"]].sum()
        cac = g["ad_spend"] / g["new_customers_paid"]
        ratios.append(float(cac.iloc[-1] / cac.iloc[0]))
    return FactResult("F1", "rising CAC", "rising_cac (public_only arm)",
                      [Check("market CAC year 4 / year 1", ratios, 4, 16)])


def f2_funnel(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = _scenario("baseline", quick, ov)
    sc.arms = {"public_only": sc.arms["public_only"]}
    results, _ = _run(sc, workers)
    vis, ordr, repeat_paid = [], [], []
    for r in results["public_only"]:
        f = _brand(r, sc.base.market.focal_brand)
        vis.append(f["impressions_valid"].sum() / f["clicks"].sum())
        ordr.append(f["clicks"].sum() / f["orders_from_clicks"].sum())
        rep = f["orders"].sum() - f["new_customers"].sum()
        repeat_paid.append((f["orders_paid"].sum() - f["new_customers_paid"].sum()) / rep)
    return FactResult("F2", "leaky public funnel", "baseline (public_only arm)", [
        Check("valid impressions per visit", vis, 5, 200), Check("visits per order from a visit", ordr, 5, 200),
        Check("share of repeat orders through paid public", repeat_paid, 0.5, 1.0)])


def f3_fatigue_cap(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    """Waste by reach breadth and marginal CAC over a sweep of advertisers in one category.

    The market of ``rising_cac`` (snacks on one platform, fixed inventory) with 5 to 40
    public-only advertisers and no entrants: only the number of competitors changes.
    """
    from .metrics import X_BINS
    from .model import apply_knobs

    agents, reps, days = (2000, 3, 60) if quick else (10_000, 5, 90)
    points = (5, 10, 20, 40)
    sc = _scenario("rising_cac", False)  # _sweep applies ov to every market
    base = with_overrides(sc.base, {"population.agents": agents, "population.scale": 10_000 / agents,
                                    "run.warmup_days": 30, "market.entrants": 0,
                                    **{f"brands.{i}.strategy": "public_only" for i in range(len(sc.base.brands))}})
    configs = {f"brands_{n}": apply_knobs(base, {"n_brands": n}) for n in points}
    runs = _sweep(configs, reps, days, workers, ov)
    low, high, slope = [], [], []
    for k in range(reps):
        market = pd.concat([runs[name][k].market for name in configs])
        valid = market[[f"valid_x{i}" for i in range(len(X_BINS))]].sum().to_numpy()
        wasted = market[[f"wasted_x{i}" for i in range(len(X_BINS))]].sum().to_numpy()
        low.append(wasted[0] / valid[0])
        high.append(wasted[-1] / valid[-1] if valid[-1] > 0 else math.nan)
        spend, new = [], []
        for name in configs:
            b = runs[name][k].daily.query("entity_type == 'brand'")
            spend.append(b["ad_spend"].sum())
            new.append(b["new_customers_paid"].sum())
        # marginal CAC = Δ spend / Δ new customers; past saturation Δ new turns negative and the
        # ratio flips sign, so the check reads its inverse, new customers per extra 1,000 RMB
        per_k = np.diff(new) / np.diff(spend) * 1000
        slope.append(float(per_k[-1] - per_k[0]))
    return FactResult("F3", "fatigue cap", f"snacks at fixed inventory, {points} advertisers, tolerance 15", [
        Check("wasted share of valid impressions at x ≤ 0.5", low, high=0.10),
        Check("wasted share of valid impressions at x ≥ 2", high, 0.40, 1.0),
        Down("new customers per extra 1,000 RMB (1 / marginal CAC), last − first step", slope)])


def f4_private_frequent(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = _scenario("baseline", quick, ov)
    focal = 11  # accessories, bought about every 60 days (the 于小戈 case)

    sc.arms = {name: with_overrides(sc.base, {"market.focal_brand": focal, f"brands.{focal}.strategy": strat})
               for name, strat in (("public_only", "public_only"), ("private_cultivate", "private_cultivate"))}
    sc.reference = "public_only"
    results, k = _run(sc, workers)
    cult = k[k["arm"] == "private_cultivate"]
    return FactResult("F4", "private pays for frequent purchases", "accessories brand 11: cultivate vs public", [
        Check("repurchase_rate_365 (cultivate)", list(cult["repurchase_rate_365"]), 0.40, 0.60),
        Check("profit_share_existing (cultivate)", list(cult["profit_share_existing"]), 0.55, 0.75),
        Up("repurchase gain over public_only", _paired(k, "private_cultivate", "public_only",
                                                       "repurchase_rate_365"), 0.15)])


def f5_private_not_cheap(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    """Furniture, and the F4 accessories brand with its pool capped small, lose money by running a pool.

    The cap is swept up to one operator's capacity to find the break-even pool size.
    """
    sc = _scenario("durables_vs_fmcg", quick, ov)
    sc.arms = {arm: cfg for arm, cfg in sc.arms.items() if arm.startswith("furniture")}
    sc.reference, sc.compare_to = "furniture_public", {}
    _, k = _run(sc, workers)
    furniture = _paired(k, "furniture_private", "furniture_public", "profit")

    focal = 11  # accessories, the F4 brand
    # one expert operator holds 1,500 people: larger caps need more operators (a larger budget)
    caps = (500, 1000) if quick else (250, 500, 1000, 1500)
    cap = _scenario("baseline", quick, ov)
    cultivate = cap.base.strategies["private_cultivate"].model_dump()
    arms = {"public_only": {f"brands.{focal}.strategy": "public_only"},
            "uncapped": {f"brands.{focal}.strategy": "private_cultivate"}}
    for c in caps:
        arms[f"cap_{c}"] = {f"strategies.capped_{c}": cultivate | {"max_members": float(c)},
                            f"brands.{focal}.strategy": f"capped_{c}"}
    cap.arms = {arm: with_overrides(cap.base, {"market.focal_brand": focal, **o}) for arm, o in arms.items()}
    cap.reference, cap.compare_to = "public_only", {}
    _, kc = _run(cap, workers)
    gain = {arm: float(np.mean(_paired(kc, arm, "public_only", "profit"))) for arm in arms if arm != "public_only"}
    sizes = [(float(c), gain[f"cap_{c}"]) for c in caps]
    sweep = ", ".join(f"{c:g}: {g:+,.0f}" for c, g in sizes) + f", uncapped: {gain['uncapped']:+,.0f}"
    cross = [(c0 + (c1 - c0) * -g0 / (g1 - g0)) for (c0, g0), (c1, g1) in zip(sizes, sizes[1:], strict=False)
             if g0 < 0 <= g1]
    if cross:
        even = f"break-even pool size ≈ {cross[0]:,.0f} people"
    elif sizes[0][1] >= 0:
        even = f"profitable already at {sizes[0][0]:,.0f} people"
    else:
        even = f"no break-even up to {sizes[-1][0]:,.0f} people (one operator's pool)"
    return FactResult("F5", "private is not cheap", "durables_vs_fmcg (furniture pair); baseline, accessories brand "
                      "11 with its pool capped", [
                          Down("furniture: profit cultivate − public", furniture),
                          Down("accessories, pool capped at 500 people: profit cultivate − public",
                               _paired(kc, "cap_500", "public_only", "profit"))],
                      note=f"{even} (12-month profit gain over public only by cap, RMB: {sweep})")


def f6_harvest(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = _scenario("harvest_vs_cultivate", quick, ov)
    results, k = _run(sc, workers)
    focal = sc.base.market.focal_brand
    early, churn = [], []
    for rh, rc in zip(results["harvest"], results["cultivate"], strict=True):
        fh, fc = _brand(rh, focal), _brand(rc, focal)
        early.append(fh[fh["day"] <= 30]["profit"].sum() - fc[fc["day"] <= 30]["profit"].sum())
        # a log ratio: cultivate's few mutes make the plain ratio's CI useless (+1: none is not zero)
        churn.append(math.log2((fh["mutes"].sum() + fh["pool_exits"].sum() + 1)
                               / (fc["mutes"].sum() + fc["pool_exits"].sum() + 1)))
    return FactResult("F6", "harvest vs cultivate", "harvest_vs_cultivate", [
        Up("profit harvest − cultivate, days 1–30", early),
        Down("profit harvest − cultivate, days 1–365", _paired(k, "harvest", "cultivate", "profit")),
        Check("log2 of mutes + exits, harvest / cultivate", churn, 1.0)])


def f7_saturation(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = _scenario("group_saturation", quick, ov)
    results, k = _run(sc, workers)
    checks = []
    for kpi in ("reads_per_member", "orders_per_member"):
        a = k[k["arm"] == "share_80"].set_index("replication")[kpi]
        b = k[k["arm"] == "share_10"].set_index("replication")[kpi]
        checks.append(Down(f"{kpi}: change from 10% to 80% of brands with pools", list(a / b - 1), -0.30))
    return FactResult("F7", "group saturation", "group_saturation", checks)


def f8_alliances(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = _scenario("alliances", quick, ov)
    results, k = _run(sc, workers)
    partner_rev = [float(_brand(r, 11)["revenue_alliance"].sum()) for r in results["complementary"]]
    same = k[k["arm"] == "same_category"].set_index("replication")["profit"]
    solo = k[k["arm"] == "solo"].set_index("replication")["profit"]
    return FactResult("F8", "alliances", "alliances", [
        Up("pool_active complementary − solo", _paired(k, "complementary", "solo", "pool_active")),
        Up("partner revenue from alliance orders (complementary)", partner_rev),
        Check("profit same-category − solo, relative", list((same - solo) / solo.abs()), direction=-1, high=0.0,
              equivalence=0.02)])


def f9_property_rights(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = _scenario("property_rights", quick, ov)

    sc.arms["owned_unthrottled"] = with_overrides(sc.arms["owned"], {"platforms.0.hosted_reach_end": 1.0})
    results, k = _run(sc, workers)
    focal = sc.base.market.focal_brand

    def last90(arm: str) -> np.ndarray:
        return np.array([_brand(r, focal).query("day > 275")["orders_private"].sum() for r in results[arm]], float)

    return FactResult("F9", "traffic property rights", "property_rights", [
        Check("hosted pool: private orders throttled / unthrottled (last 90 days)",
              list(last90("hosted_throttled") / last90("hosted_unthrottled")), high=0.5),
        Check("owned pool: private orders throttled / unthrottled (last 90 days)",
              list(last90("owned") / last90("owned_unthrottled")), 0.9, 1.1)])


def f10_concentration(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    sc = _scenario("concentration", quick, ov)
    results, _ = _run(sc, workers)
    q = np.array([c.quality for c in sc.base.brands])
    bottom, top = q <= np.quantile(q, 0.25), q >= np.quantile(q, 0.75)

    def measures(r: ArmRun) -> tuple[float, float]:
        b = r.daily.query("entity_type == 'brand'")

        def hhi(part: pd.DataFrame) -> float:
            imp = part.groupby("brand_id")["impressions"].sum()
            share = imp / imp.sum()
            return float((share**2).sum())

        rise = hhi(b[b["day"] > b["day"].max() - 90]) - hhi(b[b["day"] <= 90])
        exited = r.summary.set_index("brand_id")["exit_day"].notna().to_numpy()
        return rise, float(exited[bottom].mean() - exited[top].mean())

    m_on = [measures(r) for r in results["weighting_on"]]
    m_off = [measures(r) for r in results["weighting_off"]]
    return FactResult("F10", "concentration", "concentration: equal cash, 20 brands differing in quality only", [
        Up("HHI of impressions, last − first 90 days", [a for a, _ in m_on]),
        Up("exit rate, bottom − top quality quartile", [b for _, b in m_on]),
        Up("HHI rise, weighting on − off", [a - c for (a, _), (c, _) in zip(m_on, m_off, strict=True)]),
        Up("exit-rate gap, weighting on − off", [b - d for (_, b), (_, d) in zip(m_on, m_off, strict=True)])])


def f12_migration(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    from scipy.stats import spearmanr

    sc = _scenario("rising_cac", quick, ov)
    sc.arms = {"public_only": sc.arms["public_only"]}
    results, _ = _run(sc, workers, share=True)
    from .engine.brands import build_brands

    # the brands that run the adaptive rule in the scenario as written (an ablation may switch the
    # rule off: the same brands are then measured), configured ones plus entrants as the model builds them
    plain = _scenario("rising_cac", quick).base
    brands = build_brands(plain)
    adaptive = [i for i, b in enumerate(brands) if plain.strategies[b.strategy].adaptive]
    rhos = []
    for r in results["public_only"]:
        b = r.daily.query("entity_type == 'brand'")
        b = b[b["brand_id"].isin(adaptive) & b["alive"]]
        month = (b["day"] - 1) // 30
        g = b.groupby(["brand_id", month])[["ad_spend", "new_customers_paid", "costs_wages", "costs_content",
                                             "costs_incentives"]].sum()
        private = g["costs_wages"] + g["costs_content"] + g["costs_incentives"]
        g = g.assign(cac=g["ad_spend"] / g["new_customers_paid"].replace(0, np.nan),
                     share=private / (private + g["ad_spend"])).dropna(subset=["cac", "share"])
        rhos.append(float(spearmanr(g["cac"], g["share"]).statistic) if len(g) > 3 else math.nan)
    return FactResult("F12", "migration to private", f"rising_cac: brand-months of adaptive brands {adaptive}",
                      [Check("Spearman ρ(brand-month CAC, private share of spend)", rhos, 0.5, 1.0)])


def f11_bass(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    points = [(0.005, 0.8), (0.05, 0.1)] if quick else [(0.005, 0.1), (0.005, 0.8), (0.03, 0.38), (0.05, 0.1),
                                                        (0.05, 0.8)]
    with _executor(workers) as ex:
        docked = [bass_docking(p, q, n=20_000, days=75, seed=VALIDATION_SEED, replications=20, executor=ex)
                  for p, q in points]
    errs = [float((d["simulated"] - d["analytic"]).abs().max()) for d in docked]
    return FactResult("F11", "Bass docking", f"mean of 20 runs at n = 20,000, (p, q) in {points}",
                      [Check("max abs error, worst (p, q)", [max(errs)], high=0.02)])


def f13_auction(quick: bool, workers: Workers, ov: Overrides = None) -> FactResult:
    d = auction_docking(range(2, 13), slots=3, rounds=20_000, seed=VALIDATION_SEED)
    return FactResult("F13", "auction docking", "GSP, uniform truthful bids, n = 2..12, 1–3 slots",
                      [Check("max abs error of mean price per position", [float((d["simulated"] - d["analytic"])
                                                                                .abs().max())], high=0.01)])


FACTS: dict[str, Callable[..., FactResult]] = {
    "F1": f1_rising_cac,
    "F2": f2_funnel,
    "F3": f3_fatigue_cap,
    "F4": f4_private_frequent,
    "F5": f5_private_not_cheap,
    "F6": f6_harvest,
    "F7": f7_saturation,
    "F8": f8_alliances,
    "F9": f9_property_rights,
    "F10": f10_concentration,
    "F11": f11_bass,
    "F12": f12_migration,
    "F13": f13_auction,
}


def validate(quick: bool = False, workers: int = 1, only: list[str] | None = None,
             progress: Callable[[FactResult], None] | None = None, overrides: Overrides = None) -> list[FactResult]:
    """Run every fact (or those named in ``only``), in order, with ``overrides`` applied to every run.

    Overrides switch a mechanism off (an ablation) or vary a default; Bass and auction
    docking (F11, F13) build their own special cases and ignore them.
    """
    out = []
    with Executor(workers=workers) as ex:  # one pool for every fact
        for fact_id, fn in FACTS.items():
            if only is not None and fact_id not in only:
                continue
            res = fn(quick, ex, overrides)
            out.append(res)
            if progress:
                progress(res)
    return out


def facts_frame(results: list[FactResult]) -> pd.DataFrame:
    return pd.DataFrame([row for r in results for row in r.rows()])


def write_validation_report(results: list[FactResult], out, seconds: float, overrides: Overrides = None) -> None:
    """facts.csv and index.html (a table and a chart per fact), written whole or not at all."""
    import html

    import plotly.graph_objects as go
    import plotly.offline as po

    from .output import atomic_folder

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
