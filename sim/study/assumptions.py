"""The report's assumptions: the focal brand's figures in each arm, and what each arm changes, in plain
words (the configuration tree's own descriptions of the settings an arm overrides)."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any, get_origin

from ..config import SimConfig, _inner_model
from ..i18n import tr
from .scenario import Scenario


def _strategy(c: SimConfig, b: int):
    return c.strategies[c.brands[b].strategy]


def _pool(c: SimConfig, b: int, value: Callable[[Any], Any]) -> Any:
    s = _strategy(c, b)
    return value(s) if s.run_pool else None  # no pool: the setting does nothing


def marketing_budget(c: SimConfig, b: int) -> float:
    """Brand b's daily marketing budget: its own, or its strategy's."""
    brand = c.brands[b]
    return brand.budget_per_day if brand.budget_per_day is not None else _strategy(c, b).marketing_budget_per_day


# (label key, value of the focal brand b in market c, format)
ROWS: tuple[tuple[str, Callable[[SimConfig, int], Any], str], ...] = (
    ("as_price", lambda c, b: c.brands[b].price, "{:,.2f}"),
    ("as_unit_cost", lambda c, b: c.brands[b].unit_cost, "{:,.2f}"),
    ("as_margin", lambda c, b: 1 - c.brands[b].unit_cost / c.brands[b].price, "{:.0%}"),
    ("as_interval", lambda c, b: c.categories[c.brands[b].category].purchase_interval_days, "{:g}"),
    ("as_budget", marketing_budget, "{:,.0f}"),
    ("as_strategy", lambda c, b: c.brands[b].strategy, "{}"),
    ("as_private_share", lambda c, b: _pool(c, b, lambda s: s.private_share), "{:.0%}"),
    ("as_push", lambda c, b: _pool(c, b, lambda s: s.push_per_day), "{:g}"),
    ("as_content", lambda c, b: _pool(c, b, lambda s: s.content_share), "{:.0%}"),
    ("as_coupon", lambda c, b: _pool(c, b, lambda s: s.coupon_value), "{:g}"),
    ("as_join", lambda c, b: _pool(c, b, lambda s: s.join_incentive), "{:g}"),
)


def describe_path(path: str) -> str:
    """The configuration tree's description of a dotted path (list indices and dict keys skipped)."""
    model: Any = SimConfig
    parts = path.split(".")
    field = None
    i = 0
    while i < len(parts):
        if model is None or parts[i] not in model.model_fields:
            return path
        field = model.model_fields[parts[i]]
        i += 1
        if get_origin(field.annotation) in (list, dict) and i < len(parts):
            i += 1  # the index of a brand, platform, ... or the name of a strategy
        model = _inner_model(field.annotation)
    return (field.description or path) if field is not None else path


def _value(v: Any) -> str:
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "…"


def assumptions_html(sc: Scenario, focal_of: dict[str, int], lang: str) -> list[str]:
    """Two tables: the focal brand's assumptions per arm; what each arm changes from the base market."""
    e = html.escape
    arms = list(sc.arms)
    out = [f"<h2>{e(tr(lang, 'assumptions'))}</h2><table id=\"assumptions-table\"><tr><th></th>"
           + "".join(f"<th>{e(a)}<br><small>{e(sc.arms[a].brands[focal_of[a]].name)}</small></th>" for a in arms)
           + "</tr>"]
    for key, value, fmt in ROWS:
        cells = []
        for a in arms:
            v = value(sc.arms[a], focal_of[a])
            cells.append(f"<td>{e('–' if v is None else fmt.format(v))}</td>")
        out.append(f"<tr><td>{e(tr(lang, key))}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    out.append(f"<h3>{e(tr(lang, 'arm_changes'))}</h3><ul id=\"arm-changes\">")
    for a in arms:
        ov = sc.arm_overrides.get(a, {})
        said = "; ".join(f"{e(describe_path(p))} (<code>{e(p)}</code>) = {e(_value(v))}" for p, v in ov.items())
        out.append(f"<li><b>{e(a)}</b>: {said or e(tr(lang, 'arm_same'))}</li>")
    out.append("</ul>")
    return out
