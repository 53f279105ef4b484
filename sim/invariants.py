"""Invariants checked every day (cheap, always on). A violation raises InvariantError."""

from __future__ import annotations

import numpy as np


class InvariantError(RuntimeError):
    """An invariant failed: names the invariant, the day and the entity."""

    def __init__(self, invariant: str, day: int, entity: str, detail: str = ""):
        self.invariant, self.day, self.entity = invariant, day, entity
        super().__init__(f"invariant {invariant!r} violated on day {day} for {entity}"
                         + (f": {detail}" if detail else ""))


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    """Equal to ``rel`` relative (absolute floor 1e-6 RMB for sums near zero)."""
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-6


def check_finite(day: int, arrays: dict[str, np.ndarray]) -> None:
    """No NaN or inf in state or money.

    A finite sum proves every element finite (cheap); only a non-finite sum, which an
    overflow of large finite values could also give, is followed by the elementwise check.
    """
    for name, arr in arrays.items():
        with np.errstate(over="ignore"):  # an overflowing sum is not an error: the elementwise check decides
            total = arr.sum()
        if not np.isfinite(total):
            bad = np.argwhere(~np.isfinite(arr))
            if bad.size:
                raise InvariantError("finite", day, f"{name}{tuple(int(i) for i in bad[0])}", "NaN or inf")


def check_cap(day: int, name: str, values: np.ndarray, cap: np.ndarray | float, entity_names: list[str] | None = None
              ) -> None:
    over = np.flatnonzero(np.asarray(values) > np.asarray(cap))
    if over.size:
        i = int(over[0])
        ent = entity_names[i] if entity_names else f"index {i}"
        capv = np.broadcast_to(np.asarray(cap), np.shape(values))[i]
        raise InvariantError(name, day, ent, f"{np.asarray(values)[i]} > cap {capv}")
