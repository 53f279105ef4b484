"""Every file format, hardened: files generated from each format's JSON Schema and then mutated (types,
ranges, signs, brand indices, missing and unknown keys, YAML tags, encodings, shapes, duplicated keys)
either pass ``sim check`` or exit 2 with one ``FILE:LINE: key: message`` line: never a traceback, never
another status. Files that pass are loaded and used as the commands that run them would."""

from __future__ import annotations

import copy
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from typer.testing import CliRunner

from sim.cli import app
from sim.config import ConfigError, with_overrides
from sim.config.decisions import candidate_overrides
from sim.files.errors import FileWarning, UserError
from sim.graph import GraphFileError
from sim.model import apply_knobs
from sim.schemas import KINDS, check_file, schema

runner = CliRunner()

SMALL_MARKET = {"population.agents": 300, "run.warmup_days": 5}
VALID: dict[str, dict[str, Any]] = {  # one small valid file of each kind, the seed every example grows from
    "scenario": {"name": "tiny", "base": dict(SMALL_MARKET),
                 "arms": {"public_only": {"brands.0.strategy": "public_only"},
                          "cultivate": {"brands.0.strategy": "private_cultivate"}},
                 "replications": 2, "days": 10},
    "experiment": {"name": "sweep", "base": dict(SMALL_MARKET),
                   "parameters": {"fatigue.tolerance_mean": {"range": [5, 20]}},
                   "design": {"method": "grid", "levels": 2}, "replications": 1, "days": 10},
    "explain": {"name": "page", "base": dict(SMALL_MARKET), "knobs": {"n_brands": [3, 5]}, "days": 7},
    "calibration": {"base": "baseline", "brand": "focal", "days": 60, "known": dict(SMALL_MARKET),
                    "targets": {"cac_public": {"value": 40.0, "sd": 8.0},
                                "repurchase_rate_365": {"value": 0.4, "sd": 0.1}},
                    "params": {"fatigue.tolerance_mean": {"low": 6, "high": 24},
                               "categories.0.purchase_interval_days": {"low": 7, "high": 40, "scale": "log"}},
                    "budget_runs": 40, "replications": 1, "seed": 1, "quick": {"agents": 800}},
    "optimization": {"base": "baseline", "brand": "focal", "days": 60, "known": dict(SMALL_MARKET),
                     "objective": "profit",
                     "decisions": {"brands.0.strategy": {"choices": ["public_only", "hybrid"]},
                                   "strategies.hybrid.private_share": {"low": 0.0, "high": 1.0}},
                     "budget_runs": 24, "replications": 2, "seed": 1, "quick": {"agents": 800}},
}
MARKET_SECTIONS = {"scenario": ("base", "arms"), "experiment": ("base", "arms"), "explain": ("base",),
                   "calibration": ("known",), "optimization": ("known",)}
ENTRIES_BY_PATH = {"parameters", "params", "decisions"}  # dicts keyed by configuration path
SCHEMAS = {kind: schema(kind) for kind in KINDS}
N = max(4, settings.default.max_examples // 6)  # examples per (format, mutation): 4 in CI, 8 in dev

# ------------------------------------------------------------------------ from the schemas
# hypothesis-jsonschema 0.23 generates scalars and arrays of scalars here, but its object strategy uses a
# Hypothesis internal (many.more) that this Hypothesis no longer has; objects are walked here instead,
# with hypothesis-jsonschema for every leaf. A market section is not drawn whole (17 sections of random
# leaves would almost never be valid, so nearly every example would stop at its first key): it gets one
# to three dotted leaves of the configuration, each drawn from its leaf schema, merged into a valid file.


def _resolve(node: dict, defs: dict) -> dict:
    while "$ref" in node:
        rest = {k: v for k, v in node.items() if k not in ("$ref", "description")}
        node = {**defs[node["$ref"].split("/")[-1]], **rest}
    return node


def _is_scalar(node: dict, defs: dict) -> bool:
    node = _resolve(node, defs)
    if "anyOf" in node or "oneOf" in node:
        return all(_is_scalar(n, defs) for n in node.get("anyOf", node.get("oneOf")))
    if node.get("type") == "object" or "properties" in node:
        return False
    if node.get("type") == "array":
        return _is_scalar(node.get("items", {}), defs) if node.get("items") else True
    return True


def _strategy(node: dict, defs: dict) -> st.SearchStrategy:
    """Values of a schema node (objects walked here, leaves from hypothesis-jsonschema)."""
    node = _resolve(node, defs)
    if _is_scalar(node, defs):
        return from_schema({k: v for k, v in node.items() if k not in ("title", "description", "default")},
                           allow_x00=False)
    if "anyOf" in node or "oneOf" in node:
        return st.one_of([_strategy(n, defs) for n in node.get("anyOf", node.get("oneOf"))])
    if node.get("type") == "array":
        return st.lists(_strategy(node["items"], defs), min_size=node.get("minItems", 0),
                        max_size=min(node.get("maxItems", 3), 3))
    props = node.get("properties", {})
    required = node.get("required", [])
    fixed = st.fixed_dictionaries({k: _strategy(props[k], defs) for k in required},
                                  optional={k: _strategy(v, defs) for k, v in props.items() if k not in required})
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        names = node.get("propertyNames")
        keys = (from_schema({"type": "string", **_resolve(names, defs)}, allow_x00=False) if names
                else st.text(st.characters(codec="utf-8"), min_size=1, max_size=8))
        fixed = st.tuples(fixed, st.dictionaries(keys, _strategy(extra, defs), max_size=2)).map(
            lambda t: {**t[1], **t[0]})
    lo, hi = node.get("minProperties", 0), node.get("maxProperties", 10**6)
    return fixed.filter(lambda d: lo <= len(d) <= hi) if lo or hi < 10**6 else fixed


def _leaves(defs: dict) -> dict[str, dict]:
    """Dotted path -> leaf schema of the configuration (index 0 in lists, an existing key in dicts)."""
    out: dict[str, dict] = {}
    names = {"strategies": "hybrid", "private.modes": "assistant"}

    def walk(node: dict, path: str) -> None:
        node = _resolve(node, defs)
        if "properties" in node:
            for k, v in node["properties"].items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{path}.{names.get(path, 'x')}")
        elif node.get("type") == "array" and not _is_scalar(node, defs):
            out[path] = node  # the whole list, too
            walk(node["items"], f"{path}.0")
        else:
            out[path] = node

    walk(defs["MarketOverrides"], "")
    return out


LEAVES = _leaves(SCHEMAS["scenario"]["$defs"])
NUMBER_LEAVES = sorted(p for p, s in LEAVES.items() if "number" in str(s.get("type")) + str(s.get("anyOf"))
                       or "integer" in str(s.get("type")) + str(s.get("anyOf")))
# sizes a clean run must keep small, and leaves that would make a run long or need files
UNBOUNDED = ("population.agents", "run.", "graph.kind", "graph.path", "market.entrants", "population.agent_views")
SAFE_LEAVES = sorted(p for p in LEAVES if not p.startswith(UNBOUNDED) and not p.startswith("alliances.groups"))


def _overrides(paths: list[str]) -> st.SearchStrategy[dict]:
    """One to three dotted leaves of the configuration with values from their schemas."""
    pair = st.sampled_from(paths).flatmap(lambda p: _strategy(LEAVES[p], SCHEMAS["scenario"]["$defs"]).map(
        lambda v, p=p: (p, v)))
    return st.lists(pair, min_size=1, max_size=3).map(dict)


@st.composite
def documents(draw: Any, kind: str, bounded: bool = False) -> dict:
    """A file of ``kind``: the valid seed with a few top-level keys drawn from the schema merged in."""
    s = SCHEMAS[kind]
    defs, props = s["$defs"], s["properties"]
    doc = copy.deepcopy(VALID[kind])
    # a clean run needs the seed's base scenario and no files: no scenario/base file names, posteriors or folders
    skip = ({"scenario", "out", "posterior"} | ({"base"} if kind in ("calibration", "optimization") else set())
            if bounded else set())
    names = sorted(set(props) - skip)
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        if name in MARKET_SECTIONS[kind] and name != "arms":
            doc[name] = {**doc.get(name, {}), **draw(_overrides(SAFE_LEAVES if bounded else sorted(LEAVES)))}
        elif name == "arms":
            arm = draw(st.text("abcdefgh_", min_size=1, max_size=6))
            doc["arms"] = {**doc.get("arms", {}), arm: draw(_overrides(SAFE_LEAVES if bounded else sorted(LEAVES)))}
        elif name in ENTRIES_BY_PATH:
            entry = props[name]["additionalProperties"]
            path = draw(st.sampled_from(NUMBER_LEAVES if not bounded else
                                        [p for p in NUMBER_LEAVES if p in SAFE_LEAVES]))
            doc[name] = {**doc[name], path: draw(_strategy(entry, defs))}
        else:
            doc[name] = draw(_strategy(props[name], defs))
    return _bound(doc, kind) if bounded else _small_design(doc)


def _small_design(doc: dict) -> dict:
    """Designs small enough to draw in milliseconds (the size limit itself is tested below)."""
    d = doc.get("design")
    if isinstance(d, dict):
        for k, top in (("levels", 4), ("samples", 16)):
            if isinstance(d.get(k), int) and not isinstance(d[k], bool):
                d[k] = min(d[k], top)
    return doc


def _bound(doc: dict, kind: str) -> dict:
    """Run sizes of a clean run: at most 300 agents, 10 days, a 5-day warm-up, 2 replications, small budgets."""
    for sec in MARKET_SECTIONS[kind]:
        if sec == "arms":
            continue
        doc.setdefault(sec, {}).update(SMALL_MARKET)
    doc["days"] = min(doc.get("days", 10), 10) if isinstance(doc.get("days"), int) else 10
    doc["days"] = max(doc["days"], 7) if kind in ("explain", "calibration", "optimization") else doc["days"]
    reps = doc.get("replications")
    if kind != "explain":
        doc["replications"] = min(reps, 2) if isinstance(reps, int) and not isinstance(reps, bool) else 1
    if kind == "calibration":
        doc.update(replications=1, budget_runs=40, population_size=10, check_runs=10)
    if kind == "optimization":
        doc.update(replications=2, budget_runs=24, confirm={"candidates": 1, "replications": 2}, batch=2)
    if kind == "experiment":
        doc["design"] = {**(doc.get("design") or {}), "levels": 2, "samples": 4}
        doc["parameters"] = dict(list(doc["parameters"].items())[:2])
    if kind == "explain":
        doc["knobs"] = {k: v[:2] for k, v in doc["knobs"].items()}
        if "n_brands" in doc["knobs"]:
            doc["knobs"]["n_brands"] = [n for n in doc["knobs"]["n_brands"] if isinstance(n, int) and n <= 5] or [3]
    return doc


# ------------------------------------------------------------------------ mutations


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append(prefix + (k,))
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append(prefix + (i,))
            out += _paths(v, prefix + (i,))
    return out


def _set(doc: Any, path: tuple, value: Any) -> None:
    for p in path[:-1]:
        doc = doc[p]
    doc[path[-1]] = value


def _get(doc: Any, path: tuple) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _dump(doc: Any) -> bytes:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8")


WRONG_TYPES = ["text", "", 1, -1, 2.5, True, False, None, [1, 2], {"a": 1}, [], {}, "1e3", "0x10"]
BAD_NUMBERS = [-1, 0, -0.5, -(10**6), 10**15, 2**63, 1e-300, 1e308, -1e308, 3.5]
BRAND_INDICES = [-1, -5, -20, 20, 99, 10**9]
TAGS = ["!!python/object/apply:os.system ['echo hacked']", "!!python/name:os.system", "!!binary aGVsbG8=",
        "!!set {a, b}", "!custom 3", "!!timestamp 2025-01-01", "!!float 1", "!!str 3", "!!omap [a: 1]",
        "!!python/tuple [1, 2]", "&anchor 1", "*nowhere"]
SHAPES = [b"", b"   \n", b"# only a comment\n", b"- a\n- b\n", b"just a string\n", b"42\n", b"null\n", b"~\n",
          b"[]\n", b"{}\n", b"{a: 1\n", b"a: [1, 2\n", b"\t- x\n", b"a: 1\n  b: 2\n"]
SENTINEL = "SENTINEL_VALUE_XYZ"


def _brand_reference(draw: Any, doc: dict, kind: str) -> None:
    """A negative or missing brand (or category, platform) in a market section, or as the decided brand."""
    v = draw(st.sampled_from(BRAND_INDICES) | st.integers(-(10**6), 10**6))
    refs = [{"market.focal_brand": v}, {"brands.0.category": v}, {"brands.0.platform": v},
            {"alliances.groups": [{"name": "g", "members": [0, v]}]}, {f"brands.{v}.price": 10},
            {"alliances.groups": [{"name": "g", "members": [0, 0, 3]}]}, {"brands.0.strategy": "nope"}]
    if kind in ("calibration", "optimization") and draw(st.booleans()):
        doc["brand"] = v
        return
    sec = draw(st.sampled_from([s for s in MARKET_SECTIONS[kind] if s != "arms"]))
    doc.setdefault(sec, {}).update(draw(st.sampled_from(refs)))


@st.composite
def mutated(draw: Any, kind: str, family: str) -> bytes:
    """The bytes of a file of ``kind`` after one mutation of ``family``."""
    doc = draw(documents(kind))
    paths = _paths(doc)
    if family == "none":
        return _dump(doc)
    if family == "type":
        _set(doc, draw(st.sampled_from(paths)), draw(st.sampled_from(WRONG_TYPES)))
    elif family == "number":
        numeric = [p for p in paths if isinstance(_get(doc, p), int | float) and not isinstance(_get(doc, p), bool)]
        bad = draw(st.sampled_from(BAD_NUMBERS) | st.integers() | st.floats(allow_nan=False, allow_infinity=False))
        if numeric and draw(st.booleans()):
            _set(doc, draw(st.sampled_from(numeric)), bad)
        else:
            sec = draw(st.sampled_from([s for s in MARKET_SECTIONS[kind] if s != "arms"]))
            doc.setdefault(sec, {})[draw(st.sampled_from(NUMBER_LEAVES))] = bad
    elif family == "brand":
        _brand_reference(draw, doc, kind)
    elif family == "missing":
        required = SCHEMAS[kind].get("required", [])
        if required and draw(st.booleans()):
            doc.pop(draw(st.sampled_from(required)))
        else:
            path = draw(st.sampled_from(paths))
            _get(doc, path[:-1]).pop(path[-1])  # (a dict's key or a list's item)
    elif family == "unknown":
        maps = [()] + [p for p in paths if isinstance(_get(doc, p), dict)]
        where = draw(st.sampled_from(maps))
        name = draw(st.sampled_from(["zzz", "dayz", "[/x]", "a.b", "brands.0.pricee", "naem"])
                    | st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=6))
        _get(doc, where)[name] = 1
    elif family == "tag":
        where = draw(st.sampled_from([()] + [p for p in paths if isinstance(_get(doc, p), dict)]))
        _get(doc, where)[draw(st.sampled_from(["evil", "days", "name"]))] = SENTINEL
        text = _dump(doc).decode("utf-8")
        return text.replace(SENTINEL, draw(st.sampled_from(TAGS))).encode("utf-8")
    elif family == "encoding":
        doc["name"] = "café 咖啡"
        text = _dump(doc).decode("utf-8")
        how = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "latin-1", "bom", "nul", "control",
                                    "cp1252"]))
        if how == "bom":
            return b"\xef\xbb\xbf" + text.encode("utf-8")
        if how == "nul":
            return text.encode("utf-8").replace(b"\n", b"\n\x00", 1)
        if how == "control":
            return text.replace("café", "caf\x07").encode("utf-8")
        return text.encode(how, errors="replace")  # (é stays a non-UTF-8 byte in latin-1 and cp1252)
    elif family == "shape":
        return draw(st.sampled_from(SHAPES + [yaml.safe_dump(list(doc.items())).encode(),
                                              yaml.safe_dump(list(doc)).encode()]))
    elif family == "duplicate":
        text = _dump(doc).decode("utf-8")
        key = draw(st.sampled_from(list(doc)))
        return (text + f"{key}: {yaml.safe_dump(doc[key], default_flow_style=True).strip()}\n").encode("utf-8")
    return _dump(doc)


FAMILIES = ("none", "type", "number", "brand", "missing", "unknown", "tag", "encoding", "shape", "duplicate")

# ------------------------------------------------------------------------ the checks

ERROR = re.compile(r"error: (?P<file>[^:\n]+?)(?::(?P<line>\d+))?: (?P<message>.+)")


def _check(tmp: Path, data: bytes, name: str) -> tuple[int, str]:
    """Run ``sim check`` in-process on the bytes as a file; assert the house rules; return (status, line)."""
    folder = tmp / name
    folder.mkdir()
    p = folder / "f.yaml"
    p.write_bytes(data)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        res = runner.invoke(app, ["check", str(p)])
        try:
            check_file(p)
            raised = None
        except (UserError, ConfigError, GraphFileError) as exc:
            raised = exc
    assert res.exception is None or isinstance(res.exception, SystemExit), (data, res.exception)
    assert "Traceback" not in res.output, res.output
    assert res.exit_code in (0, 2), (data, res.exit_code, res.output)
    assert sorted(x.name for x in folder.iterdir()) == ["f.yaml"]  # nothing written
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1, (data, res.output)  # (warnings go to the recorder here, not the output)
    if res.exit_code == 0:
        assert raised is None and lines[0].startswith(f"{p}: ok — "), lines
    else:
        m = ERROR.fullmatch(lines[0])
        assert m, lines[0]
        assert raised is not None and str(raised) in lines[0]  # the loader's error, unchanged
        assert isinstance(raised, UserError | GraphFileError), f"an error without its file: {raised!r}"
        if isinstance(raised, UserError):
            assert raised.file is not None, raised
            if raised.file == str(p) and raised.key:
                assert raised.line is not None, f"a key without its line: {raised}"  # FILE:LINE: key
    for w in seen:
        if issubclass(w.category, FileWarning):
            assert re.fullmatch(rf"{re.escape(str(p))}:\d+: [^:]+: .+", str(w.message)), str(w.message)
    return res.exit_code, lines[0]


def _counter() -> dict[str, int]:
    return {"n": 0}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("kind", KINDS)
def test_generated_and_mutated_files_pass_or_exit_2_with_one_line(kind, family, tmp_path_factory):
    count = _counter()

    @settings(max_examples=N, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(data=mutated(kind, family))
    def run(data: bytes) -> None:
        count["n"] += 1
        _check(tmp_path_factory.mktemp(kind), data, f"{family}{count['n']}")

    run()
    assert count["n"] >= 1


def _use(kind: str, p: Path) -> None:
    """What the command that runs the file does with it before its first run, for every run."""
    from sim.decide.load import load_calibration, load_optimization
    from sim.study.scenario import load_scenario
    from sim.sweeps.experiment import load_experiment
    from sim.teach.explain import load_explainer

    if kind == "scenario":
        sc = load_scenario(p)
        for k in range(sc.replications):
            sc.replication(k)
    elif kind == "experiment":
        e = load_experiment(p)
        for spec in e.runs():
            with_overrides(e.base, {**spec.params, **e.arms[spec.arm]})
    elif kind == "explain":
        _, base, settings_ = load_explainer(p)
        for s in settings_:
            apply_knobs(base, s)
    elif kind == "calibration":
        c = load_calibration(p)
        cfg = c.common.market.config
        mid = {k: (r.low + r.high) / 2 for k, r in c.params.items()}
        with_overrides(cfg, {k: round(v) if c.integer[k] else v for k, v in mid.items()})
    else:
        o = load_optimization(p)
        m = o.common.market
        with_overrides(m.config, candidate_overrides(m.config, m.brand, o.current))


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_that_passes_check_loads_and_resolves_every_run(kind, tmp_path_factory):
    accepted = _counter()

    @settings(max_examples=6, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(doc=documents(kind, bounded=True))
    def run(doc: dict) -> None:
        status, _ = _check(tmp_path_factory.mktemp(kind), _dump(doc), "f")
        if status == 0:
            accepted["n"] += 1
            p = tmp_path_factory.mktemp(kind) / "f.yaml"
            p.write_bytes(_dump(doc))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FileWarning)
                _use(kind, p)

    run()
    assert accepted["n"] >= 1  # the bounded examples are mostly valid: the test is not vacuous


def test_a_generated_scenario_that_passes_check_runs(tmp_path):
    """One bounded scenario example drawn from the schema, run end to end with ``sim run --quick``."""
    found: list[dict] = []

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(doc=documents("scenario", bounded=True))
    def pick(doc: dict) -> None:
        if not found:
            p = tmp_path / "probe.yaml"
            p.write_bytes(_dump(doc))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", FileWarning)
                    check_file(p)
            except UserError:
                return
            if len(doc["base"]) > len(SMALL_MARKET) or len(doc["arms"]) == 3:  # something drawn, not the seed
                found.append(doc)

    pick()
    assert found, "no generated scenario passed check"
    doc = found[0]
    p = tmp_path / "s.yaml"
    p.write_bytes(_dump(doc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FileWarning)
        res = runner.invoke(app, ["run", str(p), "--quick", "--workers", "1", "--out", str(tmp_path / "rep")])
    assert res.exit_code == 0, (doc, res.output, res.exception)
    assert (tmp_path / "rep" / "index.html").exists()
