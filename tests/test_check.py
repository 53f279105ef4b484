"""``sim check`` on every kind of file, and what is never silently reinterpreted: a negative brand index
(Python would count from the end), a repeated alliance member, a dotted path with a negative index, a key
given twice, true/false for a number, a date the calendar cannot place, a knob value read as another."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import app
from sim.files.errors import FileWarning
from sim.schemas import KINDS
from tests.test_formats import SCHEMAS, VALID

runner = CliRunner()


# ------------------------------------------------------------------------ no silent reinterpretation


def _run_check(tmp_path: Path, text: str, name: str = "e.yaml") -> tuple[int, str, Path]:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["check", str(p)])
    assert "Traceback" not in res.output
    return res.exit_code, " ".join(res.output.split()), p


NEGATIVE_MEMBER = """\
name: alliance
base:
  population.agents: 300
  alliances.groups:
    - name: pair
      members: [0, -5]
parameters:
  alliances.groups.0.novelty: {range: [0.0, 0.4]}
"""


def test_a_negative_alliance_member_in_an_experiment_is_refused_at_its_line(tmp_path):
    """The issue's case: [0, -5] ran as brand 15 through Python's negative indexing."""
    status, out, p = _run_check(tmp_path, NEGATIVE_MEMBER)
    assert status == 2
    assert out == f"error: {p}:6: alliances.groups.0.members: brand index -5 must be 0 or more (members are " \
                  "brand indices)"


def test_a_negative_alliance_member_among_swept_values_is_refused(tmp_path):
    text = NEGATIVE_MEMBER.replace("[0, -5]", "[0, 11]").replace(
        "  alliances.groups.0.novelty: {range: [0.0, 0.4]}", "  alliances.groups.0.members: {values: [[0, 11], "
        "[0, -5]]}")
    status, out, p = _run_check(tmp_path, text)
    assert status == 2 and f"{p}:8: parameters.alliances.groups.0.members: brand index -5" in out


@pytest.mark.parametrize("members, words", [("[0, 0, 3]", "brand 0 is listed more than once"),
                                            ("[4, 4]", "brand 4 is listed more than once"),
                                            ("[0, 25]", "brand 25 does not exist"),
                                            ("[0, true]", "a number is needed here, not true/false")])
def test_duplicated_or_missing_alliance_members_are_refused(tmp_path, members, words):
    status, out, p = _run_check(tmp_path, NEGATIVE_MEMBER.replace("[0, -5]", members))
    assert status == 2 and f"{p}:6: alliances.groups.0.members" in out and words in out, out


@pytest.mark.parametrize("kind, text, line, key", [
    ("scenario", "base:\n  population.agents: 300\n  brands.-1.price: 3\narms: {a: {}}\n", 3, "brands.-1.price"),
    ("scenario", "base: {}\narms:\n  a: {brands.-1.strategy: hybrid}\n", 3, "brands.-1.strategy"),
    ("calibration", None, 3, "brands.-1.price"),
    ("optimization", None, 3, "decisions.brands.-1.price"),
])
def test_a_negative_index_in_a_dotted_path_is_refused(tmp_path, kind, text, line, key):
    if kind == "calibration":
        text = yaml.safe_dump({**VALID["calibration"], "known": {"brands.-1.price": 30}}, sort_keys=False,
                              default_flow_style=False)
        line = text.splitlines().index("  brands.-1.price: 30") + 1
    if kind == "optimization":
        doc = copy.deepcopy(VALID["optimization"])
        doc["decisions"] = {"brands.-1.price": {"low": 10, "high": 20}}
        text = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)
        line = text.splitlines().index("  brands.-1.price:") + 1
    status, out, p = _run_check(tmp_path, text)
    assert status == 2 and f"{p}:{line}: {key}:" in out, out


def test_a_negative_index_in_set_is_refused(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(VALID["scenario"]), encoding="utf-8")
    res = runner.invoke(app, ["check", str(p), "--set", "brands.-1.price=3"])
    assert res.exit_code == 2 and "--set brands.-1.price: an index must be 0 or more" in res.output


@pytest.mark.parametrize("text, line, key, words", [
    ("arms: {a: {}}\ndays: 3\ndays: 4\n", 3, "days", "given twice (first on line 2)"),
    ("arms:\n  a: {}\n  a: {brands.0.price: 3}\n", 3, "arms.a", "given twice"),
    ("base: {fatigue.tolerance_mean: true}\narms: {a: {}}\n", 1, "fatigue.tolerance_mean", "not true/false"),
    ("arms: {a: {}}\nreplications: true\n", 2, "replications", "not true/false"),
    ("base: {calendar.holidays.1.month_day: W01-1}\narms: {a: {}}\n", 1, "calendar.holidays.1.month_day", "MM-DD"),
    ("base: {calendar.holidays.1.month_day: 02-29}\narms: {a: {}}\n", 1, "calendar.holidays.1.month_day",
     "not a date of every year"),
])
def test_what_yaml_or_pydantic_would_reinterpret_is_refused(tmp_path, text, line, key, words):
    status, out, p = _run_check(tmp_path, text, "s.yaml")
    assert status == 2 and f"{p}:{line}: {key}:" in out and words in out, out


@pytest.mark.parametrize("edit, key, words", [
    (("n_brands: [3, 5]", "n_brands: [2.7, 5]"), "knobs.n_brands", "whole number"),
    (("n_brands: [3, 5]", "n_brands: [true, 5]"), "knobs.n_brands", "whole number"),
    (("n_brands: [3, 5]", "n_brands: [3, 3]"), "knobs.n_brands", "more than once"),
    (("n_brands: [3, 5]", "n_brands: [3, 100000000]"), "knobs.n_brands", "whole number from 1 to 1000"),
])
def test_explainer_knob_values_are_not_reinterpreted(tmp_path, edit, key, words):
    text = "base: {population.agents: 300}\nknobs:\n  n_brands: [3, 5]\ndays: 7\n".replace(*edit)
    status, out, p = _run_check(tmp_path, text, "x.yaml")
    assert status == 2 and f"{p}:3: {key}:" in out and words in out, out


def test_a_design_too_large_to_draw_is_refused_before_drawing(tmp_path):
    text = ("parameters:\n  fatigue.tolerance_mean: {range: [1, 20]}\n  ads.ctr: {range: [0.001, 0.1]}\n"
            "  wom.rate: {range: [0.0, 0.1]}\ndesign: {method: grid, levels: 1000}\n")
    status, out, p = _run_check(tmp_path, text)
    assert status == 2 and f"{p}:5: design: the design has 1,000,000,000 points" in out, out


def test_repeated_sweep_values_and_decision_options_that_would_be_ignored_are_refused(tmp_path):
    status, out, p = _run_check(tmp_path, "parameters:\n  brands.0.unit_cost: {values: [15, 30, 15]}\n")
    assert status == 2 and f"{p}:2: parameters.brands.0.unit_cost: values: 15 is given more than once" in out
    doc = copy.deepcopy(VALID["optimization"])
    doc["decisions"]["brands.0.strategy"]["integer"] = True
    status, out, p = _run_check(tmp_path, yaml.safe_dump(doc, sort_keys=False), "o.yaml")
    assert status == 2 and "decisions.brands.0.strategy: integer applies to a range" in out, out


# ------------------------------------------------------------------------ sim check, every kind


@pytest.mark.parametrize("kind, words", [
    ("scenario", "ok — 2 arms (public_only, cultivate), reference public_only, 2 replications × 10 days, 300"),
    ("experiment", "ok — experiment sweep: 2 design points (grid) × 1 arm(s) × 1 replications = 2 runs of 10 days"),
    ("explain", "ok — explainer page: n_brands (2) = 2 runs of 7 days, 300 consumers"),
    ("calibration", "ok — calibration of brand 0 on 2 target(s) (cac_public, repurchase_rate_365): 2 parameter(s)"),
    ("optimization", "ok — optimisation of brand 0: maximize profit over 2 decision(s), 24 runs"),
])
def test_check_tells_the_kind_and_describes_the_file(tmp_path, kind, words):
    p = tmp_path / "f.yaml"
    p.write_text(yaml.safe_dump(VALID[kind], sort_keys=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FileWarning)
        res = runner.invoke(app, ["check", str(p)])
    assert res.exit_code == 0 and res.output.strip().startswith(f"{p}: {words}"), res.output


@pytest.mark.parametrize("text, words", [
    ("name: x\nbase: {}\n", "1: cannot tell what kind of file this is: expected one of the keys parameters"),
    ("arms: {a: {}}\ntargets: {}\n", "1: arms: targets makes this a calibration file and arms a scenario file"),
    ("reference: a\n", "1: arms: required key is missing"),  # only a scenario has `reference`: its loader speaks
    ("- a\n", "1: the file must be a mapping of keys, with one of parameters (experiment)"),
])
def test_check_says_which_keys_it_expected(tmp_path, text, words):
    status, out, p = _run_check(tmp_path, text, "f.yaml")
    assert status == 2 and out.startswith(f"error: {p}:{words}"), out


def test_check_finds_built_in_experiments_and_explainers_by_name():
    for name in ("crossover", "competition", "baseline"):
        res = runner.invoke(app, ["check", name])
        assert res.exit_code == 0 and ": ok — " in res.output, res.output


def test_built_in_and_example_files_are_valid_against_their_schemas():
    import jsonschema

    from sim.builtin import EXPERIMENT_DIR, SCENARIO_DIR
    from sim.schemas import detect_kind

    files: dict[str, list] = {kind: [] for kind in KINDS}  # each built-in file under the kind sim check sees
    for f in [*SCENARIO_DIR.glob("*.yaml"), *EXPERIMENT_DIR.glob("*.yaml"), *(SCENARIO_DIR / "explain").glob("*.yaml")]:
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        files[detect_kind(doc, f, {})].append(doc)
    assert files["calibration"] and files["optimization"]  # the worked example's files are among them
    for kind in KINDS:
        validator = jsonschema.Draft202012Validator(SCHEMAS[kind])
        docs = files[kind] + [VALID[kind]]
        for doc in docs:
            errors = [e.message for e in validator.iter_errors(doc)]
            assert not errors, (kind, errors[:3])
    # and the schema refuses what the loaders refuse
    bad = copy.deepcopy(VALID["scenario"])
    bad["base"]["alliances"] = {"groups": [{"members": [0, -5]}]}
    assert list(jsonschema.Draft202012Validator(SCHEMAS["scenario"]).iter_errors(bad))


def test_set_is_for_scenario_files_only(tmp_path):
    p = tmp_path / "e.yaml"
    p.write_text(yaml.safe_dump(VALID["experiment"]), encoding="utf-8")
    res = runner.invoke(app, ["check", str(p), "--set", "fatigue.tolerance_mean=3"])
    assert res.exit_code == 2 and "--set: --set works with scenario files" in " ".join(res.output.split())
