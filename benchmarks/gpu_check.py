"""The CUDA backend on a device: speed at scale and agreement with the CPU backend (docs/PERFORMANCE.md).

    python benchmarks/gpu_check.py                       # 1M and 10M consumers, then agreement, JSON at the end
    python benchmarks/gpu_check.py --agents 200000 --days 2 --seeds 3   # a short smoke run

Speed: consumer-days per second of the consumer update (``TrafficModel.consumer_seconds``, as in
``sim bench``) on each backend, the CPU on every core, after one untimed day (kernel compilation).
Agreement: paired runs on both backends, same seeds; both use the same counter-based draws, so they
differ only where the device's float32 ``exp`` differs in its last bit. Prints each seed's relative
difference in revenue, ad spend and pool members. Nothing is asserted: the figures go into
docs/PERFORMANCE.md. Needs ``pip install -e '.[cuda]'`` and an NVIDIA GPU.
"""

from __future__ import annotations

import argparse
import json
import time

from sim.config import default_config, with_overrides
from sim.engine.gpu import unavailable_reason
from sim.engine.model import TrafficModel


def speed(backend: str, agents: int, days: int) -> dict:
    cfg = with_overrides(default_config(), {"population.agents": agents, "run.warmup_days": 0,
                                            "run.backend": backend})
    model = TrafficModel(cfg, seed=1)
    model.step()  # compiles the kernels
    model.consumer_seconds = 0.0
    started = time.perf_counter()
    for _ in range(days):
        model.step()
    per_day = (time.perf_counter() - started) / days
    return {"backend": backend, "agents": agents, "days": days, "seconds_per_day": per_day,
            "consumer_days_per_s": agents * days / model.consumer_seconds}


def totals(backend: str, seed: int, agents: int, days: int) -> dict:
    cfg = with_overrides(default_config(), {"population.agents": agents, "run.warmup_days": 10, "run.backend": backend})
    model = TrafficModel(cfg, seed=seed)
    for _ in range(days):
        model.step()
    series = model.datacollector.get_model_vars_dataframe()
    return {"revenue": float(series["revenue"].sum()), "ad_spend": float(series["ad_spend"].sum()),
            "pool_members": float(series["pool_members"].iloc[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--agree-agents", type=int, default=20_000)
    parser.add_argument("--agree-days", type=int, default=60)
    args = parser.parse_args()
    why = unavailable_reason()
    if why:
        raise SystemExit(f"gpu_check: {why}")
    out: dict = {"speed": [], "agreement": []}
    for n in args.agents:
        for backend in ("cuda", "cpu"):
            r = speed(backend, n, args.days)
            out["speed"].append(r)
            print(f"{backend:4s} {n:>11,} consumers: {r['seconds_per_day']:.3f} s/day, "
                  f"consumer update {r['consumer_days_per_s']:,.0f} consumer-days/s", flush=True)
    for seed in range(1, args.seeds + 1):
        cpu = totals("cpu", seed, args.agree_agents, args.agree_days)
        gpu = totals("cuda", seed, args.agree_agents, args.agree_days)
        rel = {k: (gpu[k] - cpu[k]) / max(abs(cpu[k]), 1e-12) for k in cpu}
        out["agreement"].append({"seed": seed, "cpu": cpu, "cuda": gpu, "relative_difference": rel})
        print(f"seed {seed}: relative difference cuda - cpu {rel}", flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
