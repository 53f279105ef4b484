"""Reading a user's YAML file: safely (``yaml.safe_load`` only), each key's line kept, the top level
validated against the file's model with the first error naming the key and its line; ``--set`` values."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..config import error_loc, suggest
from .errors import UserError


def key_lines(node: yaml.Node, prefix: str = "") -> dict[str, int]:
    """Dotted key path -> 1-based line of the key, for every mapping key in a composed YAML tree."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            path = f"{prefix}{k.value}"
            out[path] = k.start_mark.line + 1
            out.update(key_lines(v, path + "."))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            path = f"{prefix}{i}"
            out[path] = v.start_mark.line + 1
            out.update(key_lines(v, path + "."))
    return out


def line_for(lines: dict[str, int], *candidates: str) -> int | None:
    """The line of the longest known prefix of any candidate path."""
    best: tuple[int, int] | None = None
    for cand in candidates:
        parts = cand.split(".")
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in lines:
                if best is None or n > best[0]:
                    best = (n, lines[key])
                break
    return best[1] if best else None


def _first_duplicate(node: yaml.Node, prefix: str = "") -> tuple[str, int, int] | None:
    """(dotted key, its line, the line where it first appears) of the first key given twice in a mapping."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[tuple[str, str], int] = {}
        for k, v in node.value:
            if k.tag == "tag:yaml.org,2002:merge":  # `<<: *base` merges by design; later keys win there
                continue
            here = k.start_mark.line + 1
            ident = (k.tag, str(k.value))
            if ident in seen:
                return f"{prefix}{k.value}", here, seen[ident]
            seen[ident] = here
            found = _first_duplicate(v, f"{prefix}{k.value}.")
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            found = _first_duplicate(v, f"{prefix}{i}.")
            if found:
                return found
    return None


def read_yaml(path: Path) -> tuple[Any, dict[str, int]]:
    """Parse a YAML file safely; returns (data, key-path -> line).

    The file must be UTF-8 (a byte-order mark is allowed) and give each key once: YAML would keep the
    last of two equal keys without a word.
    """
    if not path.is_file():
        raise UserError(path, "file not found")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(path, f"cannot read the file ({exc.strerror or exc.__class__.__name__})") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(path, "the file is UTF-16 text: save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(path, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}): save it as UTF-8",
                        line=raw[:exc.start].count(b"\n") + 1) from None
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "constructor for the tag" in str(problem):
            problem = f"{problem} (only plain YAML is allowed: tags that build objects are refused)"
        raise UserError(path, f"malformed YAML: {problem}", line=mark.line + 1 if mark else None) from None
    except RecursionError:  # (a deeply nested file)
        raise UserError(path, "malformed YAML: nested too deeply") from None
    if node is None:
        return data, {}
    dup = _first_duplicate(node)
    if dup:
        raise UserError(path, f"the key is given twice (first on line {dup[2]}): give each key once", key=dup[0],
                        line=dup[1])
    return data, key_lines(node)


M = TypeVar("M", bound=BaseModel)


def validate_file(model: type[M], data: Any, file: Path, lines: dict[str, int],
                  sections: dict[str, type[BaseModel]], keys_hint: str) -> M:
    """Validate a parsed file against its top-level model; the first error names the key and its line.

    ``sections`` maps a top-level key to its model, for suggesting a misspelt key inside it.
    """
    if not isinstance(data, dict):
        raise UserError(file, f"the file must be a mapping of keys ({keys_hint})", line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc_t = tuple(str(x) for x in error_loc(err) if x != "[key]")
        loc = ".".join(loc_t)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            parent = model if len(loc_t) == 1 else sections.get(loc_t[0], model)
            msg = f"unknown key{suggest(loc_t[-1], list(parent.model_fields))}"
        elif err["type"] == "missing":
            msg = "required key is missing"
        raise UserError(file, msg, key=loc, line=line_for(lines, loc) or (1 if err["type"] == "missing" else None)
                        ) from None


def parse_set(items: list[str]) -> dict[str, Any]:
    """``--set key.path=value`` items; values are parsed as YAML scalars (safe_load)."""
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise UserError(None, f"--set expects key.path=value, got {item!r}", key="--set")
        key, raw = item.split("=", 1)
        try:
            out[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            raise UserError(None, f"cannot parse the value {raw!r}", key=key) from None
    return out
