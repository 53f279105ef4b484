"""A study's folder: what it is a study of, a lock, and outputs written whole or not at all.

A calibration or optimisation folder holds its state (``runs/``, ``runs.log`` and the library's
SQLite file) beside its outputs. ``study.json`` records the kind of study and a fingerprint of
the resolved file; running a *changed* file into an existing folder is refused (exit 2) rather
than mixing two studies' runs, unless the user asks to start again (``--no-resume``). A lock
file keeps two processes out of one folder; the operating system releases it when the holder
dies, so a study killed with SIGKILL resumes without any clean-up.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ..files.errors import UserError

STUDY = "study.json"


def write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary name in the same folder, then a rename)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_json(path: Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=1, ensure_ascii=False, default=str))


def write_frame(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    if path.suffix == ".parquet":
        df.to_parquet(tmp, index=False)
    else:
        df.to_csv(tmp, index=False)
    os.replace(tmp, path)


@contextmanager
def study_folder(out: Path, kind: str, fingerprint: str, resume: bool, state: tuple[str, ...],
                 about: dict[str, Any]) -> Iterator[Path]:
    """Open (create, check or reset) a study folder and hold its lock while the study runs.

    ``state``: the names of the study's state files and folders, removed by ``resume=False``.
    """
    out = Path(out)
    meta = out / STUDY
    if out.exists() and any(p for p in out.iterdir() if p.name != ".lock"):
        if not meta.is_file():
            raise UserError(out, "the output folder exists and is not a study folder (no study.json); choose "
                            "another --out", key="--out")
        try:
            old = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(meta, f"cannot read the study record ({exc.__class__.__name__})") from None
        if old.get("kind") != kind:
            raise UserError(out, f"the folder holds a {old.get('kind')} study, not a {kind}; choose another --out",
                            key="--out")
        if resume and old.get("fingerprint") != fingerprint:
            raise UserError(out, "the folder holds a study of a different file (it changed since); use --no-resume "
                            "to replace it, or another --out", key="--resume")
    out.mkdir(parents=True, exist_ok=True)
    lock = (out / ".lock").open("w")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(out, "another study is running in this folder", key="--out") from None
        if not resume:
            for name in state:
                p = out / name
                if p.is_dir():
                    shutil.rmtree(p)
                elif p.exists():
                    p.unlink()
        _clear_temp(out)
        write_json(meta, {"kind": kind, "fingerprint": fingerprint, **about})
        yield out
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def _clear_temp(out: Path) -> None:
    """Temporary files of a writer that died before its rename (the lock says none is alive)."""
    for p in list(out.glob(".*.tmp-*")) + list((out / "runs").glob(".*.tmp-*")):
        p.unlink(missing_ok=True)
