"""The sweep report's tables, from the sweep folder alone (manifest and run files), on the focal brand's rows:
each metric per design point and arm, main effects, paired differences between arms, Sobol or Morris indices
(SALib) and the crossover frontier."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..files.errors import UserError
from ..reporting import mean_ci
from .sweep import MANIFEST, load_sweep

MAX_LEVELS = 8  # a parameter with more distinct values than this is binned into quantiles
N_BINS = 6


# --------------------------------------------------------------------------- loading


def read_sweep(folder: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and the focal brand's rows; a clear error if the folder is not a sweep."""
    mpath = folder / MANIFEST
    if not mpath.is_file():
        raise UserError(folder, "not a sweep folder (no manifest.json): run sim sweep first")
    try:
        man = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(mpath, f"cannot read the manifest ({exc.__class__.__name__})") from None
    df = load_sweep(folder)
    if df.empty:
        raise UserError(folder, "the sweep has no finished runs yet")
    return man, df[df["brand_id"] == man["focal_brand"]].reset_index(drop=True)


# --------------------------------------------------------------------------- tables


def point_table(man: dict[str, Any], df: pd.DataFrame) -> pd.DataFrame:
    """Mean and CI of each metric per design point and arm."""
    params = list(man["parameters"])
    rows = []
    for (p, arm), g in df.groupby(["point", "arm"], sort=True):
        row = {"point": p, "arm": arm, **{k: g[k].iloc[0] for k in params}, "n": len(g)}
        for m in man["metrics"]["summary"]:
            mu, lo, hi = mean_ci(g[m])
            row.update({m: mu, f"{m}_ci_low": lo, f"{m}_ci_high": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def levels(values: pd.Series) -> tuple[pd.Series, list[Any]]:
    """Group labels for a parameter: its values, or quantile bins (labelled by their midpoints)."""
    if not pd.api.types.is_numeric_dtype(values):
        return values, list(pd.unique(values.dropna()))  # labels keep the design's order
    uniq = sorted(values.dropna().unique())
    if len(uniq) <= MAX_LEVELS:
        return values, uniq
    bins = pd.qcut(values.astype(float), N_BINS, duplicates="drop")
    mids = bins.map(lambda iv: float(iv.mid)).astype(float)
    return mids, sorted(mids.dropna().unique())


def main_effects(man: dict[str, Any], df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for k in man["parameters"]:
        lev, order = levels(df[k])
        for m in man["metrics"]["summary"]:
            for arm, g in df.groupby("arm", sort=True):
                for v in order:
                    mu, lo, hi = mean_ci(g.loc[lev.loc[g.index] == v, m])
                    rows.append({"parameter": k, "value": v, "arm": arm, "metric": m, "mean": mu, "ci_low": lo,
                                 "ci_high": hi})
    return pd.DataFrame(rows)


def paired_differences(man: dict[str, Any], df: pd.DataFrame, a: str, b: str, metric: str) -> pd.DataFrame:
    """Per design point: mean and CI of metric(b) − metric(a), paired by replication."""
    params = list(man["parameters"])
    wide = df.pivot_table(index=["point", "replication"], columns="arm", values=metric, aggfunc="first")
    if a not in wide or b not in wide:
        return pd.DataFrame(columns=["point", *params, "diff", "ci_low", "ci_high", "n"])
    d = (wide[b] - wide[a]).dropna()
    values = df.groupby("point")[params].first()  # as stored (a list of alliance members is a string there)
    rows = []
    for p, g in d.groupby(level=0):
        mu, lo, hi = mean_ci(g.to_numpy())
        rows.append({"point": p, **values.loc[p].to_dict(), "diff": mu, "ci_low": lo, "ci_high": hi, "n": len(g)})
    return pd.DataFrame(rows)


def sensitivity(man: dict[str, Any], df: pd.DataFrame, metric: str, arm: str,
                diff_of: tuple[str, str] | None = None) -> pd.DataFrame | str:
    """Sobol S1/ST or Morris μ*/σ with 95 % CIs, or why there are none (runs missing, a constant output).

    The output of each design point is its mean over replications (or the mean paired difference
    when ``diff_of`` = (A, B)), in the sampler's order, as SALib expects.
    """
    method = man["design"]["method"]
    names = list(man["parameters"])
    n_points = len(man["points"])
    if diff_of is not None:
        pdiff = paired_differences(man, df, diff_of[0], diff_of[1], metric).set_index("point")["diff"]
        y = pdiff.reindex(range(n_points)).to_numpy(float)
    else:
        y = df[df["arm"] == arm].groupby("point")[metric].mean().reindex(range(n_points)).to_numpy(float)
    missing = int(np.isnan(y).sum())
    if missing:
        return "sens_na"
    if np.ptp(y) == 0:  # e.g. the pool of a brand that runs none: indices are 0/0
        return "sens_const"
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if method == "sobol":
        from SALib.analyze import sobol

        r = sobol.analyze(problem, y, calc_second_order=man["design"]["second_order"], conf_level=0.95,
                          num_resamples=500, seed=0)
        return pd.DataFrame({"parameter": names, "S1": r["S1"], "S1_ci_low": r["S1"] - r["S1_conf"],
                             "S1_ci_high": r["S1"] + r["S1_conf"], "ST": r["ST"],
                             "ST_ci_low": r["ST"] - r["ST_conf"], "ST_ci_high": r["ST"] + r["ST_conf"]})
    from SALib.analyze import morris

    x = np.asarray(man["unit_points"], float)
    r = morris.analyze(problem, x, y, conf_level=0.95, num_resamples=500, num_levels=man["design"]["levels"],
                       seed=0)
    mu = np.asarray(r["mu_star"], float)
    conf = np.asarray(r["mu_star_conf"], float)
    return pd.DataFrame({"parameter": names, "mu_star": mu, "mu_star_ci_low": mu - conf, "mu_star_ci_high": mu + conf,
                         "sigma": np.asarray(r["sigma"], float)})


def frontier_line(grid: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Where a surface (index: values of a, columns: values of b) crosses zero along b, by linear
    interpolation between adjacent numeric values; one row per value of a (NaN where it does not cross)."""
    rows = []
    cols = np.asarray(grid.columns, float)
    for av, row in grid.iterrows():
        z = row.to_numpy(float)
        cross = math.nan
        for j in range(len(z) - 1):
            if np.isfinite(z[j]) and np.isfinite(z[j + 1]) and (z[j] == 0 or z[j] * z[j + 1] < 0):
                cross = float(cols[j] + (cols[j + 1] - cols[j]) * z[j] / (z[j] - z[j + 1]))
                break
        rows.append({a: av, b: cross})
    return pd.DataFrame(rows)


def frontier_points(grid: pd.DataFrame) -> pd.DataFrame:
    """The zero crossings of a grid of paired differences along each numeric axis (``along`` names the
    axis interpolated); empty where it never changes sign."""
    a, b = grid.index.name, grid.columns.name
    parts = [pd.DataFrame(columns=[a, b, "along"])]
    if pd.api.types.is_numeric_dtype(np.asarray(grid.columns)):
        parts.append(frontier_line(grid, a, b).assign(along=b))
    if pd.api.types.is_numeric_dtype(np.asarray(grid.index)):
        parts.append(frontier_line(grid.T, b, a).assign(along=a)[[a, b, "along"]])
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    return out.dropna(subset=[a, b]).reset_index(drop=True)


def heat_grid(man: dict[str, Any], table: pd.DataFrame, a: str, b: str, value: str) -> pd.DataFrame:
    """Mean of ``value`` over the bins (or values) of parameters a × b."""
    la, order_a = levels(table[a])
    lb, order_b = levels(table[b])
    g = table.assign(_a=la.to_numpy(), _b=lb.to_numpy()).groupby(["_a", "_b"])[value].mean().unstack("_b")
    g = g.reindex(index=order_a, columns=order_b)
    g.index.name, g.columns.name = a, b
    return g
