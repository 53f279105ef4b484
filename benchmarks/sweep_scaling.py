"""Sweep throughput against worker count, and the driver's memory over many runs (docs/CLUSTER.md).

    python benchmarks/sweep_scaling.py                    # 1 and 2 local workers, then a Dask LocalCluster
    python benchmarks/sweep_scaling.py --workers 1 2 4 8 16 --runs 64
    python benchmarks/sweep_scaling.py --memory 3000      # driver RSS after 300 and after 3000 tiny runs

Prints one line per setting: runs, seconds, runs per second and the speed-up over one worker.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

EXPERIMENT = """\
name: scaling
base: {{population.agents: {agents}, run.warmup_days: 30}}
parameters:
  categories.0.purchase_interval_days: {{range: [7, 120], scale: log}}
design: {{method: lhs, samples: {runs}, seed: 1}}
replications: 1
days: {days}
metrics: {{summary: [profit]}}
"""


def experiment(folder: Path, runs: int, agents: int, days: int):
    from sim.sweeps.experiment import load_experiment

    p = folder / "scaling.yaml"
    p.write_text(EXPERIMENT.format(runs=runs, agents=agents, days=days), encoding="utf-8")
    return load_experiment(p)


def throughput(workers: list[int], runs: int, agents: int, days: int, dask: bool) -> None:
    from sim.sweeps.sweep import run_sweep

    with tempfile.TemporaryDirectory() as tmp:
        exp = experiment(Path(tmp), runs, agents, days)
        base = None
        settings: list[tuple[str, dict]] = [(f"{w} local", {"workers": w}) for w in workers]
        if dask:
            settings.append((f"{max(workers)} dask", {"dask": max(workers)}))
        print(f"{runs} runs of {agents} consumers x {days} days (+30 warm-up)")
        for name, kw in settings:
            out = Path(tmp) / name.replace(" ", "_")
            t0 = time.perf_counter()
            if "dask" in kw:
                import dask
                from distributed import LocalCluster

                # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes the engine's daily
                # temporaries page-fault back in: runs took 1.7x as long (docs/CLUSTER.md)
                dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": 128 << 20})
                with LocalCluster(n_workers=kw["dask"], threads_per_worker=1, dashboard_address=None) as c:
                    t0 = time.perf_counter()  # not the cluster's start-up
                    run_sweep(exp, out, scheduler=c.scheduler_address)
            else:
                run_sweep(exp, out, workers=kw["workers"])
            s = time.perf_counter() - t0
            base = base or s
            print(f"{name:>10}: {s:7.1f} s  {runs / s:6.2f} runs/s  speed-up {base / s:4.1f}x", flush=True)
            shutil.rmtree(out)


def memory(runs: int) -> None:
    from sim.sweeps.sweep import run_sweep

    with tempfile.TemporaryDirectory() as tmp:
        for n in (runs // 10, runs):
            exp = experiment(Path(tmp), n, 50, 3)
            exp.base = exp.base.model_copy(update={"run": exp.base.run.model_copy(update={"warmup_days": 0})})
            t0 = time.perf_counter()
            run_sweep(exp, Path(tmp) / f"m{n}", workers=2)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{n:6d} tiny runs: {time.perf_counter() - t0:6.1f} s, driver peak RSS {rss:6.0f} MB", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--agents", type=int, default=2000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--memory", type=int, default=0, help="driver memory over this many tiny runs")
    a = ap.parse_args()
    if a.memory:
        memory(a.memory)
    else:
        throughput(a.workers, a.runs, a.agents, a.days, not a.no_dask)
