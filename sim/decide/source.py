"""A decision file given as a path, or as a mapping of the same keys (the Python API)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from ..builtin import SCENARIO_DIR


@contextmanager
def as_file(source: str | os.PathLike | dict[str, Any], kind: str) -> Iterator[Path]:
    """The file to load: ``source`` itself, or a mapping written as YAML (paths in it relative to the
    working folder, as a file beside it would have them); errors then name ``<kind>.yaml``."""
    if not isinstance(source, dict):
        yield Path(source)
        return
    data = dict(source)
    base = data.get("base")
    if isinstance(base, str) and not Path(base).is_absolute() and not (SCENARIO_DIR / f"{base}.yaml").is_file():
        data["base"] = str(Path(base).resolve())
    if isinstance(data.get("out"), str):
        data["out"] = str(Path(data["out"]).resolve())
    data.setdefault("name", kind)
    with tempfile.TemporaryDirectory(prefix="sim-") as tmp:
        p = Path(tmp) / f"{data['name']}.yaml"
        p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        yield p
