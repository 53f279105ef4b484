"""A stylized fact's verdict: each measured quantity against its band (:class:`Check`, :func:`Up`, :func:`Down`),
and a fact's result (:class:`FactResult`). Bands are those declared in docs/MODEL.md §1."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..reporting import mean_ci


@dataclass
class Check:
    """One measured quantity against its band.

    A band check passes when the 95% CI lies inside [low, high]. A directional check
    (``direction`` +1 or −1: an increase or a decrease) passes, as docs/MODEL.md §1 says, when
    the CI excludes zero in that direction and the mean effect is at least its declared
    minimum (``low`` for an increase, ``high`` for a decrease).
    """

    quantity: str
    values: list[float]
    low: float = -math.inf
    high: float = math.inf
    direction: int = 0
    equivalence: float = 0.0  # a directional check also passes inside ±equivalence ("no effect")

    @property
    def ci(self) -> tuple[float, float, float]:
        return mean_ci(self.values)

    @property
    def passed(self) -> bool:
        m, lo, hi = self.ci
        if len(self.values) == 1:  # a deterministic or pooled quantity: the value itself
            lo = hi = m
        if math.isnan(lo) or math.isnan(hi):
            return False
        if self.equivalence and -self.equivalence <= lo and hi <= self.equivalence:
            return True
        if self.direction > 0:
            return lo > 0 and m >= self.low
        if self.direction < 0:
            return hi < 0 and m <= self.high
        return self.low <= lo and hi <= self.high

    def band(self) -> str:
        if self.equivalence:
            side = "> 0" if self.direction > 0 else "< 0"
            return f"inside ±{self.equivalence:g}, or CI {side}"
        if self.direction > 0:
            return f"CI > 0, mean ≥ {self.low:g}" if self.low > 0 else "CI > 0"
        if self.direction < 0:
            return f"CI < 0, mean ≤ {self.high:g}" if self.high < 0 else "CI < 0"
        if math.isinf(self.low):
            return f"< {self.high:g}" if not math.isinf(self.high) else "any"
        if math.isinf(self.high):
            return f"> {self.low:g}"
        return f"{self.low:g} – {self.high:g}"


def Up(quantity: str, values: list[float], minimum: float = 0.0) -> Check:
    """A paired difference that must be positive, by at least ``minimum``."""
    return Check(quantity, values, low=minimum, direction=1)


def Down(quantity: str, values: list[float], minimum: float = 0.0) -> Check:
    """A paired difference that must be negative, by at least ``minimum`` (a number ≤ 0)."""
    return Check(quantity, values, high=minimum, direction=-1)


@dataclass
class FactResult:
    fact: str
    title: str
    experiment: str
    checks: list[Check] = field(default_factory=list)
    note: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def rows(self) -> list[dict]:
        if not self.checks:
            return [{"fact": self.fact, "title": self.title, "experiment": self.experiment, "quantity": "–",
                     "mean": math.nan, "ci_low": math.nan, "ci_high": math.nan, "band": "–", "n": 0,
                     "pass": False, "note": self.note}]
        out = []
        for c in self.checks:
            m, lo, hi = c.ci
            out.append({"fact": self.fact, "title": self.title, "experiment": self.experiment,
                        "quantity": c.quantity, "mean": m, "ci_low": lo, "ci_high": hi, "band": c.band(),
                        "n": len(c.values), "pass": c.passed, "note": self.note})
        return out
