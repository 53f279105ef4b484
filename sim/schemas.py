"""The five file formats: their JSON Schemas, how to tell them apart, and checking one without running it.

Formats (``sim schema --kind KIND`` prints each schema; ``schema/KIND.schema.json`` is the committed copy):

* ``scenario``: arms over a base market (``sim run``), :mod:`sim.study.scenario`;
* ``experiment``: a parameter sweep (``sim sweep``), :mod:`sim.sweeps.experiment`;
* ``explain``: a classroom page over one or two knobs (``sim explain``), :mod:`sim.teach.explain`;
* ``calibration`` and ``optimization``: a brand's figures and decisions, :mod:`sim.decide.files`.

Every configuration section of a file (``base``, arms, ``known``) takes the market's configuration tree,
nested or as dotted keys: the schemas share one ``MarketOverrides`` definition built from
:class:`~sim.config.SimConfig`. Imports of the formats' modules are deferred so that the CLI starts fast.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .builtin import SCHEMA_DIR
from .files.errors import UserError, one_line
from .files.reading import line_for, read_yaml

KINDS = ("scenario", "experiment", "explain", "calibration", "optimization")
DOTTED = r"^[A-Za-z_]+(\.[A-Za-z0-9_]+)+$"  # a dotted configuration path (no sign: indices are 0 or more)
MARKERS = {"parameters": "experiment", "knobs": "explain", "targets": "calibration", "decisions": "optimization",
           "arms": "scenario"}  # the key that tells each kind; parameters first (an experiment may have arms)
NAMES = {"scenario": "scenario", "experiment": "experiment", "explain": "explainer", "calibration": "calibration",
         "optimization": "optimisation"}


def schema_path(kind: str) -> Path:
    """Where the committed schema of a kind lives."""
    return SCHEMA_DIR / f"{kind}.schema.json"


# --------------------------------------------------------------------------- schemas


def _partial(node: object) -> None:
    """Drop every ``required``: an override section names only what it changes."""
    if isinstance(node, dict):
        node.pop("required", None)
        for v in node.values():
            _partial(v)
    elif isinstance(node, list):
        for v in node:
            _partial(v)


def _file_schema(model: Any, title: str, overrides: tuple[str, ...] = (), arms: int | None = None) -> dict:
    """A file model's schema whose ``overrides`` properties (and ``arms``, with at least ``arms`` entries)
    take the configuration tree."""
    from .config import SimConfig

    top = model.model_json_schema()
    cfg = SimConfig.model_json_schema()
    defs = dict(top.pop("$defs", {}))
    cfg_defs = cfg.pop("$defs", {})
    _partial(cfg_defs)  # (the config's only: a file's own sections keep their required keys)
    _partial(cfg)
    clash = set(defs) & (set(cfg_defs) | {"MarketOverrides"})
    if clash:
        raise RuntimeError(f"schema definitions named twice: {sorted(clash)}")
    defs.update(cfg_defs)
    cfg["title"] = "Overrides of the market configuration"
    cfg["patternProperties"] = {DOTTED: {"description": "a dotted configuration path"}}
    defs["MarketOverrides"] = cfg
    props = top["properties"]
    for name in overrides:
        props[name] = {"$ref": "#/$defs/MarketOverrides", "description": props[name].get("description", "")}
    if arms is not None:
        props["arms"] = {"type": "object", "minProperties": arms, "description": props["arms"].get("description", ""),
                         "additionalProperties": {"anyOf": [{"$ref": "#/$defs/MarketOverrides"}, {"type": "null"}]}}
    top["$defs"] = defs
    top["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    top["title"] = f"traffic-sim {title}"
    return top


def scenario_schema() -> dict:
    """The scenario file's schema; ``base`` and arms accept the configuration tree (nested or dotted keys)."""
    from .study.scenario import ScenarioFile

    return _file_schema(ScenarioFile, "scenario", ("base",), arms=1)


def experiment_schema() -> dict:
    """The experiment file's schema: parameters by dotted path, metrics by name."""
    from .metrics import BRAND_METRICS, SUMMARY_METRICS
    from .study.kpis import KPIS
    from .sweeps.experiment import ExperimentFile

    s = _file_schema(ExperimentFile, "experiment", ("base",), arms=0)
    s["properties"]["parameters"].update(propertyNames={"pattern": DOTTED}, minProperties=1)
    metrics = s["$defs"]["Metrics"]["properties"]
    metrics["summary"]["items"] = {"enum": list(dict.fromkeys(list(SUMMARY_METRICS) + KPIS))}
    metrics["daily"]["items"] = {"enum": list(BRAND_METRICS)}
    return s


KNOB_FIELDS = {  # knob -> (definition, field) whose values it takes
    "private_share": ("MarketConfig", "private_share"), "tolerance_cap": ("FatigueConfig", "tolerance_mean"),
    "push_frequency": ("StrategyConfig", "push_per_day"), "content_share": ("StrategyConfig", "content_share"),
    "alliance": ("AllianceSettings", "enabled"), "reserve_cpm": ("PlatformConfig", "reserve_cpm"),
    "invalid_traffic_share": ("PlatformConfig", "invalid_traffic_share"), "focal_strategy": ("BrandConfig", "strategy"),
}


def explain_schema() -> dict:
    """The explainer file's schema: one or two knobs, each with 1 to 12 distinct values of the knob's type."""
    from .model import KNOBS
    from .teach.explain import MAX_BRANDS, ExplainFile

    s = _file_schema(ExplainFile, "explainer", ("base",))
    defs = s["$defs"]
    knobs = [k for k in KNOBS if k not in ("n_consumers", "warmup_days")]
    items: dict[str, Any] = {}
    for k in knobs:
        if k == "n_brands":
            items[k] = {"type": "integer", "minimum": 1, "maximum": MAX_BRANDS}
        elif k in KNOB_FIELDS:
            d, f = KNOB_FIELDS[k]
            items[k] = {key: v for key, v in copy.deepcopy(defs[d]["properties"][f]).items()
                        if key not in ("default", "title")}
        else:  # a knob added to sim.KNOBS without a schema here: any value (the loader still checks)
            items[k] = {}
    s["properties"]["knobs"].update(
        propertyNames={"enum": knobs}, minProperties=1, maxProperties=2, additionalProperties=False,
        properties={k: {"type": "array", "minItems": 1, "maxItems": 12, "uniqueItems": True, "items": v}
                    for k, v in items.items()})
    return s


def _decision_schema(model: Any, title: str) -> dict:
    from .metrics import SUMMARY_METRICS

    s = _file_schema(model, title, ("known",))
    s["properties"]["brand"]["anyOf"] = [{"const": "focal", "type": "string"}, {"type": "integer", "minimum": 0}]
    s["$defs"]["_metrics"] = {"enum": list(SUMMARY_METRICS)}
    return s


def calibration_schema() -> dict:
    """The calibration file's schema: targets by summary metric, priors by dotted path."""
    from .decide.files import CalibrationFile

    s = _decision_schema(CalibrationFile, "calibration")
    s["properties"]["targets"].update(propertyNames={"$ref": "#/$defs/_metrics"}, minProperties=1)
    s["properties"]["params"].update(propertyNames={"pattern": DOTTED}, minProperties=1)
    return s


def optimization_schema() -> dict:
    """The optimisation file's schema: decisions by dotted path (``strategy.FIELD``: the brand's own)."""
    from .decide.files import OptimizationFile

    s = _decision_schema(OptimizationFile, "optimisation")
    s["properties"]["decisions"].update(propertyNames={"pattern": DOTTED}, minProperties=1)
    s["properties"]["objective"]["anyOf"][0] = {"$ref": "#/$defs/_metrics"}
    s["$defs"]["Objective"]["properties"]["metric"]["$ref"] = "#/$defs/_metrics"
    return s


SCHEMAS: dict[str, Callable[[], dict]] = {
    "scenario": scenario_schema, "experiment": experiment_schema, "explain": explain_schema,
    "calibration": calibration_schema, "optimization": optimization_schema,
}


def schema(kind: str) -> dict:
    """The JSON Schema of a kind of file (one of :data:`KINDS`)."""
    return SCHEMAS[kind]()


def schema_text(kind: str) -> str:
    """The schema of a kind of file as the committed files hold it (indented JSON); a UserError for an
    unknown kind."""
    if kind not in KINDS:
        raise UserError(None, f"unknown kind {kind!r} (one of {', '.join(KINDS)})", key="--kind")
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- telling kinds apart


def _top_keys() -> dict[str, set[str]]:
    from .decide.files import CalibrationFile, OptimizationFile
    from .study.scenario import ScenarioFile
    from .sweeps.experiment import ExperimentFile
    from .teach.explain import ExplainFile

    return {"scenario": set(ScenarioFile.model_fields), "experiment": set(ExperimentFile.model_fields),
            "explain": set(ExplainFile.model_fields), "calibration": set(CalibrationFile.model_fields),
            "optimization": set(OptimizationFile.model_fields)}


def detect_kind(data: Any, file: Path, lines: dict[str, int]) -> str:
    """The kind of a parsed file, from its top-level keys (:data:`MARKERS`); a UserError if none or two."""
    expected = ", ".join(f"{key} ({NAMES[kind]})" for key, kind in MARKERS.items())
    if not isinstance(data, dict):
        raise UserError(file, f"the file must be a mapping of keys, with one of {expected}", line=1)
    if "parameters" in data:
        return "experiment"
    found = [key for key in MARKERS if key in data]
    if len(found) > 1:
        a, b = found[:2]
        raise UserError(file, f"{a} makes this a {NAMES[MARKERS[a]]} file and {b} a {NAMES[MARKERS[b]]} file: "
                        "a file is one kind", key=b, line=line_for(lines, b))
    if found:
        return MARKERS[found[0]]
    # no marker: a file whose keys only one kind has (a scenario that forgot its arms) is that kind, so that
    # its loader says what is missing
    fits = [kind for kind, keys in _top_keys().items() if set(map(str, data)) <= keys]
    if len(fits) == 1:
        return fits[0]
    raise UserError(file, f"cannot tell what kind of file this is: expected one of the keys {expected}", line=1)


# --------------------------------------------------------------------------- checking


def _scenario(p: Path, overrides: dict[str, Any]) -> str:
    from .study.scenario import load_scenario

    sc = load_scenario(p, overrides=overrides)
    return (f"{sc.path}: ok — {len(sc.arms)} arms ({', '.join(sc.arms)}), reference {sc.reference}, "
            f"{sc.replications} replications × {sc.days} days, {sc.base.population.agents:,} consumers")


def _experiment(p: Path, overrides: dict[str, Any]) -> str:
    from .sweeps.experiment import load_experiment

    e = load_experiment(p)
    n = len(e.points) * len(e.arms) * e.replications
    return (f"{p}: ok — experiment {e.name}: {len(e.points):,} design points ({e.design.method}) × {len(e.arms)} "
            f"arm(s) × {e.replications} replications = {n:,} runs of {e.days} days, "
            f"{e.base.population.agents:,} consumers")


def _explain(p: Path, overrides: dict[str, Any]) -> str:
    from .teach.explain import load_explainer

    ef, base, settings = load_explainer(p)
    knobs = " × ".join(f"{k} ({len(v)})" for k, v in ef.knobs.items())
    return (f"{p}: ok — explainer {ef.name or p.stem}: {knobs} = {len(settings)} runs of {ef.days} days, "
            f"{base.population.agents:,} consumers")


def _calibration(p: Path, overrides: dict[str, Any]) -> str:
    from .decide.load import load_calibration

    c = load_calibration(p)
    m = c.common
    return (f"{p}: ok — calibration of brand {m.market.brand} on {len(c.targets)} target(s) "
            f"({', '.join(c.targets)}): {len(c.params)} parameter(s), {m.budget_runs:,} runs of {m.days} days")


def _optimization(p: Path, overrides: dict[str, Any]) -> str:
    from .decide.load import load_optimization

    o = load_optimization(p)
    m = o.common
    return (f"{p}: ok — optimisation of brand {m.market.brand}: {o.objective.direction} {o.objective.metric} "
            f"over {len(o.decisions)} decision(s), {m.budget_runs:,} runs ({o.trials} candidates × "
            f"{m.replications} replication(s)) of {m.days} days")


CHECKS: dict[str, Callable[[Path, dict[str, Any]], str]] = {
    "scenario": _scenario, "experiment": _experiment, "explain": _explain, "calibration": _calibration,
    "optimization": _optimization,
}


def check_file(path: Path, overrides: dict[str, Any] | None = None) -> tuple[str, str]:
    """Validate a file of any kind as the command that runs it would; returns (kind, one ``ok`` line).

    Raises :class:`~sim.files.UserError` (or ConfigError, GraphFileError) on the first mistake.
    """
    data, lines = read_yaml(path)
    kind = detect_kind(data, path, lines)
    if overrides and kind != "scenario":
        raise UserError(None, f"--set works with scenario files; {path} is a {NAMES[kind]} file", key="--set")
    return kind, one_line(CHECKS[kind](path, dict(overrides or {})))
