"""How a parameter is declared and checked: :func:`P`, the base node, the true/false-for-a-number guard, limits.

Every config node derives from ``_Node``; every leaf is declared with :func:`P`, which puts the unit,
source, slider range and plausible range in the field's JSON-schema extras.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


class ConfigError(ValueError):
    """An invalid configuration: names the dotted key path and says what is wrong."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


def P(default: Any, desc: str, unit: str = "", *, source: str = "", ui: tuple[float, float, float] | None = None,
      plausible: tuple[float, float] | None = None, **kw: Any) -> Any:
    """A documented parameter: default, one-line description, unit and source; ``ui`` = (min, max, step)
    of its slider in the live app (a teaching range, inside the validated one); ``plausible`` = (low, high)
    factors on the market's value: how far it may plausibly be off, the range ``sim run --sensitivity``
    explores when a scenario names none (docs/METRICS.md §6c)."""
    extra: dict[str, Any] = {"unit": unit}
    if source:
        extra["source"] = source
    if ui is not None:
        extra["ui"] = list(ui)
    if plausible is not None:
        extra["plausible"] = list(plausible)
    return Field(default, description=desc, json_schema_extra=extra, **kw)


def _takes_number(annotation: Any) -> bool:
    """Whether a field of this type reads numbers and not true/false."""
    if get_origin(annotation) is Annotated:
        return _takes_number(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        return any(_takes_number(a) for a in args) and bool not in args and Any not in args
    return annotation in (int, float)


def bool_for_number(annotation: Any, value: Any) -> bool:
    """Whether ``value`` holds true/false where ``annotation`` takes a number.

    pydantic reads true as 1 and false as 0 even in a number field (``tolerance_mean: true`` would run
    with 1.0): a silent reinterpretation of what is almost always a misplaced value.
    """
    if isinstance(value, bool):
        return _takes_number(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return bool_for_number(args[0], value)
    if origin in (Union, types.UnionType):
        return any(bool_for_number(a, value) for a in args)
    if isinstance(value, list | tuple) and origin in (list, tuple) and args:
        items = [a for a in args if a is not Ellipsis]
        per_item = items if origin is tuple and len(items) == len(value) else [items[0]] * len(value)
        return any(bool_for_number(a, v) for a, v in zip(per_item, value, strict=False))
    if isinstance(value, dict) and origin is dict and len(args) == 2:
        return any(bool_for_number(args[1], v) for v in value.values())
    if isinstance(value, dict) and isinstance(annotation, type) and issubclass(annotation, BaseModel) \
            and not issubclass(annotation, NoBoolNumbers):  # (a NoBoolNumbers model checks itself)
        fields = annotation.model_fields
        return any(bool_for_number(fields[k].annotation, v) for k, v in value.items() if k in fields)
    return False


BOOL_NOT_NUMBER = "bool_not_number"


def error_loc(err: dict[str, Any]) -> tuple[Any, ...]:
    """A pydantic error's location, down to the field for a true/false given for a number."""
    loc = tuple(err["loc"])
    return loc + (err["ctx"]["field"],) if err["type"] == BOOL_NOT_NUMBER else loc


def _mentions_number(annotation: Any) -> bool:
    """Whether a bool could hide anywhere in a value of this type (a number, or a container of numbers)."""
    if _takes_number(annotation):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return not issubclass(annotation, NoBoolNumbers)
    return any(_mentions_number(a) for a in get_args(annotation) if a is not Ellipsis and not isinstance(a, str))


class NoBoolNumbers(BaseModel):
    """A model whose number fields refuse true/false (see :func:`bool_for_number`)."""

    @model_validator(mode="before")
    @classmethod
    def _no_bool_numbers(cls, data: Any) -> Any:
        # one pass over the input per node, over the fields that hold numbers (a validator per field made
        # validating the whole tree ten times slower)
        if isinstance(data, dict):
            numeric = cls.__dict__.get("_numeric_fields")
            if numeric is None:  # field -> (its type, whether it is a plain number), cached per class
                numeric = {k: (f.annotation, _takes_number(f.annotation)) for k, f in cls.model_fields.items()
                           if _mentions_number(f.annotation)}
                cls._numeric_fields = numeric  # type: ignore[attr-defined]
            for k, (ann, plain) in numeric.items():
                v = data.get(k)
                if (v.__class__ is bool and plain) or (isinstance(v, list | tuple | dict) and bool_for_number(ann, v)):
                    # (a custom error type, so that the error's location can name the field, not its node)
                    raise PydanticCustomError(BOOL_NOT_NUMBER, "a number is needed here, not true/false",
                                              {"field": k})
        return data


class _Node(NoBoolNumbers):
    """Base of every config node: unknown keys are errors, NaN and inf and true/false for numbers are rejected."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


# Bounds on money and head counts: far beyond any real order, day or market, and far enough from float
# overflow that a slip (a price of 1e308) is an error and not an inf in the ledger.
MONEY_MAX = 1e9  # RMB: an order, a day's budget or cost, a coupon
CASH_MAX = 1e12  # RMB: a brand's cash
PEOPLE_MAX = 1e12  # people: caps and capacities
