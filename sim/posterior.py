"""Posterior draws in scenario files: each replication runs on a market drawn from a calibration.

``sim calibrate`` writes a scenario file (``calibrated.yaml``) with a block::

    posterior:
      source: calibrate_snack_brand (ABC-SMC, 2026-12-01)
      draws:                     # equal-weight draws of the fitted market parameters
        fatigue.tolerance_mean: [11.2, 9.8, 13.1, ...]
        categories.0.purchase_interval_days: [15.3, 17.0, 12.9, ...]

Replication k of every arm (and, in sweeps and optimisation, of every design point and
candidate) runs on draw ``k mod n``, warm-up included: the draws describe the market. Arms stay
paired (same draw, same seed) and every interval then carries the fit's uncertainty as well as
the simulation's. A path that an arm, a swept parameter or ``--set`` sets itself keeps that
value: what the user asks for wins over the fitted market.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .config import ConfigError, SimConfig, get_path, with_overrides


class PosteriorDraws(BaseModel):
    """Market parameters drawn from a calibration's posterior (dotted path -> one value per draw)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    source: str = Field("", description="Where the draws come from (the calibration, its method and date)")
    draws: dict[str, list[float]] = Field(..., description="Dotted configuration path -> its value in each draw "
                                          "(all lists of one length); replication k uses draw k mod length")

    @field_validator("draws")
    @classmethod
    def _equal_lengths(cls, v: dict[str, list[float]]) -> dict[str, list[float]]:
        if not v:
            raise ValueError("at least one parameter is needed")
        lengths = {len(x) for x in v.values()}
        if len(lengths) != 1 or 0 in lengths:
            raise ValueError(f"every parameter needs the same number of draws (at least one), got {sorted(lengths)}")
        return v

    @property
    def size(self) -> int:
        return len(next(iter(self.draws.values())))

    def draw(self, k: int, skip: Iterable[str] = ()) -> dict[str, Any]:
        """Draw ``k mod size`` as overrides, without the paths in ``skip``."""
        skip = set(skip)
        return {path: values[k % self.size] for path, values in self.draws.items() if path not in skip}

    def without(self, paths: Iterable[str]) -> PosteriorDraws | None:
        """The draws less ``paths`` (set by the file that uses them); None when nothing is left."""
        left = {p: v for p, v in self.draws.items() if p not in set(paths)}
        return self.model_copy(update={"draws": left}) if left else None

    def apply(self, cfg: SimConfig, k: int, skip: Iterable[str] = ()) -> SimConfig:
        """``cfg`` on draw k (integer fields take whole numbers)."""
        ov = self.draw(k, skip)
        return with_overrides(cfg, typed(cfg, ov)) if ov else cfg


def typed(cfg: SimConfig, values: dict[str, Any]) -> dict[str, Any]:
    """Round values for integer fields of ``cfg`` (a continuous draw of a whole-number parameter)."""
    out = {}
    for path, v in values.items():
        try:
            current = get_path(cfg, path)
        except (KeyError, IndexError, ValueError, TypeError):
            current = None
        out[path] = int(round(v)) if isinstance(current, int) and not isinstance(current, bool) else v
    return out


def check(post: PosteriorDraws, cfg: SimConfig) -> None:
    """Every draw must make a valid configuration; raises ConfigError naming the path and the draw."""
    for k in range(post.size):
        try:
            post.apply(cfg, k)
        except ConfigError as exc:
            raise ConfigError(exc.path, f"{exc.reason} (draw {k})") from None
