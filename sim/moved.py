"""Module paths from before the workflows moved into subpackages (issue 3/4, item 3), kept importable.

``import sim.economics`` gives :mod:`sim.files.economics` itself: the same module object, so that a name
patched through either path is seen through both. No file stands at an old path (git then follows each
move, and a change made to the old file on another branch merges into the new one); the package's own
code imports the new paths only. A name that moved to a shared module is found there, not at the old path.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

MOVED: dict[str, str] = {  # old path -> where the module lives now
    "sim.economics": "sim.files.economics",
    "sim.scenario": "sim.study.scenario",
    "sim.runner": "sim.study.runs",
    "sim.report": "sim.study.report",
    "sim.report_charts": "sim.study.charts",
    "sim.assumptions": "sim.study.assumptions",
    "sim.levers": "sim.study.levers",
    "sim.sensitivity": "sim.study.sensitivity",
    "sim.sensitivity_report": "sim.study.sensitivity_report",
    "sim.incrementality": "sim.study.incrementality",
    "sim.exports": "sim.study.exports",
    "sim.experiment": "sim.sweeps.experiment",
    "sim.sweep": "sim.sweeps.sweep",
    "sim.analyze": "sim.sweeps.analyze",
    "sim.facts": "sim.validate.facts",
    "sim.validation": "sim.validate.docking",
    "sim.app": "sim.teach.app",
    "sim.explain": "sim.teach.explain",
    "sim.cli_decide": "sim.cli.decide",
    "sim.decide.candidates": "sim.config.decisions",
}


class _Alias(importlib.abc.Loader):
    """Loads an old path as the module at its new path (imported there first, under its own name)."""

    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._spec  # the import system set the old path's spec: the module keeps its own


class MovedFinder(importlib.abc.MetaPathFinder):
    """Finds the old paths of :data:`MOVED` (and nothing else) after every other finder has looked."""

    def find_spec(self, fullname: str, path=None, target=None) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        return None if new is None else importlib.machinery.ModuleSpec(fullname, _Alias(new))


def install() -> None:
    if not any(isinstance(f, MovedFinder) for f in sys.meta_path):
        sys.meta_path.append(MovedFinder())
