"""The runs of a calibration or an optimisation: one brand's summary figures per run, kept on disk.

Every run is a :class:`RunTask` with a key that names what it computes (the parameter values,
the replication and the purpose). The driver stores each finished run as ``runs/<key>.json``
(written to a temporary name, then renamed) and appends one line to ``runs.log``; a study
that is killed (Ctrl-C, SIGKILL) and started again finds its finished runs there and runs only
the others, so nothing is lost and nothing is run twice. Workers only compute: they never
write, so any Dask cluster works, shared file system or not.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..api import run
from ..config import SimConfig
from ..executor import Executor
from ..metrics import SUMMARY_METRICS


@dataclass(frozen=True)
class RunTask:
    """One run: the market of the reported days (and of the warm-up, when an arm applies after it),
    the seed's entropy, the reported days and the brand whose figures are kept."""

    key: str
    config: str
    warmup: str | None
    seed: tuple[int, ...]
    days: int
    brand: int


def task_key(purpose: str, values: dict[str, Any], seed: tuple[int, ...]) -> str:
    """A stable name for a run: its purpose, the values it is run at and its seed (floats in full)."""
    blob = json.dumps({"purpose": purpose, "values": values, "seed": list(seed)}, sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def brand_figures(task: RunTask) -> dict[str, Any]:
    """Run one task through the run path and return the brand's summary figures (a worker function)."""
    cfg = SimConfig.model_validate_json(task.config)
    warm = SimConfig.model_validate_json(task.warmup) if task.warmup is not None else None
    result = run(cfg, seed=np.random.SeedSequence(list(task.seed)), days=task.days, base_config=warm,
                 keep=("summary",))
    row = result.summary.set_index("brand_id").loc[task.brand]
    figures = {m: _plain(row[m]) for m in SUMMARY_METRICS if m in row.index}
    return {"key": task.key, "figures": figures, "seconds": round(result.seconds, 4)}


def _plain(x: Any) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None  # JSON has no NaN: a missing figure is null


class RunStore:
    """Finished runs of one study folder: ``runs/<key>.json`` and the append-only ``runs.log``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.dir = self.folder / "runs"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log = self.folder / "runs.log"

    def get(self, key: str) -> dict[str, Any] | None:
        p = self.dir / f"{key}.json"
        if not p.is_file():
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None  # unreadable (a disk that filled up): run it again

    def put(self, record: dict[str, Any]) -> None:
        p = self.dir / f"{record['key']}.json"
        tmp = p.with_name(f".{p.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, p)
        with self.log.open("a", encoding="utf-8") as f:
            f.write(record["key"] + "\n")
            f.flush()
            os.fsync(f.fileno())

    def executed(self) -> list[str]:
        """Keys of every run this folder's studies executed, in order (one line per run)."""
        if not self.log.is_file():
            return []
        return [line for line in self.log.read_text(encoding="utf-8").splitlines() if line]

    def count(self) -> int:
        return sum(1 for p in self.dir.glob("*.json") if not p.name.startswith("."))


def run_tasks(ex: Executor, store: RunStore, tasks: list[RunTask],
              progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, dict[str, Any]]:
    """Every task's record: stored ones read back, the others run on the executor and stored as they finish."""
    out: dict[str, dict[str, Any]] = {}
    todo = []
    for task in tasks:
        rec = store.get(task.key)
        if rec is None:
            todo.append(task)
        else:
            out[task.key] = rec
    unique = list({task.key: task for task in todo}.values())

    def done(_i: int, rec: dict[str, Any]) -> None:
        store.put(rec)
        out[rec["key"]] = rec
        if progress:
            progress(rec)

    ex.map(brand_figures, [(task,) for task in unique], done)
    return out
