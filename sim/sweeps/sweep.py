"""Run an experiment's sweep: batches of runs over a process pool or a Dask cluster, resumable.

Layout of a sweep folder::

    manifest.json          the design, the seeds, the versions (written before any run)
    runs/<run_id>.parquet  one file per finished run: the kept brands' summary metrics
    daily/<run_id>.parquet the kept daily series (when the experiment keeps any)
    errors/<run_id>.json   a run that raised twice, with its traceback (retried on resume)

Workers write each run's files themselves, to a temporary name and then ``os.replace``, daily
series first, so a run counts as done exactly when ``runs/<run_id>.parquet`` exists. A sweep
killed at any moment resumes with nothing lost and nothing run twice into the results; the
driver holds only the list of pending runs, never results, so its memory stays flat.
Results are a pure function of each run's configuration and seed: the same whatever the
number of workers, their order or the executor (docs/MODEL.md §4).
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from ..executor import Executor
from ..files.errors import UserError
from .experiment import Experiment, RunSpec

MANIFEST = "manifest.json"
TASK_CONSUMER_DAYS = 20_000_000  # aim for tasks of about this many consumer-days (seconds, not milliseconds)


@dataclass
class SweepOutcome:
    """What a call of :func:`run_sweep` did."""

    out: Path
    total: int  # runs in the design
    skipped: int  # already done before this call
    done: int  # finished by this call
    failed: int  # raised twice in this call (recorded in errors/)
    remaining: int  # not attempted (``max_runs``)
    seconds: float


# --------------------------------------------------------------------------- one run


def _param_kinds(exp: Experiment) -> dict[str, str]:
    """Column type of each parameter, fixed for the sweep so that every run file has one schema."""
    kinds = {}
    for k in exp.parameters:
        vals = [p[k] for p in exp.points]
        if all(isinstance(v, bool) for v in vals):
            kinds[k] = "bool"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            kinds[k] = "int"
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
            kinds[k] = "float"
        else:
            kinds[k] = "str"
    return kinds


def payload(exp: Experiment) -> dict[str, Any]:
    """What a worker needs besides the run specs (plain JSON types: safe to ship to any executor)."""
    return {"base": exp.base.model_dump_json(), "arms": exp.arms, "days": exp.days, "seed": exp.seed,
            "summary": list(exp.metrics.summary), "daily": list(exp.metrics.daily),
            "brands": exp.metrics.brands, "kinds": _param_kinds(exp),
            "posterior": exp.posterior.model_dump(mode="json") if exp.posterior is not None else None}


def _cast(v: Any, kind: str) -> Any:
    return {"bool": bool, "int": int, "float": float, "str": str}[kind](v)


def run_rows(pl: dict[str, Any], spec: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Run one spec and return its summary rows (kept brands) and daily rows (or None).

    The warm-up runs the design point's market without the arm; the arm applies from reported
    day 1 ("from today, if we do X"), as in scenarios, so arms at a point are paired.
    """
    from ..api import replication_seed
    from ..api import run as run_model
    from ..config import SimConfig, with_overrides
    from ..posterior import PosteriorDraws
    from ..study.kpis import focal_kpis
    from ..study.runs import ArmRun

    t0 = time.perf_counter()
    base = SimConfig.model_validate_json(pl["base"])
    if pl.get("posterior"):  # a calibrated market: this replication's draw, under the swept parameters and arm
        post = PosteriorDraws.model_validate(pl["posterior"])
        base = post.apply(base, spec["replication"], set(spec["params"]) | set(pl["arms"][spec["arm"]]))
    warm = with_overrides(base, spec["params"])
    cfg = with_overrides(warm, pl["arms"][spec["arm"]])
    result = run_model(cfg, seed=replication_seed(pl["seed"], spec["replication"]), days=pl["days"],
                       base_config=warm, keep=("daily", "summary"))
    daily = result.daily
    summary = result.summary.set_index("brand_id")
    run = ArmRun(spec["arm"], spec["replication"], daily, summary.reset_index(), 0.0)
    brands = [cfg.market.focal_brand] if pl["brands"] == "focal" else list(range(len(summary)))
    ident = {"run_id": spec["run_id"], "point": spec["point"], "arm": spec["arm"],
             "replication": spec["replication"]}
    params = {k: _cast(v, pl["kinds"][k]) for k, v in spec["params"].items()}
    rows = []
    for b in brands:
        kpi = focal_kpis(run, b)
        row: dict[str, Any] = {**ident, **params, "brand_id": b, "brand": str(summary.at[b, "brand"]),
                               "strategy": str(summary.at[b, "strategy"])}
        for m in pl["summary"]:
            row[m] = float(kpi[m] if m in kpi else summary.at[b, m])
        rows.append(row)
    seconds = time.perf_counter() - t0
    out = pd.DataFrame(rows)
    out["run_seconds"] = seconds
    day_rows = None
    if pl["daily"]:
        d = daily[(daily["entity_type"] == "brand") & daily["brand_id"].isin(brands)]
        day_rows = d[["day", "brand_id", *pl["daily"]]].astype({m: float for m in pl["daily"]}).reset_index(drop=True)
        day_rows.insert(0, "run_id", spec["run_id"])
    return out, day_rows


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write whole or not at all: a temporary name in the same folder, then an atomic rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _write_json(obj: Any, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(obj, indent=1, default=str, ensure_ascii=False), encoding="utf-8")  # key order matters
    os.replace(tmp, path)


def run_batch(pl: dict[str, Any], specs: list[dict[str, Any]], out: str) -> list[dict[str, Any]]:
    """Run a batch of specs and write each run's files (a top-level function: any executor can ship it).

    A run that raises is tried once more; if it raises again its error is recorded in
    ``errors/`` and the batch carries on. Returns one small status record per spec.
    """
    root = Path(out)
    status = []
    for spec in specs:
        done_file = root / "runs" / f"{spec['run_id']}.parquet"
        if done_file.exists():  # finished by an earlier attempt of this batch (a worker that died)
            status.append({"run_id": spec["run_id"], "ok": True, "seconds": 0.0, "attempts": 0})
            continue
        err = None
        for attempt in (1, 2):
            try:
                summary, daily = run_rows(pl, spec)
            except Exception as exc:  # a failing run must not stop the sweep: record it
                err = {"error": f"{exc.__class__.__name__}: {exc}", "traceback": traceback.format_exc()}
                continue
            if daily is not None:
                _write_parquet(daily, root / "daily" / f"{spec['run_id']}.parquet")
            _write_parquet(summary, done_file)
            (root / "errors" / f"{spec['run_id']}.json").unlink(missing_ok=True)
            status.append({"run_id": spec["run_id"], "ok": True, "seconds": float(summary["run_seconds"].iloc[0]),
                           "attempts": attempt})
            err = None
            break
        if err is not None:
            _write_json({**spec, **err, "attempts": 2}, root / "errors" / f"{spec['run_id']}.json")
            status.append({"run_id": spec["run_id"], "ok": False, "seconds": 0.0, "attempts": 2,
                           "error": err["error"]})
    return status


# --------------------------------------------------------------------------- the folder


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("traffic-sim", "numpy", "pandas", "pyarrow", "mesa", "scipy", "SALib", "dask", "distributed"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def manifest(exp: Experiment) -> dict[str, Any]:
    from ..reporting import git_commit

    return {
        "name": exp.name, "question": exp.question, "experiment_file": str(exp.path) if exp.path else None,
        "fingerprint": exp.fingerprint(), "quick": exp.quick,
        "parameters": {k: s.model_dump(mode="json") for k, s in exp.parameters.items()},  # in the design's column order
        "design": exp.design.model_dump(mode="json"), "points": exp.points,
        "unit_points": exp.unit_points.tolist(), "arms": exp.arms, "replications": exp.replications,
        "days": exp.days, "seed": exp.seed,
        "seeds": f"replication k of every point and arm: numpy.random.SeedSequence([{exp.seed}, k])",
        "metrics": exp.metrics.model_dump(mode="json"), "analysis": exp.analysis.model_dump(mode="json"),
        "focal_brand": exp.base.market.focal_brand, "agents": exp.base.population.agents,
        "scale": exp.base.population.scale, "runs": len(exp.points) * exp.replications * len(exp.arms),
        "versions": versions(), "git_commit": git_commit(), "base_config": exp.base.model_dump(mode="json"),
    }


def _same_sweep(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return (old.get("fingerprint") == new["fingerprint"] and old.get("points") == new["points"]
            and old.get("replications") == new["replications"])


def prepare_folder(exp: Experiment, out: Path, resume: bool) -> None:
    """Create or check the sweep folder; with ``resume=False`` earlier results are removed."""
    new = manifest(exp)
    mpath = out / MANIFEST
    if out.exists() and any(out.iterdir()):
        if not mpath.is_file():
            raise UserError(out, "the output folder exists and is not a sweep folder (no manifest.json); "
                            "choose another --out", key="--out")
        if resume:
            try:
                old = json.loads(mpath.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise UserError(mpath, f"cannot read the manifest ({exc.__class__.__name__})") from None
            if not _same_sweep(old, new):
                raise UserError(out, "the folder holds a different sweep (base market, arms, design, days, seed or "
                                "metrics changed); use --no-resume to replace its results, or another --out",
                                key="--resume")
        else:
            for sub in ("runs", "daily", "errors"):
                shutil.rmtree(out / sub, ignore_errors=True)
    for sub in ("runs", "daily", "errors"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    _clear_stale_temp(out)
    _write_json(new, mpath)


def _clear_stale_temp(out: Path) -> None:
    """Remove temporary files of writers on this machine that died (SIGKILL) before their rename."""
    from ..output import _alive

    for sub in ("runs", "daily", "errors", "."):
        for p in (out / sub).glob(".*.tmp-*"):
            pid = p.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                p.unlink(missing_ok=True)


def finished_ids(out: Path) -> set[str]:
    return {p.stem for p in (out / "runs").glob("*.parquet") if not p.name.startswith(".")}


def load_sweep(out: str | os.PathLike, daily: bool = False) -> pd.DataFrame:
    """A sweep's results as one DataFrame: a row per finished run and kept brand (or daily rows).

    ``pd.read_parquet(DIR + "/runs")`` reads the same rows; this sorts them by run and brand.
    """
    folder = Path(out) / ("daily" if daily else "runs")
    files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))
    if not files:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    keys = ["run_id", "day", "brand_id"] if daily else ["point", "replication", "arm", "brand_id"]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def load_errors(out: str | os.PathLike) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((Path(out) / "errors").glob("*.json"))]


# --------------------------------------------------------------------------- executors


def batch_size(exp: Experiment, pending: int, workers: int) -> int:
    """Runs per task: enough to keep scheduling overhead small, few enough to balance the workers."""
    if exp.batch:
        return exp.batch
    per_run = exp.base.population.agents * (exp.days + exp.base.run.warmup_days)
    cap = max(1, TASK_CONSUMER_DAYS // max(per_run, 1))
    return int(max(1, min(cap, math.ceil(pending / (4 * max(workers, 1))))))


def _batches(specs: list[RunSpec], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(specs), size):
        yield [asdict(s) for s in specs[i:i + size]]


def run_sweep(exp: Experiment, out: str | os.PathLike | None = None, workers: int | None = None,
              scheduler: Any = None, resume: bool = True, max_runs: int | None = None,
              progress: Callable[[int, int, dict[str, Any]], None] | None = None) -> SweepOutcome:
    """Run every run of the experiment not yet in ``out`` (at most ``max_runs`` of them).

    ``workers``: local processes (default: one per core; 1 runs in this process).
    ``scheduler``: a Dask scheduler address (``tcp://host:port``) or a ``distributed.Client``.
    ``progress(done, total, status)`` is called after each finished run.
    """
    t0 = time.perf_counter()
    folder = Path(out) if out is not None else exp.out
    with Executor(workers=workers, scheduler=scheduler) as ex:  # connects before anything is written
        return _sweep(exp, folder, ex, resume, max_runs, progress, t0)


def _sweep(exp: Experiment, folder: Path, ex: Executor, resume: bool, max_runs: int | None,
           progress: Callable[[int, int, dict[str, Any]], None] | None, t0: float) -> SweepOutcome:
    prepare_folder(exp, folder, resume)
    specs = exp.runs()
    have = finished_ids(folder)
    todo = [s for s in specs if s.run_id not in have]
    skipped = len(specs) - len(todo)
    remaining = 0
    if max_runs is not None and len(todo) > max_runs:
        remaining = len(todo) - max_runs
        todo = todo[:max_runs]
    pl = payload(exp)
    counts = {"done": 0, "failed": 0}

    def on_done(statuses: list[dict[str, Any]]) -> None:
        for s in statuses:
            counts["done" if s["ok"] else "failed"] += 1
            if progress:
                progress(skipped + counts["done"] + counts["failed"], len(specs) - remaining, s)

    if progress:
        progress(skipped, len(specs) - remaining, {"ok": True, "run_id": None})
    if todo:
        batches = list(_batches(todo, batch_size(exp, len(todo), ex.workers)))
        ex.map(run_batch, [(pl, b, str(folder)) for b in batches], lambda _i, statuses: on_done(statuses))
    return SweepOutcome(out=folder, total=len(specs), skipped=skipped, done=counts["done"],
                        failed=counts["failed"], remaining=remaining, seconds=time.perf_counter() - t0)
