"""Economics a user rarely means: warned, with file, key and line, by every file loader (not refused).

A price below the unit cost or a coupon worth the whole price can be a deliberate experiment, so these
are :class:`~sim.files.errors.FileWarning` s, not errors; but they are almost always a slip of a digit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import SimConfig
from .errors import warn_file
from .reading import line_for


def warn_economics(cfg: SimConfig, file: Path | None, lines: dict[str, int], section: str,
                   overrides: dict[str, Any], key: str | None = None, note: str = "") -> int:
    """Warn (:class:`FileWarning`, not an error) of economics a user rarely means; returns how many.

    A case is warned only where this section's ``overrides`` (dotted paths) set a value it depends on, so
    that a base value every arm inherits is reported once, at its own line. The cases:

    * a brand's ``unit_cost`` at or above its ``price``: every order loses money;
    * the ``coupon_value`` of a strategy that pushes coupons, at or above the price of a brand running it:
      a coupon order brings in nothing;
    * the ``join_incentive`` of a strategy that runs a pool, above the price of a brand running it:
      a member costs more to sign up than an order brings in;
    * the ``coupon_value`` of an enabled alliance, at or above the price of a member brand.

    ``key`` names every warning (a swept parameter) instead of the path set; ``note`` ends each message.
    """
    cases: list[tuple[str, list[str], str]] = []  # (key of the case, leaf paths it depends on, message)
    for i, b in enumerate(cfg.brands):
        who, price = f"brand {i} ({b.name})", f"brands.{i}.price"
        if b.unit_cost >= b.price:
            cases.append((f"brands.{i}.unit_cost", [f"brands.{i}.unit_cost", price],
                          f"unit_cost {b.unit_cost:g} is at or above the price {b.price:g} of {who}: "
                          "every order loses money"))
        s, sp = cfg.strategies[b.strategy], f"strategies.{b.strategy}"
        runs = [f"brands.{i}.strategy", price, f"{sp}.run_pool"]
        if s.run_pool and s.push_per_day > 0 and s.content_share < 1 and s.coupon_value >= b.price:
            cases.append((f"{sp}.coupon_value", runs + [f"{sp}.{f}" for f in ("coupon_value", "push_per_day",
                                                                                  "content_share")],
                          f"a coupon of {s.coupon_value:g} is worth at least the price {b.price:g} of {who}, "
                          f"which runs {b.strategy}: coupon orders bring in nothing"))
        if s.run_pool and s.join_incentive > b.price:
            cases.append((f"{sp}.join_incentive", runs + [f"{sp}.join_incentive"],
                          f"a join incentive of {s.join_incentive:g} is above the price {b.price:g} of {who}, "
                          f"which runs {b.strategy}: a member costs more to sign up than an order brings in"))
    for j, a in enumerate(cfg.alliances.groups if cfg.alliances.enabled else []):
        for m in a.members:
            if a.coupon_value >= cfg.brands[m].price:
                cases.append((f"alliances.groups.{j}.coupon_value",
                              ["alliances.enabled", f"alliances.groups.{j}.coupon_value",
                               f"alliances.groups.{j}.members", f"brands.{m}.price"],
                              f"a partner coupon of {a.coupon_value:g} is worth at least the price "
                              f"{cfg.brands[m].price:g} of member brand {m} ({cfg.brands[m].name})"))
    found: dict[str, tuple[str, str, int]] = {}  # case key -> (path set, first message, brands affected)
    for case, deps, message in cases:
        set_here = [k for k in overrides if any(d == k or d.startswith(f"{k}.") for d in deps)]
        if set_here:
            at = case if case in set_here else set_here[0]
            first = found.get(case, (at, message, 0))
            found[case] = (first[0], first[1], first[2] + 1)
    for case, (at, message, n) in found.items():
        more = f" (and {n - 1} more brand{'s' if n > 2 else ''})" if n > 1 else ""
        name = key or at
        line = line_for(lines, name) if key else line_for(lines, f"{section}.{at}", f"{section}.{case}", section)
        warn_file(file, f"{message}{more}{note}", key=name, line=line)
    return len(found)
