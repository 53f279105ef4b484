"""Agent-based simulation of public vs private traffic economics (公域 vs 私域流量).

Quick use::

    import sim
    result = sim.run(sim.default_config(), seed=1, days=365)
    result.summary[["brand", "cac_public", "repurchase_rate_365", "profit"]]
"""

from . import config
from .api import RunResult, run
from .config import SimConfig, default_config, with_overrides
from .invariants import InvariantError
from .model import KNOBS, TrafficModel

__version__ = "0.1.0"
__all__ = ["config", "RunResult", "run", "SimConfig", "default_config", "with_overrides", "InvariantError",
           "KNOBS", "TrafficModel", "__version__"]
