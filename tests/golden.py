"""The golden regression file: hashes of three short runs, committed before the engine is refactored.

A refactoring commit leaves ``tests/golden/golden.json`` unchanged; a deliberate model change
regenerates it in a commit of its own that says why (``python -m tests.golden --write``).

Three markets (``MARKETS``): the default market; a stressed one in which wear-out binds and
adaptive brands, an alliance, a hosted pool, an entrant and an exit all act; and an arm applied
after warm-up. Each is hashed at reported days 1, 30 and 60 (every consumer-state array, the
pools' groups and the brands' cash) and at the end (``daily``, ``ledger``, ``summary``, the
order log and the market series, as :func:`sim.run` builds them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.metrics import order_frame, summary_frame

GOLDEN = Path(__file__).resolve().parent / "golden" / "golden.json"
DAYS = 60
CHECKPOINTS = (1, 30, 60)
SEED = 20261203


def _small(**overrides) -> sim.SimConfig:
    ov = {"population.agents": 2000, "run.warmup_days": 30}
    ov.update(overrides)
    return sim.with_overrides(sim.default_config(), ov)


def default_market() -> tuple[sim.SimConfig, sim.SimConfig | None]:
    return _small(), None


def stressed_market() -> tuple[sim.SimConfig, sim.SimConfig | None]:
    """Wear-out binds (frequency 0.5), two adaptive brands, a hosted pool, an alliance of three
    carriers (two categories), one entrant on day 20 and a brand that runs out of cash."""
    data = _small(**{"run.warmup_days": 10, "ads.wearout_frequency": 0.5,
                     "market.entrants": 1, "market.entrants_until_day": 20}).model_dump(mode="python")
    hosted = dict(data["strategies"]["private_cultivate"], pool_location="hosted")
    data["strategies"]["hosted_cultivate"] = hosted
    brands = data["brands"]
    brands[1]["strategy"] = brands[3]["strategy"] = "adaptive"
    brands[6]["strategy"] = "hosted_cultivate"
    brands[9].update(initial_cash=30_000.0, fixed_cost_per_day=1_500.0)  # exits within the reported days
    data["alliances"]["groups"] = [{"name": "golden", "members": [2, 4, 11], "offers_per_day": 0.5}]
    data["platforms"][0].update(hosted_reach_end=0.2, hosted_throttle_days=30)
    return sim.SimConfig.model_validate(data), None


def arm_after_warmup() -> tuple[sim.SimConfig, sim.SimConfig | None]:
    """The focal brand turns to cultivating a pool from reported day 1, with tighter fatigue caps."""
    base = _small()
    arm = sim.with_overrides(base, {"brands.0.strategy": "private_cultivate", "fatigue.tolerance_mean": 3.0,
                                    "platforms.1.ad_slots_per_user": 20.0})
    return arm, base


MARKETS: dict[str, Callable[[], tuple[sim.SimConfig, sim.SimConfig | None]]] = {
    "default": default_market, "stressed": stressed_market, "arm_after_warmup": arm_after_warmup}


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()[:16]


def hash_array(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a)
    return _digest(str(a.dtype).encode(), str(a.shape).encode(), a.tobytes())


def hash_frame(df: pd.DataFrame) -> str:
    """Column names, dtypes and values in order (text columns as their strings)."""
    parts = [str(len(df)).encode()]
    for name in df.columns:
        col = df[name]
        parts += [str(name).encode(), str(col.dtype).encode()]
        values = col.to_numpy()
        if values.dtype.kind in "biufcmM":
            parts.append(np.ascontiguousarray(values).tobytes())
        else:
            parts.append("\x1f".join(map(str, values)).encode())
    return _digest(*parts)


BRAND_STATE = ("cash", "private_share", "ad_budget", "bid", "pace", "operators", "capacity", "first_day")


def model_state(model: sim.TrafficModel) -> dict[str, str]:
    """Every consumer-state array, the pools' group counts and activity, each brand's state (cash,
    budget split, bid, staff, entry) and the pools' message counters."""
    st = model.state
    out = {f.name: hash_array(getattr(st, f.name)) for f in fields(st)}
    out["group_counts"] = _digest(*(hash_array(g).encode() for g in model.pools.group_counts))
    out["group_activity"] = _digest(*(hash_array(g).encode() for g in model.pools.group_activity))
    for attr in BRAND_STATE:
        out[f"brand_{attr}"] = hash_array(np.array([float(getattr(b, attr)) for b in model.brands]))
    out["messages_sent_before"] = hash_array(model.pools.sent_before)
    return out


def market_hashes(name: str) -> dict[str, dict[str, str]]:
    """The hashes of one market: its state at each checkpoint and its outputs at the end."""
    cfg, base = MARKETS[name]()
    cfg = sim.with_overrides(cfg, {"metrics.order_log": True})
    if base is not None:
        base = sim.with_overrides(base, {"metrics.order_log": True})
    model = sim.TrafficModel(config=cfg, seed=np.random.SeedSequence([SEED, 0]), base_config=base)
    out: dict[str, dict[str, str]] = {}
    for day in range(1, DAYS + 1):
        model.step()
        if day in CHECKPOINTS:
            out[f"day_{day}"] = model_state(model)
    daily = model.recorder.frame()
    out["outputs"] = {
        "daily": hash_frame(daily),
        "ledger": hash_frame(model.ledger.to_frame(model.scale)),
        "summary": hash_frame(summary_frame(model, daily)),
        "orders": hash_frame(order_frame(model)),
        "market": hash_frame(model.recorder.market_frame()),
    }
    return out


def simd_level() -> str:
    """The widest x86 SIMD level numpy found on this CPU (its float routines differ between them)."""
    found = np._core._multiarray_umath.__cpu_features__
    return next((level for level in ("X86_V4", "X86_V3", "X86_V2") if found.get(level)), platform.machine())


def all_hashes() -> dict[str, dict[str, dict[str, str]]]:
    return {name: market_hashes(name) for name in MARKETS}


def write(path: Path = GOLDEN) -> None:
    """Regenerate the golden file (a deliberate model change, in a commit of its own)."""
    doc = {"_about": "Hashes of tests/golden.py's markets; regenerate only for a deliberate model change "
                     "(python -m tests.golden --write), in a commit of its own that says why.",
           "_machine": {"numpy": np.__version__, "machine": platform.machine(), "simd": simd_level()},
           "markets": all_hashes()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="regenerate tests/golden/golden.json")
    args = ap.parse_args()
    if args.write:
        write()
        print(f"wrote {GOLDEN}")
    else:
        print(json.dumps(all_hashes(), indent=1))
