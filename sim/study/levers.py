"""What a sensitivity analysis varies (docs/METRICS.md §6c): the ``sensitivity:`` block of a scenario file,
and the levers it names, each a configuration path (or ``competitors``) with a low and a high value.

Without ``parameters`` the levers come from the configuration tree itself: every field documented with a
``plausible`` range (``P(..., plausible=(0.5, 2.0))``: factors on the market's value), taken where the
focal brand meets it (its category, its platform, its operating mode), plus the number of competitors in
its category. Adding ``plausible`` to a field adds it to every default tornado.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..config import ConfigError, NoBoolNumbers, SimConfig, get_path, with_overrides

COMPETITORS = "competitors"  # not a configuration path: the other brands of the focal brand's category
ABSENT_DAY = 36_500  # entry_day of a competitor taken out of the market: it never enters


class SensitivitySpec(NoBoolNumbers):
    """The ``sensitivity:`` block of a scenario file (used by ``sim run --sensitivity``)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    arm: str | None = Field(None, description="The arm whose paired difference from its reference is tested "
                                              "(default: the one the executive summary compares)")
    steps: int = Field(3, ge=0, le=20, description="Bisection steps per flip, on common random numbers "
                                                  "(at most 1 under --quick)")
    parameters: dict[str, tuple[float, float]] | None = Field(
        None, description="Configuration paths (or 'competitors') and their [low, high]; default: every "
                          "parameter the configuration tree gives a plausible range, where the focal brand meets it")


@dataclass(frozen=True)
class Lever:
    """One parameter the analysis varies: its path, range, the arm's own value and whether it counts."""

    path: str
    low: float
    high: float
    center: float
    integer: bool


def competitors(cfg: SimConfig, focal: int) -> list[int]:
    """The brands of the focal brand's category, other than it, that take part in the market."""
    c = cfg.brands[focal].category
    return [i for i, b in enumerate(cfg.brands) if i != focal and b.category == c and b.entry_day < ABSENT_DAY]


def with_competitors(cfg: SimConfig, focal: int, n: int) -> SimConfig:
    """The market with ``n`` competitors in the focal brand's category: the last ones never enter (indices and
    random streams of the others stay), or copies of the present ones (round-robin) join at the end."""
    rivals = competitors(cfg, focal)
    if not rivals:
        raise ValueError(f"{COMPETITORS}: the focal brand has no competitor in its category to vary")
    if n < len(rivals):
        return with_overrides(cfg, {f"brands.{i}.entry_day": ABSENT_DAY for i in rivals[n:]})
    brands = cfg.model_dump(mode="python")["brands"]
    for j in range(n - len(rivals)):
        clone = dict(brands[rivals[j % len(rivals)]])
        clone["name"] = f"{clone['name']}_copy{j + 1}"
        brands.append(clone)
    return with_overrides(cfg, {"brands": brands})


def apply_lever(cfg: SimConfig, path: str, value: float, focal: int) -> SimConfig:
    """``cfg`` with the lever at ``value`` (validated as a whole: ConfigError or ValueError if it cannot be)."""
    if path == COMPETITORS:
        return with_competitors(cfg, focal, int(value))
    return with_overrides(cfg, {path: value})


def lever_value(cfg: SimConfig, path: str, focal: int) -> float:
    """The market's own value of a lever; ValueError where the path holds no number."""
    if path == COMPETITORS:
        return float(len(competitors(cfg, focal)))
    try:
        v = get_path(cfg, path)
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"{path}: no such setting ({exc})") from None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"{path}: holds {v!r}, not a number to vary" if v is not None
                         else f"{path}: has no value here (set one in base to vary it)")
    return float(v)


def is_integer(cfg: SimConfig, path: str) -> bool:
    return path == COMPETITORS or type(get_path(cfg, path)) is int


def _plausible(model: BaseModel, prefix: str, where: dict[str, Any]) -> list[tuple[str, tuple[float, float]]]:
    """(path, factors) of every field with a plausible range, descending only where the focal brand is."""
    out = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if "plausible" in extra:
            out.append((f"{prefix}{name}", tuple(extra["plausible"])))
        elif isinstance(value, BaseModel):
            out += _plausible(value, f"{prefix}{name}.", where)
        elif isinstance(value, list | dict) and name in where:
            key = where[name]
            item = value[key] if (isinstance(value, dict) and key in value) or (
                isinstance(value, list) and 0 <= key < len(value)) else None
            if isinstance(item, BaseModel):
                out += _plausible(item, f"{prefix}{name}.{key}.", where)
    return out


def default_levers(cfg: SimConfig, focal: int) -> list[Lever]:
    """The configuration tree's plausible ranges where the focal brand meets them, and its competitors."""
    brand = cfg.brands[focal]
    strategy = cfg.strategies[brand.strategy]
    where = {"categories": brand.category, "platforms": brand.platform, "brands": focal, "modes": strategy.mode,
             "strategies": brand.strategy}
    levers = []
    for path, (lo, hi) in _plausible(cfg, "", where):
        v = lever_value(cfg, path, focal)
        if v != 0:
            integer = is_integer(cfg, path)
            low, high = v * lo, v * hi
            levers.append(Lever(path, round(low) if integer else low, round(high) if integer else high, v, integer))
    n = len(competitors(cfg, focal))
    if n:
        levers.append(Lever(COMPETITORS, max(1, round(n * 0.5)), 2 * n, n, True))
    return levers


def spec_levers(spec: SensitivitySpec | None, cfg: SimConfig, focal: int) -> list[Lever]:
    """The levers a scenario's block names (in its order), or the defaults."""
    if spec is None or spec.parameters is None:
        return default_levers(cfg, focal)
    out = []
    for path, (lo, hi) in spec.parameters.items():
        integer = is_integer(cfg, path)
        out.append(Lever(path, round(lo) if integer else lo, round(hi) if integer else hi,
                         lever_value(cfg, path, focal), integer))
    return out


def check_levers(spec: SensitivitySpec, arms: dict[str, SimConfig]) -> tuple[str, str] | None:
    """(path, what is wrong) of the first lever of the block that cannot be varied in every arm, or None."""
    for path, (lo, hi) in (spec.parameters or {}).items():
        if not lo < hi:
            return path, f"the range must be [low, high] with low < high, got [{lo:g}, {hi:g}]"
        for cfg in arms.values():
            focal = cfg.market.focal_brand
            try:
                lever_value(cfg, path, focal)
                for v in (lo, hi):
                    apply_lever(cfg, path, round(v) if is_integer(cfg, path) else v, focal)
            except ConfigError as exc:
                return path, f"cannot be set to the range's ends: {exc.reason}"
            except ValueError as exc:
                return path, str(exc).removeprefix(f"{path}: ")
    return None
