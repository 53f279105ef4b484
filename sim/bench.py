"""Benchmarks: the engine against the per-agent reference, and the engine alone at scale.

Each measurement runs in its own child process pinned to one thread unless it says otherwise (so
that the figures are per core, and the peak RSS is that of the measurement alone) on
``default_config()`` with every mechanism on and ``warmup_days`` 0, so "365 days" means 365 steps
(docs/PERFORMANCE.md). CPU figures are ratios taken in the same run, because machines differ:

* ``ratio``: consumer-days per second of the consumer update alone (``TrafficModel.consumer_update``,
  the slot the reference fills too; brands, auctions and the ledger excluded) at N = 20,000 for both,
  the reference over fewer days;
* ``state_passes_per_day``: one simulated day at 100,000 × 20 divided by the time of one plain
  float32 pass (read and write) over arrays the size of the consumer state's (N, B) columns,
  measured in the same process, one pass after each day, medians of both (the physical limit of a
  day is one or two such passes);
* ``n100k_365d_seconds``: the whole model, 100,000 consumers, 20 brands, 365 days, one thread;
  ``thread_speedup_2``: the same on 2 threads (the numba kernels' ``prange``), time 1 / time 2, the
  median of three interleaved pairs (each pair's ratio in ``thread_speedup_2_pairs``);
* ``n1m_seconds_per_day`` and ``n1m_peak_rss_mb``: 1,000,000 consumers over a few days.

The reference is :mod:`sim.reference` (the test oracle, shipped with the package so that ``sim bench``
works from a wheel).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                                "NUMBA_NUM_THREADS")}
REPO = Path(__file__).resolve().parent.parent
THREAD_PAIRS = 3  # 1- and 2-thread years at full size


def measure(kind: str, agents: int, days: int, seed: int = 1) -> dict[str, Any]:
    """One measurement in this process: ``engine`` (the whole model) or ``reference``.

    Returns wall seconds of the run (construction excluded), seconds in the consumer update,
    consumer-days per second of the consumer update, and the process's peak RSS in MB.
    """
    import resource

    import numba

    from .config import default_config, with_overrides

    cfg = with_overrides(default_config(), {"population.agents": agents, "run.warmup_days": 0, "run.days": days})
    if kind == "engine":
        from .model import TrafficModel

        load_kernels()
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
    return {"kind": kind, "agents": agents, "days": days, "threads": numba.get_num_threads(), "seconds": wall,
            "consumer_seconds": consumer,
            "consumer_days_per_s": agents * days / max(consumer, 1e-12), "peak_rss_mb": rss_mb}


LOAD_DAYS = 5  # enough for a 200-consumer market's pools to have members (pool_rows runs from day 2)


def load_kernels() -> None:
    """Compile, or load from numba's cache, the engine's kernels, so that no timed run includes it
    (a fresh process spends 0.1-0.3 s there once from the cache, ~40 s from an empty one; construction
    is excluded from the timings likewise). Several days, because some kernels only run once the pools
    have members."""
    from .config import default_config, with_overrides
    from .model import TrafficModel

    model = TrafficModel(with_overrides(default_config(), {"population.agents": 200, "run.warmup_days": 0}), seed=0)
    for _ in range(LOAD_DAYS):
        model.step()


def state_passes(agents: int, days: int, seed: int = 1) -> dict[str, Any]:
    """Seconds of one simulated day against one plain float32 pass over the consumer state's (N, B) columns."""
    import dataclasses

    import numpy as np

    from .config import default_config, with_overrides
    from .model import TrafficModel

    cfg = with_overrides(default_config(), {"population.agents": agents, "run.warmup_days": 0, "run.days": days + 3})
    model = TrafficModel(cfg, seed=seed)
    for _ in range(3):  # past the first days' allocations
        model.step()
    st, shape = model.state, model.state.awareness.shape
    columns = [f.name for f in dataclasses.fields(st) if getattr(st, f.name).shape == shape]
    arrays = [np.ones(shape, np.float32) for _ in columns]
    # each day, then one pass right after it: both timed under the same load, compared as medians
    days_s, passes = [], []
    for _ in range(days):
        started = time.perf_counter()
        model.step()
        days_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        for a in arrays:
            np.multiply(a, np.float32(1), out=a)  # read and write every element once
        passes.append(time.perf_counter() - started)
    day, one_pass = float(np.median(days_s)), float(np.median(passes))
    return {"kind": "passes", "agents": agents, "days": days, "columns": len(columns),
            "state_mb": sum(a.nbytes for a in arrays) / 2**20, "seconds_per_day": day, "seconds_per_pass": one_pass,
            "state_passes_per_day": day / one_pass}


def _child(kind: str, agents: int, days: int, threads: int = 1) -> dict[str, Any]:
    """Run :func:`measure` (or :func:`state_passes`) in a fresh interpreter; its last stdout line is JSON."""
    call = f"state_passes({agents}, {days})" if kind == "passes" else f"measure({kind!r}, {agents}, {days})"
    code = f"import json; from sim.bench import measure, state_passes; print(json.dumps({call}))"
    env = {**os.environ, **ONE_THREAD, "NUMBA_NUM_THREADS": str(threads)}
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
    out: dict[str, Any] = {"quick": quick, "backend": "cpu", "machine": _machine()}

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

    passes = _child("passes", big_n, 5 if quick else 20)
    out["state_passes_per_day"] = passes.get("state_passes_per_day")
    if "error" in passes:
        echo(f"passes: failed ({passes['error']})")
    else:
        echo(f"one day at {big_n:,} x 20: {passes['seconds_per_day'] * 1e3:.1f} ms = "
             f"{passes['state_passes_per_day']:.1f} passes of {passes['seconds_per_pass'] * 1e3:.1f} ms over the "
             f"state's {passes['columns']} (N, B) columns ({passes['state_mb']:.0f} MB as float32)")

    # 1 and 2 threads in interleaved pairs, medians: on a shared 2-core machine one pair's ratio has ranged
    # from 1.2 to 1.6 for the same commit, as the second core's load came and went (docs/PERFORMANCE.md)
    years: list[dict[str, Any]] = []
    for _ in range(1 if quick else THREAD_PAIRS):
        pair = [_child("engine", big_n, big_days, threads=k) for k in (1, 2)]
        for k, r in zip((1, 2), pair, strict=True):
            echo(_line(f"engine end to end, {big_n:,} x {big_days} days, {k} thread{'s' if k > 1 else ''}", r))
        years += pair
    ok = [(a["seconds"], b["seconds"]) for a, b in zip(years[::2], years[1::2], strict=True)
          if "seconds" in a and "seconds" in b]
    out[f"n{_k(big_n)}_{big_days}d_seconds"] = _median([a for a, _ in ok])  # n100k_365d_seconds at full size
    out[f"n{_k(big_n)}_{big_days}d_seconds_2_threads"] = _median([b for _, b in ok])
    out["thread_speedup_2_pairs"] = [a / b for a, b in ok]
    out["thread_speedup_2"] = _median(out["thread_speedup_2_pairs"])
    if out["thread_speedup_2"]:
        echo(f"thread speedup, 2 threads vs 1: {out['thread_speedup_2']:.2f} (median of "
             + ", ".join(f"{x:.2f}" for x in out["thread_speedup_2_pairs"]) + ")")

    huge = _child("engine", huge_n, huge_days)
    echo(_line(f"engine end to end, {huge_n:,} x {huge_days} days", huge))
    per_day = huge["seconds"] / huge_days if "seconds" in huge else None
    out[f"n{_k(huge_n)}_seconds_per_day"] = per_day
    out[f"n{_k(huge_n)}_peak_rss_mb"] = huge.get("peak_rss_mb")
    out["runs"] = [eng, ref, passes, *years, huge]
    return out


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


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
    import numba

    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__}
