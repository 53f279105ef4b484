"""Dotted key paths into the tree: validate a plain dict, read and set values by path, list the leaves."""

from __future__ import annotations

import math
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .brands import SimConfig
from .fields import ConfigError, error_loc
from .suggestions import suggest


def _loc_to_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if not str(p).startswith("function-"))


def validate_config(data: dict[str, Any]) -> SimConfig:
    """Validate a plain dict into a SimConfig, raising ConfigError naming the first bad key path."""
    try:
        return SimConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = _loc_to_path(error_loc(err))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            parent = _resolve_node(SimConfig, err["loc"][:-1], data)
            allowed = list(parent.model_fields) if parent is not None else []
            msg = f"unknown key{suggest(str(err['loc'][-1]), allowed)}"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
            # cross-check messages already start with the path
            if ": " in msg and msg.split(": ", 1)[0].count(".") and not path:
                path, msg = msg.split(": ", 1)
        raise ConfigError(path, msg) from None


def _resolve_node(model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> type[BaseModel] | None:
    """The pydantic model class at a location, for 'did you mean' suggestions."""
    cur: Any = model
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            continue
        if isinstance(cur, type) and issubclass(cur, BaseModel):
            field = cur.model_fields.get(str(part))
            if field is None:
                # dict-valued node (strategies.<name>, private.modes.<name>)
                continue
            cur = _inner_model(field.annotation)
        else:
            return None
    return cur if isinstance(cur, type) and issubclass(cur, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if args:
        for a in reversed(args):
            inner = _inner_model(a)
            if inner is not None:
                return inner
    return None


def _index(part: str) -> int | None:
    """A list index written in a dotted path: ASCII digits only (no sign: -1 would count from the end)."""
    return int(part) if part.isascii() and part.isdigit() else None


def get_path(cfg: SimConfig | dict[str, Any], path: str) -> Any:
    """The value at a dotted path (``brands.0.price``); IndexError for a negative or missing index."""
    cur: Any = cfg.model_dump(mode="python") if isinstance(cfg, BaseModel) else cfg
    for part in path.split("."):
        if isinstance(cur, list):
            idx = _index(part)
            if idx is None:
                raise IndexError(f"{path}: {part!r} is not an index (0 or more)")
            cur = cur[idx]
        else:
            cur = cur[part]
    return cur


def _container(walked: list[str]) -> tuple[str, type[BaseModel] | None]:
    """What the node at a path is: ("model", cls), ("dict", value cls), ("list", item cls) or ("value", None)."""
    kind: str = "model"
    cls: Any = SimConfig
    for part in walked:
        if kind in ("dict", "list"):
            kind = "model" if cls is not None else "value"
            continue
        field = cls.model_fields.get(part) if cls is not None else None
        if field is None:
            return "value", None
        ann = field.annotation
        origin = get_origin(ann)
        if origin is dict:
            kind, cls = "dict", _inner_model(get_args(ann)[1])
        elif origin is list:
            kind, cls = "list", _inner_model(get_args(ann)[0])
        else:
            cls = _inner_model(ann)
            kind = "model" if cls is not None else "value"
    return kind, cls


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur: Any = data
    walked: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(walked) or "the configuration"
        if isinstance(cur, list):
            idx = _index(part)
            if idx is None and part.startswith("-") and part[1:].isascii() and part[1:].isdigit():
                # Python would count from the end: brands.-1 is the last brand, not a mistake caught
                raise ConfigError(path, f"an index must be 0 or more, got {part} ({where} is a list)")
            if idx is None:
                raise ConfigError(path, f"{where} is a list: use an index, not {part!r}")
            if idx >= len(cur):
                raise ConfigError(path, f"index {idx} out of range ({len(cur)} items in {where})")
            if last:
                cur[idx] = value
            else:
                cur = cur[idx]
        elif isinstance(cur, dict):
            if part not in cur:
                kind, cls = _container(walked)
                if kind == "model" and cls is not None and part not in cls.model_fields:
                    raise ConfigError(path, f"unknown key {part!r}{suggest(part, list(cls.model_fields))}")
                if not last:  # a new entry of a dict-valued section (strategies, modes)
                    cur[part] = {}
            if last:
                cur[part] = value
            else:
                cur = cur[part]
        else:
            raise ConfigError(path, f"{where} is a value, not a section")
        walked.append(part)


def with_overrides(cfg: SimConfig, overrides: dict[str, Any]) -> SimConfig:
    """A new config with values set by dotted path, validated as a whole.

    >>> c = with_overrides(default_config(), {"brands.0.strategy": "hybrid"})
    >>> c.brands[0].strategy
    'hybrid'
    """
    data = cfg.model_dump(mode="python")
    for path, value in overrides.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(path, f"value must be a finite number, got {value}")
        _set_path(data, path, value)
    return validate_config(data)


def leaf_paths(model: type[BaseModel] = SimConfig, prefix: str = "") -> dict[str, Any]:
    """Documented scalar leaves of a model class: dotted path -> pydantic FieldInfo."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        inner = _inner_model(field.annotation)
        if inner is not None and field.annotation is not None:
            out.update(leaf_paths(inner, path + "."))
        else:
            out[path] = field
    return out
