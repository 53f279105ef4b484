"""Agent-based simulation of public vs private traffic economics (公域 vs 私域流量).

Quick use::

    import sim
    result = sim.run(sim.default_config(), seed=1, days=365)
    result.summary[["brand", "cac_public", "repurchase_rate_365", "profit"]]
"""

from . import config, moved
from .api import RunResult, run
from .config import SimConfig, default_config, with_overrides
from .invariants import InvariantError
from .model import KNOBS, TrafficModel
from .version import __version__

moved.install()  # the old module paths (sim.scenario, sim.report, sim.cli_decide, ...) stay importable


def calibrate(source, **kw):
    """Fit the market to a brand's figures: a calibration file or mapping (see :mod:`sim.decide.calibrate`)."""
    from .decide.calibrate import calibrate as _calibrate

    return _calibrate(source, **kw)


def optimize(source, **kw):
    """Search the brand's best strategy: an optimisation file or mapping (see :mod:`sim.decide.optimize`)."""
    from .decide.optimize import optimize as _optimize

    return _optimize(source, **kw)


def export(result, folder):
    """Write a run's transactions and marketing-mix tables for outside tools (see :mod:`sim.study.exports`)."""
    from .study.exports import export as _export

    return _export(result, folder)


def load_sweep(folder, daily: bool = False):
    """A sweep folder's results as one DataFrame (see :func:`sim.sweeps.sweep.load_sweep`)."""
    from .sweeps.sweep import load_sweep as _load  # imported on use: sweeps pull in SALib, plotly and pyarrow

    return _load(folder, daily)


__all__ = ["config", "RunResult", "run", "SimConfig", "default_config", "with_overrides", "InvariantError",
           "KNOBS", "TrafficModel", "load_sweep", "calibrate", "optimize", "export",
           "__version__"]
