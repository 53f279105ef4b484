"""Ground truth for outside tools (docs/GROUND_TRUTH.md): PyMC-Marketing's BG/NBD and MMM, fitted on what
``sim run --export --incrementality`` writes, against what the simulation knows.

* CLV: BG/NBD (``pymc_marketing.clv.BetaGeoModel``) fitted on the focal brand's orders of the first
  ``calib_days`` (calibration) predicts each customer's repeat purchases in the rest (holdout); compared
  with the simulated orders, for a public-only and a cultivated-pool brand.
* MMM: ``pymc_marketing.mmm.multidimensional.MMM`` fitted on the focal brand's ``mmm.parquet`` (spend
  columns as channels, holidays and a linear trend as controls, orders as y) estimates each channel's
  orders over the run; compared with ``truth.json`` (paired channel-off counterfactuals) and last touch,
  in a base market, one with strong ad fatigue and one with saturated brand groups.

Run with ``make ground-truth`` (``ARGS=--quick`` for a smoke size); results go to reports/ground_truth/.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

SIZES = {  # agents (scale rises to keep the 10,000-person market), replications, days, calibration days, MCMC
    "full": dict(agents=2000, replications=4, days=365, calib_days=240, draws=500, tune=500),
    "quick": dict(agents=500, replications=2, days=120, calib_days=80, draws=150, tune=150),
}
# markets: the knobs of ad fatigue and group saturation (docs/MODEL.md); arms whose MMM is fitted
MARKETS = {
    "base": {"fatigue.tolerance_mean": 15, "market.private_share": 0.1},
    "fatigue": {"fatigue.tolerance_mean": 4, "market.private_share": 0.1},
    "saturation": {"fatigue.tolerance_mean": 15, "market.private_share": 0.8},
}
ARMS = {"public_only": "public_only", "hybrid": "hybrid", "private_cultivate": "private_cultivate"}
CLV_MARKET, CLV_ARMS = "base", ("public_only", "private_cultivate")
MMM_ARMS = ("public_only", "hybrid")
CHANNEL_OF = {"cost_private": "private", "cost_alliance": "alliance"}  # spend_ads_* -> paid
SEED = 2025


def scenario_yaml(name: str, knobs: dict, size: dict) -> str:
    arms = [a for a in ARMS if a in MMM_ARMS or name == CLV_MARKET]
    lines = [f"name: gt_{name}", "base:", "  market.focal_brand: 0"]
    lines += [f"  {k}: {v}" for k, v in knobs.items()]
    lines += ["arms:"] + [f"  {a}: {{brands.0.strategy: {ARMS[a]}}}" for a in arms]
    lines += ["reference: public_only", f"quick: {{agents: {size['agents']}, replications: {size['replications']}}}",
              f"replications: {size['replications']}", f"days: {size['days']}", f"seed: {SEED}"]
    return "\n".join(lines) + "\n"


def simulate(out: Path, size: dict, workers: int) -> dict[str, float]:
    """sim run each market with --export --incrementality (skipped where its truth.json exists)."""
    seconds = {}
    sim_cli = Path(sys.executable).with_name("sim")
    for name, knobs in MARKETS.items():
        report = out / "runs" / name
        if (report / "export" / "truth.json").exists():
            continue
        f = out / "scenarios" / f"{name}.yaml"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(scenario_yaml(name, knobs, size), encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([str(sim_cli), "run", str(f), "--quick", "--export", "--incrementality",
                        "--workers", str(workers), "--out", str(report)], check=True)
        seconds[name] = round(time.perf_counter() - t0, 1)
    return seconds


def replication_truth(out: Path, name: str, k: int = 0) -> dict[tuple[str, str], float]:
    """Incremental orders of replication k alone (the one the MMM sees): the same channel-off runs as
    --incrementality (sim.study.incrementality), for that replication; the arm's own run is rerun as a check that
    it reproduces the exported one."""
    from sim.study.incrementality import SEP, counterfactual_jobs
    from sim.study.runs import run_jobs
    from sim.study.scenario import load_scenario
    sc = load_scenario(out / "scenarios" / f"{name}.yaml", quick=True)
    jobs = [j for j in counterfactual_jobs(sc) if j.replication == k and j.arm.split(SEP)[0] in MMM_ARMS]
    runs = {label: r[0].summary.set_index("brand_id").loc[0, "orders"] for label, r in run_jobs(jobs).items()}
    truth = {}
    for arm in MMM_ARMS:
        d = pd.read_parquet(out / "runs" / name / "export" / arm / str(k) / "mmm.parquet")
        exported = d.loc[d["brand"] == focal_name(out / "runs" / name, arm), "orders"].sum()
        if not np.isclose(runs[arm], exported):
            raise SystemExit(f"{name}/{arm}: the rerun gives {runs[arm]} orders, the export {exported}: rerun without "
                             f"the old {out / 'runs'}")
        truth.update({(arm, lab.split(SEP)[1]): runs[arm] - v for lab, v in runs.items() if lab.startswith(arm + SEP)})
    return truth


def focal_name(report: Path, arm: str) -> str:
    import yaml
    return yaml.safe_load((report / "config" / f"{arm}.yaml").read_text(encoding="utf-8"))["brands"][0]["name"]


def interval(draws: np.ndarray) -> list[float]:
    return [float(np.mean(draws)), float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))]


def clv(report: Path, arm: str, size: dict) -> dict:
    """BG/NBD on the calibration days of replication 0, its holdout prediction against the simulated orders."""
    from pymc_marketing.clv import BetaGeoModel
    from pymc_marketing.clv.utils import rfm_train_test_split
    tx = pd.read_parquet(report / "export" / arm / "0" / "transactions.parquet")
    tx = tx[tx["brand"] == focal_name(report, arm)]
    start = tx["date"].min().normalize()
    end_cal, end = start + pd.Timedelta(days=size["calib_days"] - 1), start + pd.Timedelta(days=size["days"] - 1)
    rfm = rfm_train_test_split(tx, "customer_id", "date", train_period_end=end_cal, test_period_end=end)
    t0 = time.perf_counter()
    model = BetaGeoModel(data=rfm[["customer_id", "frequency", "recency", "T"]])
    model.fit(method="mcmc", draws=size["draws"], tune=size["tune"], chains=2, cores=1, random_seed=SEED,
              progressbar=False)
    horizon = size["days"] - size["calib_days"]
    pred = model.expected_purchases(future_t=horizon).transpose("chain", "draw", "customer_id")
    per_customer = pred.mean(("chain", "draw")).to_numpy()
    totals = pred.sum("customer_id").to_numpy().ravel()
    actual = rfm["test_frequency"].to_numpy(float)
    naive = rfm["frequency"].to_numpy(float) / rfm["T"].clip(lower=1).to_numpy(float) * horizon
    cal = tx[tx["date"] <= end_cal]
    first = cal.sort_values("date").groupby("customer_id").first()
    groups = {  # pool members as the channel column shows them: an order the pool brought in calibration
        "pool members": rfm["customer_id"].isin(cal.loc[cal["channel"] == "private", "customer_id"]).to_numpy(),
        "acquired in the log": rfm["customer_id"].map(first["new_customer"]).fillna(False).to_numpy(bool),
    }
    groups["other customers"] = ~groups["pool members"]
    groups["bought before day 1"] = ~groups["acquired in the log"]

    def row(mask: np.ndarray) -> dict:
        return {"customers": int(mask.sum()), "actual": float(actual[mask].sum()),
                "predicted": float(per_customer[mask].sum()),
                "mae": float(np.abs(per_customer[mask] - actual[mask]).mean()) if mask.any() else float("nan"),
                "mae_naive": float(np.abs(naive[mask] - actual[mask]).mean()) if mask.any() else float("nan")}

    post = model.fit_summary()
    alive = model.expected_probability_alive().mean(("chain", "draw")).to_numpy()
    return {"arm": arm, "calibration_days": size["calib_days"], "holdout_days": horizon,
            "predicted_total": interval(totals), **row(np.ones(len(rfm), bool)),
            "groups": {g: row(m) for g, m in groups.items()},
            "params": {p: float(post.loc[p, "mean"]) for p in ("r", "alpha", "a", "b")},
            "p_alive_mean": float(alive.mean()), "max_r_hat": float(post["r_hat"].max()),
            "seconds": round(time.perf_counter() - t0, 1)}


def mmm(report: Path, arm: str, truth: list[dict], truth_k: dict, size: dict) -> dict:
    """PyMC-Marketing's MMM on replication 0's daily table; channel orders against truth and last touch."""
    from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation
    from pymc_marketing.mmm.multidimensional import MMM
    folder = report / "export" / arm / "0"
    brand = focal_name(report, arm)
    d = pd.read_parquet(folder / "mmm.parquet")
    d = d[d["brand"] == brand].reset_index(drop=True)
    tx = pd.read_parquet(folder / "transactions.parquet")
    tx = tx[tx["brand"] == brand]
    scale = d["orders"].sum() / len(tx)  # people per simulated consumer
    spend = [c for c in d if c.startswith("spend_ads_") or c in CHANNEL_OF]
    channels = [c for c in spend if d[c].sum() > 0]
    d["trend"] = np.arange(len(d)) / len(d)
    controls = [c for c in d if c.startswith("holiday_") and d[c].any()] + ["trend"]
    X, y = d[["date", *channels, *controls]], d["orders"]
    t0 = time.perf_counter()
    model = MMM(date_column="date", channel_columns=channels, control_columns=controls, target_column="orders",
                adstock=GeometricAdstock(l_max=14), saturation=LogisticSaturation())
    model.build_model(X, y)
    model.add_original_scale_contribution_variable(var=["channel_contribution"])
    idata = model.fit(X, y, draws=size["draws"], tune=size["tune"], chains=2, cores=1, target_accept=0.95,
                      random_seed=SEED, progressbar=False)
    seconds = round(time.perf_counter() - t0, 1)
    import arviz as az
    from scipy.stats import t as student_t
    stats = az.summary(idata, var_names=["saturation_beta", "adstock_alpha", "saturation_lam"], kind="diagnostics")
    contrib = idata.posterior["channel_contribution_original_scale"].sum("date")
    rows = []
    for c in channels:
        ch = CHANNEL_OF.get(c, "paid")
        t = next(r for r in truth if r["arm"] == arm and r["channel"] == ch)
        draws = contrib.sel(channel=c).to_numpy().ravel()
        est, cost = interval(draws), float(d[c].sum())
        per_order = t["attributed_contribution"] / t["attributed_orders"] if t["attributed_orders"] else float("nan")
        rows.append({
            "channel": ch, "column": c, "cost_rep0": cost, "cost_mean": t["cost"],
            "mmm_orders": est, "true_orders": [t["incremental_orders"], t["incremental_orders_lo"],
                                               t["incremental_orders_hi"]],
            # the spread of one replication's effect around that mean (the MMM sees one replication)
            "true_orders_sd_replications": (t["incremental_orders_hi"] - t["incremental_orders"])
            / student_t.ppf(0.975, size["replications"] - 1) * np.sqrt(size["replications"]),
            "true_orders_rep0": truth_k[(arm, ch)],
            "relative_error_rep0": (est[0] - truth_k[(arm, ch)]) / abs(truth_k[(arm, ch)]),
            "truth_rep0_in_interval": bool(est[1] <= truth_k[(arm, ch)] <= est[2]),
            "last_touch_orders_rep0": float((tx["channel"] == ch).sum() * scale),
            "last_touch_orders_mean": t["attributed_orders"],
            "mmm_roas_per_1000": [1000 * x / cost for x in est],
            "true_roas_per_1000": 1000 * t["incremental_orders"] / t["cost"],
            "last_touch_roas_per_1000": 1000 * t["attributed_orders"] / t["cost"],
            "mmm_roi": est[0] * per_order / cost, "true_roi": t["roi_incremental"],
            "last_touch_roi": t["roi_attributed"],
            "relative_error": (est[0] - t["incremental_orders"]) / abs(t["incremental_orders"])
            if t["incremental_orders"] else float("nan"),
            "truth_in_interval": bool(est[1] <= t["incremental_orders"] <= est[2])})
    return {"arm": arm, "channels": rows, "orders_total": float(y.sum()), "seconds": seconds,
            "divergences": int(idata.sample_stats["diverging"].sum()), "max_r_hat": float(stats["r_hat"].max()),
            "min_ess_bulk": float(stats["ess_bulk"].min())}


def fmt(x: float, nd: int = 0) -> str:
    return "–" if x != x else f"{x:,.{nd}f}"


def tables(res: dict) -> str:
    out = ["### CLV: BG/NBD holdout repeat purchases (replication 0, focal brand, per simulated consumer)", "",
           "| arm | group | customers | actual | BG/NBD predicted | predicted / actual | MAE per customer | "
           "MAE, naive rate |", "|---|---|---|---|---|---|---|---|"]
    for c in res["clv"]:
        p = c["predicted_total"]
        for g, r in {"all": c, **c["groups"]}.items():
            pr = f"{fmt(p[0])} [{fmt(p[1])}, {fmt(p[2])}]" if g == "all" else fmt(r["predicted"])
            ratio = r["predicted"] / r["actual"] if r["actual"] else float("nan")
            out.append(f"| {c['arm']} | {g} | {r['customers']:,} | {fmt(r['actual'])} | {pr} | {fmt(ratio, 2)} | "
                       f"{fmt(r['mae'], 2)} | {fmt(r['mae_naive'], 2)} |")
    out += ["", "| arm | r | alpha | a | b | mean P(alive) | max r_hat | fit s |", "|---|---|---|---|---|---|---|---|"]
    for c in res["clv"]:
        q = c["params"]
        out.append(f"| {c['arm']} | {q['r']:.3f} | {q['alpha']:.2f} | {q['a']:.3f} | {q['b']:.2f} | "
                   f"{c['p_alive_mean']:.3f} | {c['max_r_hat']:.3f} | {c['seconds']} |")
    out += ["", "### MMM: channel orders over the run (focal brand; MMM on replication 0, truth over replications)", "",
            "| market | arm | channel | MMM orders [95 %] | true, replication 0 | MMM error, in interval | "
            "true, mean [95 % CI] (sd of one replication) | MMM error vs mean, in interval | last touch (mean) | "
            "ROAS per 1,000 RMB: MMM / true / last touch | ROI: MMM / true / last touch |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for m in res["mmm"]:
        for r in m["channels"]:
            e, t = r["mmm_orders"], r["true_orders"]
            out.append(f"| {m['market']} | {m['arm']} | {r['channel']} | {fmt(e[0])} [{fmt(e[1])}, {fmt(e[2])}] | "
                       f"{fmt(r['true_orders_rep0'])} | {r['relative_error_rep0']:+.0%}, "
                       f"{'yes' if r['truth_rep0_in_interval'] else 'no'} | "
                       f"{fmt(t[0])} [{fmt(t[1])}, {fmt(t[2])}] ({fmt(r['true_orders_sd_replications'])}) | "
                       f"{r['relative_error']:+.0%}, {'yes' if r['truth_in_interval'] else 'no'} | "
                       f"{fmt(r['last_touch_orders_mean'])} | "
                       f"{fmt(r['mmm_roas_per_1000'][0], 1)} / {fmt(r['true_roas_per_1000'], 1)} / "
                       f"{fmt(r['last_touch_roas_per_1000'], 1)} | {fmt(r['mmm_roi'], 2)} / {fmt(r['true_roi'], 2)} / "
                       f"{fmt(r['last_touch_roi'], 2)} |")
    out += ["", "| market | arm | divergences | max r_hat | min ESS | fit s |", "|---|---|---|---|---|---|"]
    out += [f"| {m['market']} | {m['arm']} | {m['divergences']} | {m['max_r_hat']:.2f} | {m['min_ess_bulk']:.0f} | "
            f"{m['seconds']} |" for m in res["mmm"]]
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke size: 500 agents, 120 days, short chains")
    ap.add_argument("--workers", type=int, default=1, help="simulation workers (the fits use one core)")
    ap.add_argument("--out", type=Path, default=None, help="default reports/ground_truth[-quick]")
    a = ap.parse_args()
    size = SIZES["quick" if a.quick else "full"]
    out = a.out or Path("reports") / ("ground_truth-quick" if a.quick else "ground_truth")
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    t0 = time.perf_counter()
    res = {"size": size, "markets": MARKETS, "seed": SEED, "simulate_seconds": simulate(out, size, a.workers)}
    runs = out / "runs"
    res["clv"] = [clv(runs / CLV_MARKET, arm, size) for arm in CLV_ARMS]
    res["mmm"] = []
    for name in MARKETS:
        truth = json.loads((runs / name / "export" / "truth.json").read_text(encoding="utf-8"))
        t1 = time.perf_counter()
        truth_k = replication_truth(out, name)
        res.setdefault("replication_truth_seconds", {})[name] = round(time.perf_counter() - t1, 1)
        for arm in MMM_ARMS:
            res["mmm"].append({"market": name, **mmm(runs / name, arm, truth, truth_k, size)})
    import pymc
    import pymc_marketing
    import pytensor
    res["versions"] = {"pymc_marketing": pymc_marketing.__version__, "pymc": pymc.__version__,
                       "pytensor": pytensor.__version__, "python": sys.version.split()[0]}
    res["seconds"] = round(time.perf_counter() - t0, 1)
    (out / "results.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    md = tables(res)
    (out / "tables.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"{out}/results.json, {out}/tables.md ({res['seconds']} s)")


if __name__ == "__main__":
    main()
