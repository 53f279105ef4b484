"""The model's public import path: :class:`TrafficModel` and its keyword knobs.

The engine lives in :mod:`sim.engine` (one component per mechanism; the schedule in
:meth:`TrafficModel._advance_day`); this module keeps ``from sim.model import TrafficModel``
working.
"""

from .engine.brands import HISTORY
from .engine.knobs import KNOBS, apply_knobs, assign_private_share
from .engine.model import TrafficModel

__all__ = ["HISTORY", "KNOBS", "TrafficModel", "apply_knobs", "assign_private_share"]
