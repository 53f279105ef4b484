"""The stylized facts F1–F13 (docs/MODEL.md §1, status §10) as executable checks.

Each fact runs an experiment (usually a built-in scenario, on validation seeds), measures
its quantity per replication and passes when the 95% CI across replications lies inside
its band; a directional fact passes when the CI of the paired difference excludes zero in
the stated direction. Bands are those declared in docs/MODEL.md §1: they may be narrowed,
never widened. A fact that is not measured yet is reported as failing, never as passing.

The facts live by topic: :mod:`.public_facts` (F1–F3), :mod:`.private_facts` (F4–F9), :mod:`.market_facts`
(F10, F12) and :mod:`.docking` (F11, F13); :mod:`.checks` holds the verdicts, :mod:`.runs` how the facts run
and :mod:`.report` the validation report.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..config import default_config, with_overrides
from ..executor import Executor
from ..files.errors import UserError
from .checks import Check, Down, FactResult, Up
from .docking import f11_bass, f13_auction
from .market_facts import f10_concentration, f12_migration
from .private_facts import (
    f4_private_frequent,
    f5_private_not_cheap,
    f6_harvest,
    f7_saturation,
    f8_alliances,
    f9_property_rights,
)
from .public_facts import f1_rising_cac, f2_funnel, f3_fatigue_cap
from .runs import VALIDATION_SEED, Overrides

FACTS: dict[str, Callable[..., FactResult]] = {
    "F1": f1_rising_cac,
    "F2": f2_funnel,
    "F3": f3_fatigue_cap,
    "F4": f4_private_frequent,
    "F5": f5_private_not_cheap,
    "F6": f6_harvest,
    "F7": f7_saturation,
    "F8": f8_alliances,
    "F9": f9_property_rights,
    "F10": f10_concentration,
    "F11": f11_bass,
    "F12": f12_migration,
    "F13": f13_auction,
}


def selected_facts(only: list[str], overrides: Overrides = None) -> list[str] | None:
    """The facts ``only`` names, upper-cased (None: every fact), checked before any run: an unknown fact is
    refused (:class:`UserError`), and so is an override that makes no valid market (ConfigError)."""
    with_overrides(default_config(), overrides or {})
    unknown = sorted({o.upper() for o in only} - set(FACTS))
    if unknown:
        raise UserError(None, f"unknown fact(s) {', '.join(unknown)} (known: {', '.join(FACTS)})", key="--only")
    return [o.upper() for o in only] or None


def validate(quick: bool = False, workers: int = 1, only: list[str] | None = None,
             progress: Callable[[FactResult], None] | None = None, overrides: Overrides = None) -> list[FactResult]:
    """Run every fact (or those named in ``only``), in order, with ``overrides`` applied to every run.

    Overrides switch a mechanism off (an ablation) or vary a default; Bass and auction
    docking (F11, F13) build their own special cases and ignore them.
    """
    out = []
    with Executor(workers=workers) as ex:  # one pool for every fact
        for fact_id, fn in FACTS.items():
            if only is not None and fact_id not in only:
                continue
            res = fn(quick, ex, overrides)
            out.append(res)
            if progress:
                progress(res)
    return out


def facts_frame(results: list[FactResult]) -> pd.DataFrame:
    return pd.DataFrame([row for r in results for row in r.rows()])


__all__ = ["FACTS", "VALIDATION_SEED", "Check", "Down", "FactResult", "Up", "facts_frame", "selected_facts", "validate"]
