"""Scenario files: a base market, named arms (overrides by dotted path), a reference arm.

A scenario file is YAML, read with ``yaml.safe_load`` only (a tag that would build a Python
object is an error). Keys under ``base`` and each arm are configuration paths, written
either dotted (``brands.0.strategy: hybrid``) or nested (``fatigue: {tolerance_mean: 10}``).
Every error names the file, the key path and the line (:class:`UserError`).

Example::

    name: baseline
    question: {en: "...", zh: "..."}
    base: {population.agents: 10000}
    arms:
      public_only: {brands.0.strategy: public_only}
      private_cultivate: {brands.0.strategy: private_cultivate}
    reference: public_only
    replications: 10
    days: 365
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import ConfigError, NoBoolNumbers, SimConfig, default_config, error_loc, get_path, suggest, with_overrides
from .graph import GraphFileError, load_edgelist
from .levers import SensitivitySpec, check_levers
from .posterior import PosteriorDraws, check

SCHEMA_COMMENT = "# yaml-language-server: $schema="


def one_line(text: str) -> str:
    """``text`` with every unprintable character escaped (a key or value from a file may hold a newline, a
    carriage return or U+2028), so that a message stays one line and sends no control codes to a terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class UserError(Exception):
    """A user's mistake: exits with status 2 and a one-line message naming file, key and line."""

    def __init__(self, file: str | os.PathLike | None, message: str, key: str | None = None,
                 line: int | None = None):
        self.file, self.key, self.line, self.message = (str(file) if file else None), key, line, message
        where = self.file or ""
        if line is not None:
            where += f":{line}"
        parts = [p for p in (where, key) if p]
        super().__init__(one_line(": ".join(parts + [message])))


class FileWarning(UserWarning):
    """Something a user rarely means (a unit cost at or above the price, a decision that also moves other
    brands): reported on one line naming file, key and line, like :class:`UserError`, but not refused."""


def warn_file(file: str | os.PathLike | None, message: str, key: str | None = None, line: int | None = None) -> None:
    warnings.warn(FileWarning(str(UserError(file, message, key=key, line=line))), stacklevel=2)


class Outputs(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid")
    daily: bool = Field(True, description="Write each run's daily series as Parquet")
    lang: Literal["en", "zh"] = Field("en", description="Report language")


class Quick(NoBoolNumbers):
    model_config = ConfigDict(extra="forbid")
    agents: int = Field(2000, ge=50, description="Simulated consumers under --quick (scale rises to match)")
    replications: int = Field(3, ge=2, description="Replications under --quick")


class ScenarioFile(NoBoolNumbers):
    """The top level of a scenario file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str | None = Field(None, description="Scenario name (default: the file name)")
    question: dict[Literal["en", "zh"], str] | str = Field("", description="The question the scenario answers")
    base: dict[str, Any] = Field(default_factory=dict, description="Overrides of the default market (dotted or nested)")
    arms: dict[str, dict[str, Any] | None] = Field(..., description="Named arms: overrides of the base market")
    reference: str | None = Field(None, description="The arm others are compared with (default: the first)")
    compare_to: dict[str, str] = Field(default_factory=dict,
                                       description="Arms compared with an arm of their own instead of the reference")
    replications: int = Field(10, ge=1, le=10_000, description="Replications per arm (common random numbers)")
    days: int = Field(365, ge=1, le=36_500, description="Reported days per run")
    seed: int = Field(0, ge=0, description="Base seed: replication k uses SeedSequence([seed, k]) in every arm")
    outputs: Outputs = Field(default_factory=Outputs)
    quick: Quick = Field(default_factory=Quick)
    posterior: PosteriorDraws | None = Field(
        None, description="Market parameters drawn from a calibration (sim calibrate): replication k runs on draw k")
    sensitivity: SensitivitySpec | None = Field(
        None, description="What sim run --sensitivity varies (docs/METRICS.md §6c); default: the plausible ranges")


@dataclass
class Scenario:
    """A validated scenario: the base market and each arm's full configuration."""

    path: Path | None
    name: str
    question: dict[str, str]
    base: SimConfig
    arms: dict[str, SimConfig]
    reference: str
    replications: int
    days: int
    seed: int
    lang: str
    daily: bool
    overrides: dict[str, Any] = field(default_factory=dict)
    quick: bool = False
    compare_to: dict[str, str] = field(default_factory=dict)
    posterior: PosteriorDraws | None = None
    base_overrides: dict[str, Any] = field(default_factory=dict)  # the file's base, as dotted paths
    arm_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # each arm's, as dotted paths
    sensitivity: SensitivitySpec | None = None

    def replication(self, k: int) -> tuple[SimConfig, dict[str, SimConfig]]:
        """The warm-up market and each arm's market of replication k (on posterior draw k, if any)."""
        if self.posterior is None:
            return self.base, self.arms
        fixed = set(self.overrides)
        base = self.posterior.apply(self.base, k, fixed)
        return base, {arm: self.posterior.apply(cfg, k, fixed | set(self.arm_overrides.get(arm, {})))
                      for arm, cfg in self.arms.items()}

    def reference_of(self, arm: str) -> str | None:
        """The arm that ``arm`` is paired with (None for the reference itself)."""
        if arm == self.reference:
            return None
        return self.compare_to.get(arm, self.reference)


# ---------------------------------------------------------------------------- YAML + lines


def _lines(node: yaml.Node, prefix: str = "") -> dict[str, int]:
    """Dotted key path -> 1-based line of the key, for every mapping key in a composed YAML tree."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            path = f"{prefix}{k.value}"
            out[path] = k.start_mark.line + 1
            out.update(_lines(v, path + "."))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            path = f"{prefix}{i}"
            out[path] = v.start_mark.line + 1
            out.update(_lines(v, path + "."))
    return out


def _line_for(lines: dict[str, int], *candidates: str) -> int | None:
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
    return data, _lines(node)


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
        raise UserError(file, msg, key=loc, line=_line_for(lines, loc) or (1 if err["type"] == "missing" else None)
                        ) from None


# ------------------------------------------------------------------------------ flattening


def flatten(overrides: dict[str, Any], template: Any, prefix: str = "") -> dict[str, Any]:
    """Nested and dotted keys to dotted paths; a mapping recurses where the config has a section."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            try:
                target = get_path(template, path)
            except (KeyError, IndexError, ValueError, TypeError):
                target = None
            if isinstance(target, dict):
                out.update(flatten(value, template, path + "."))
                continue
        out[path] = value
    return out


def _apply(cfg: SimConfig, overrides: dict[str, Any], file: Path | None, lines: dict[str, int], section: str
           ) -> SimConfig:
    flat = flatten(overrides, cfg.model_dump(mode="python"))
    for path, value in flat.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise UserError(file, f"value must be a finite number, got {value}", key=path,
                            line=_line_for(lines, f"{section}.{path}"))
    try:
        return with_overrides(cfg, flat)
    except ConfigError as exc:
        raw = [k for k in overrides if exc.path.startswith(str(k).split(".")[0])]
        line = _line_for(lines, f"{section}.{exc.path}", *[f"{section}.{k}" for k in raw], section)
        raise UserError(file, exc.reason, key=exc.path, line=line) from None


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


# ------------------------------------------------------------------------------ memory


def estimate_bytes(cfg: SimConfig) -> int:
    """Peak memory of one run, estimated before allocating (consumer state and day temporaries)."""
    n = cfg.population.agents
    b = len(cfg.brands) + cfg.market.entrants
    per_pair = 4 * 6 + 4 * 9 + 1 * 3  # float32 state, int32 days/groups/orders, int8/bool flags
    per_pair += 4 * 20  # temporaries of the daily update
    edges = n * cfg.graph.mean_degree * 12
    return int(n * b * per_pair + edges + n * 64)


def available_bytes() -> int:
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 8 << 30


# ------------------------------------------------------------------------------ loading


def load_scenario(path: str | os.PathLike, overrides: dict[str, Any] | None = None, quick: bool = False,
                  replications: int | None = None) -> Scenario:
    """Read, validate and resolve a scenario file. Raises :class:`UserError` on any mistake."""
    p = Path(path)
    data, lines = read_yaml(p)
    sections = {"outputs": Outputs, "quick": Quick, "sensitivity": SensitivitySpec}
    sf = validate_file(ScenarioFile, data, p, lines, sections, "name, base, arms, ...")
    if not sf.arms:
        raise UserError(p, "at least one arm is needed", key="arms", line=_line_for(lines, "arms"))
    reference = sf.reference or next(iter(sf.arms))
    if reference not in sf.arms:
        raise UserError(p, f"reference arm {reference!r} is not among the arms{suggest(reference, list(sf.arms))}",
                        key="reference", line=_line_for(lines, "reference"))
    for arm, other in sf.compare_to.items():
        for key, name in ((f"compare_to.{arm}", arm), (f"compare_to.{arm}", other)):
            if name not in sf.arms:
                raise UserError(p, f"{name!r} is not an arm{suggest(name, list(sf.arms))}", key=key,
                                line=_line_for(lines, key))
        if arm == other:
            raise UserError(p, "an arm cannot be compared with itself", key=f"compare_to.{arm}",
                            line=_line_for(lines, f"compare_to.{arm}"))
    from .economics import warn_economics  # (here: it imports this module)

    template = default_config().model_dump(mode="python")
    given = "population.agents" in flatten(sf.base, template)
    base = _agents_from_graph(_resolve_graph_path(_apply(default_config(), sf.base, p, lines, "base"), p), given)
    warn_economics(base, p, lines, "base", flatten(sf.base, template))
    if overrides:
        try:
            base = with_overrides(base, overrides)
        except ConfigError as exc:
            raise UserError(None, exc.reason, key=f"--set {exc.path}") from None
        base = _agents_from_graph(base, given or "population.agents" in overrides)
    reps = replications if replications is not None else sf.replications
    if quick:
        base = quicken(base, sf.quick.agents, p, lines)
        reps = min(reps, sf.quick.replications) if replications is None else reps
    _check_resources(base, p, lines, "base")
    arms = {}
    for name, ov in sf.arms.items():
        arm = _resolve_graph_path(_apply(base, ov or {}, p, lines, f"arms.{name}"), p)
        if arm.graph != base.graph:  # an arm on another edge list: its population, unless given
            arm = _agents_from_graph(arm, given or "population.agents" in flatten(ov or {}, template))
        warn_economics(arm, p, lines, f"arms.{name}", flatten(ov or {}, template))
        if arm.population != base.population or arm.graph != base.graph:
            _check_resources(arm, p, lines, f"arms.{name}")
        arms[name] = arm
    if sf.posterior is not None:
        check_posterior(sf.posterior, base, p, lines)
    if sf.sensitivity is not None:
        _check_sensitivity(sf, arms, p, lines)
    q = sf.question if isinstance(sf.question, dict) else {"en": sf.question}
    return Scenario(path=p, name=sf.name or p.stem, question=dict(q), base=base, arms=arms, reference=reference,
                    replications=reps, days=sf.days, seed=sf.seed, lang=sf.outputs.lang, daily=sf.outputs.daily,
                    overrides=dict(overrides or {}), quick=quick, compare_to=dict(sf.compare_to),
                    posterior=sf.posterior, base_overrides=flatten(sf.base, template),
                    arm_overrides={name: flatten(ov or {}, template) for name, ov in sf.arms.items()},
                    sensitivity=sf.sensitivity)


def _check_sensitivity(sf: ScenarioFile, arms: dict[str, SimConfig], file: Path, lines: dict[str, int]) -> None:
    """The block's arm exists and each lever can be set to both ends of its range in the arms it varies."""
    spec = sf.sensitivity
    if spec.arm is not None and spec.arm not in arms:
        raise UserError(file, f"{spec.arm!r} is not an arm{suggest(spec.arm, list(arms))}", key="sensitivity.arm",
                        line=_line_for(lines, "sensitivity.arm"))
    problem = check_levers(spec, arms)
    if problem is not None:
        path, message = problem
        key = f"sensitivity.parameters.{path}"
        raise UserError(file, message, key=key, line=_line_for(lines, key, "sensitivity"))


def check_posterior(post: PosteriorDraws, base: SimConfig, file: Path, lines: dict[str, int]) -> None:
    """Every posterior draw must make a valid market; the error names the path's line."""
    try:
        check(post, base)
    except ConfigError as exc:
        key = f"posterior.draws.{exc.path}"
        raise UserError(file, exc.reason, key=key, line=_line_for(lines, key, "posterior.draws", "posterior")
                        ) from None


def quicken(cfg: SimConfig, agents: int, file: Path | None = None, lines: dict[str, int] | None = None,
            key: str = "quick.agents") -> SimConfig:
    """Fewer agents, larger scale: the represented market is unchanged (docs/MODEL.md §2.8)."""
    n = cfg.population.agents
    if cfg.graph.kind == "edgelist" or n <= agents:
        return cfg
    try:
        return with_overrides(cfg, {"population.agents": agents,
                                    "population.scale": cfg.population.scale * n / agents})
    except ConfigError as exc:  # e.g. a scale beyond its bound: say which setting of the file leads there
        raise UserError(file, f"--quick with {agents} agents: {exc}", key=key,
                        line=_line_for(lines or {}, key, "quick")) from None


def _resolve_graph_path(cfg: SimConfig, file: Path) -> SimConfig:
    """A relative graph.path is relative to the scenario file (or, failing that, to the working folder)."""
    if cfg.graph.kind != "edgelist" or not cfg.graph.path or Path(cfg.graph.path).is_absolute():
        return cfg
    beside = file.parent / cfg.graph.path
    return with_overrides(cfg, {"graph.path": str(beside.resolve())}) if beside.exists() else cfg


def _edgelist(cfg: SimConfig):
    try:
        return load_edgelist(Path(cfg.graph.path or ""))
    except GraphFileError as exc:
        raise UserError(exc.path, exc.reason, key="graph.path", line=exc.line) from None


def _agents_from_graph(cfg: SimConfig, given: bool) -> SimConfig:
    """With an edge list the file decides the population: population.agents, unless the file gives
    it (then it must agree, see _check_resources), is the edge list's node count."""
    if cfg.graph.kind != "edgelist" or given:
        return cfg
    return with_overrides(cfg, {"population.agents": _edgelist(cfg).n})


def _check_resources(cfg: SimConfig, file: Path, lines: dict[str, int], section: str) -> None:
    if cfg.graph.kind == "edgelist":
        gp = Path(cfg.graph.path or "")
        g = _edgelist(cfg)
        if g.n != cfg.population.agents:
            raise UserError(file, f"the edge list {gp} has {g.n} nodes but population.agents is "
                            f"{cfg.population.agents}", key="population.agents",
                            line=_line_for(lines, f"{section}.population.agents", f"{section}.population", section))
    need = estimate_bytes(cfg)
    have = available_bytes()
    if need > have:
        raise UserError(file, f"a population of {cfg.population.agents:,} agents needs about {need / 2**30:.1f} GiB "
                        f"but {have / 2**30:.1f} GiB is available; lower it or raise population.scale",
                        key="population.agents", line=_line_for(lines, f"{section}.population.agents",
                                                                f"{section}.population", section))
