"""Benchmarks: the engine against the per-agent reference, and the engine alone at scale.

Each measurement runs in its own child process pinned to one thread (so that the figures are
per core, and the peak RSS is that of the measurement alone) on ``default_config()`` with every
mechanism on and ``warmup_days`` 0, so "365 days" means 365 steps (docs/PERFORMANCE.md):

* ``ratio``: consumer-days per second of the consumer update alone (``TrafficModel.consumer_update``,
  the slot the reference fills too; brands, auctions and the ledger excluded) at N = 20,000 for both,
  the reference over fewer days;
* ``n100k_365d_seconds``: the whole model, 100,000 consumers, 20 brands, 365 days;
* ``n1m_seconds_per_day`` and ``n1m_peak_rss_mb``: 1,000,000 consumers over a few days.

The reference is :mod:`sim.reference` (the test oracle, shipped with the package so that ``sim bench``
works from a wheel).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}
REPO = Path(__file__).resolve().parent.parent


def measure(kind: str, agents: int, days: int, seed: int = 1) -> dict[str, Any]:
    """One measurement in this process: ``engine`` (the whole model) or ``reference``.

    Returns wall seconds of the run (construction excluded), seconds in the consumer update,
    consumer-days per second of the consumer update, and the process's peak RSS in MB.
    """
    import resource

    from .config import default_config, with_overrides

    cfg = with_overrides(default_config(), {"population.agents": agents, "run.warmup_days": 0, "run.days": days})
    if kind == "engine":
        from .model import TrafficModel

        model = TrafficModel(cfg, seed=seed)
    elif kind == "reference":
        from .reference import ReferenceModel

        model = ReferenceModel(cfg, seed=seed)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    started = time.perf_counter()
    for _ in range(days):
        model.step()
    wall = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the reference times its agents' steps alone (not their creation, nor copying state back to arrays)
    consumer = model.reference_seconds if kind == "reference" else model.consumer_seconds
    return {"kind": kind, "agents": agents, "days": days, "seconds": wall, "consumer_seconds": consumer,
            "consumer_days_per_s": agents * days / max(consumer, 1e-12), "peak_rss_mb": rss_mb}


def _child(kind: str, agents: int, days: int) -> dict[str, Any]:
    """Run :func:`measure` in a fresh single-threaded interpreter; its last stdout line is JSON."""
    code = (f"import json; from sim.bench import measure; "
            f"print(json.dumps(measure({kind!r}, {agents}, {days})))")
    env = {**os.environ, **ONE_THREAD}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no output)"]
        return {"kind": kind, "agents": agents, "days": days, "error": tail[0]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_bench(quick: bool = False, echo=print) -> dict[str, Any]:
    """All benchmark figures. ``quick`` shrinks every size (for a smoke run; not the published figures)."""
    ratio_n = 2_000 if quick else 20_000
    ref_days = 2 if quick else 5
    big_n, big_days = (20_000, 30) if quick else (100_000, 365)
    huge_n, huge_days = (100_000, 2) if quick else (1_000_000, 3)
    out: dict[str, Any] = {"quick": quick, "backend": "numpy", "machine": _machine()}

    eng = _child("engine", ratio_n, 30)
    ref = _child("reference", ratio_n, ref_days)
    echo(_line("engine consumer update", eng))
    echo(_line("reference consumer update", ref))
    e_rate, r_rate = eng.get("consumer_days_per_s"), ref.get("consumer_days_per_s")
    out["engine_consumer_days_per_s"] = e_rate
    out["reference_consumer_days_per_s"] = r_rate
    out["ratio"] = e_rate / r_rate if e_rate and r_rate else None
    out["ratio_agents"] = ratio_n
    echo(f"ratio engine / reference: {out['ratio']:.0f}" if out["ratio"] else "ratio: reference unavailable")

    big = _child("engine", big_n, big_days)
    echo(_line(f"engine end to end, {big_n:,} x {big_days} days", big))
    out[f"n{_k(big_n)}_{big_days}d_seconds"] = big.get("seconds")  # n100k_365d_seconds at full size

    huge = _child("engine", huge_n, huge_days)
    echo(_line(f"engine end to end, {huge_n:,} x {huge_days} days", huge))
    per_day = huge["seconds"] / huge_days if "seconds" in huge else None
    out[f"n{_k(huge_n)}_seconds_per_day"] = per_day
    out[f"n{_k(huge_n)}_peak_rss_mb"] = huge.get("peak_rss_mb")
    out["runs"] = [eng, ref, big, huge]
    return out


def _k(n: int) -> str:
    return f"{n // 1_000_000}m" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def _line(label: str, r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{label}: failed ({r['error']})"
    return (f"{label}: {r['seconds']:.2f} s, consumer update {r['consumer_seconds']:.2f} s "
            f"= {r['consumer_days_per_s']:,.0f} consumer-days/s, peak RSS {r['peak_rss_mb']:,.0f} MB")


def _machine() -> dict[str, Any]:
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__}
