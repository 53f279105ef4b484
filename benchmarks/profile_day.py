"""Where a day's time goes, phase by phase (docs/PERFORMANCE.md, "Where the time goes").

    python benchmarks/profile_day.py                 # 100,000 consumers, 1 thread, days 4-23
    python benchmarks/profile_day.py --threads 2 --agents 20000

Wraps each phase of the schedule (docs/MODEL.md §3) with a timer, runs a few days to warm up,
then prints milliseconds per day for each phase and for the whole day. The figures are per
phase of one process; nothing is asserted.
"""

from __future__ import annotations

import argparse
import collections
import time

import numba

from sim.config import default_config, with_overrides
from sim.engine.model import TrafficModel


def profile(agents: int, days: int, seed: int = 1) -> tuple[dict[str, float], float]:
    """Milliseconds per day of each phase, and of the whole day."""
    cfg = with_overrides(default_config(), {"population.agents": agents, "run.warmup_days": 0})
    model = TrafficModel(cfg, seed=seed)
    spent: collections.Counter[str] = collections.Counter()

    def timed(obj, name: str) -> None:
        inner = getattr(obj, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[f"{type(obj).__name__}.{name}"] += time.perf_counter() - started

        setattr(obj, name, wrapper)

    for obj, name in [(model.brand_table, "decide"), (model.auctions, "sell"), (model.exposure, "step"),
                      (model.pools, "deliver"), (model.alliances, "step"), (model.touches, "step"),
                      (model.purchases, "step"), (model.pools, "join"), (model.auctions, "bill"),
                      (model.accounts, "settle"), (model.pools, "census"), (model, "_record"),
                      (model.accounts, "exits")]:
        timed(obj, name)
    for _ in range(3):  # kernels loaded, first allocations made
        model.step()
    spent.clear()
    started = time.perf_counter()
    for _ in range(days):
        model.step()
    whole = (time.perf_counter() - started) / days * 1e3
    return {k: v / days * 1e3 for k, v in spent.most_common()}, whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    numba.set_num_threads(args.threads)
    phases, whole = profile(args.agents, args.days)
    print(f"{args.agents:,} consumers, {args.threads} thread(s), ms per day over {args.days} days")
    for name, ms in phases.items():
        print(f"  {name:28s} {ms:7.1f}")
    print(f"  {'other (history, Python)':28s} {whole - sum(phases.values()):7.1f}")
    print(f"  {'whole day':28s} {whole:7.1f}")


if __name__ == "__main__":
    main()
