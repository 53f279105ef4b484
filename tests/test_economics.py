"""Economics a user rarely means (a unit cost at or above the price, a coupon or a join incentive worth the
price): every loader warns once, where the value is set, as ``FILE:LINE: key: message``; nothing is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

from sim.builtin import EXPERIMENT_DIR, SCENARIO_DIR
from sim.decide.load import load_calibration, load_optimization
from sim.files.errors import FileWarning
from sim.schemas import check_file
from sim.study.scenario import load_scenario
from sim.sweeps.experiment import load_experiment
from sim.teach.explain import load_explainer

SCENARIO = """\
base:
  population.agents: 300
  brands.0.unit_cost: 60
arms:
  a: {}
  b: {fatigue.tolerance_mean: 8}
  c: {brands.1.price: 25}
"""


def _warnings(load, path: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        load(path)
    return [str(w.message) for w in seen if issubclass(w.category, FileWarning)]


def _write(tmp_path: Path, text: str, name: str = "f.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_base_value_every_arm_inherits_is_warned_once_at_its_line(tmp_path):
    p = _write(tmp_path, SCENARIO)
    got = _warnings(load_scenario, p)
    assert got == [f"{p}:3: brands.0.unit_cost: unit_cost 60 is at or above the price 49 of brand 0 (focal_snacks): "
                   "every order loses money"]


def test_an_arm_that_sets_the_value_is_warned_at_the_arm(tmp_path):
    p = _write(tmp_path, SCENARIO.replace("brands.0.unit_cost: 60", "brands.0.unit_cost: 22").replace(
        "brands.1.price: 25", "brands.1.price: 20"))
    got = _warnings(load_scenario, p)
    assert got == [f"{p}:7: brands.1.price: unit_cost 20 is at or above the price 20 of brand 1 (snacks_01): "
                   "every order loses money"]


@pytest.mark.parametrize("arm, line_key, words", [
    ("{brands.3.strategy: private_harvest, strategies.private_harvest.coupon_value: 40}",
     "strategies.private_harvest.coupon_value", "a coupon of 40 is worth at least the price 29 of brand 3"),
    ("{strategies.hybrid.join_incentive: 100}", "strategies.hybrid.join_incentive",
     "a join incentive of 100 is above the price 59 of brand 2 (snacks_02), which runs hybrid: a member costs more"),
    ("{alliances.groups: [{members: [0, 3], coupon_value: 30}]}", "alliances.groups",
     "a partner coupon of 30 is worth at least the price 29 of member brand 3"),
])
def test_coupons_and_incentives_worth_the_price_are_warned(tmp_path, arm, line_key, words):
    p = _write(tmp_path, f"arms:\n  plain: {{}}\n  odd: {arm}\n")
    got = _warnings(load_scenario, p)
    assert len(got) == 1 and got[0].startswith(f"{p}:3: {line_key}: ") and words in got[0], got


def test_a_strategy_shared_by_several_brands_is_one_warning():
    # hybrid runs brands 2 and 14: one line for the strategy's value, naming the first brand and counting the rest
    from sim.config import default_config, with_overrides
    from sim.files.economics import warn_economics

    cfg = with_overrides(default_config(), {"strategies.hybrid.join_incentive": 500})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        n = warn_economics(cfg, Path("m.yaml"), {"base.strategies.hybrid.join_incentive": 4}, "base",
                           {"strategies.hybrid.join_incentive": 500})
    assert n == 1 and len(seen) == 1 and "(and 1 more brand)" in str(seen[0].message)
    assert str(seen[0].message).startswith("m.yaml:4: strategies.hybrid.join_incentive: ")


def test_an_experiment_warns_at_its_base_arms_and_once_per_parameter(tmp_path):
    p = _write(tmp_path, """\
base: {brands.0.unit_cost: 50}
parameters:
  brands.1.unit_cost: {values: [20, 39, 45]}
arms:
  cheap: {brands.2.price: 20}
""")
    got = _warnings(load_experiment, p)
    assert [g.split(": ")[1] for g in got] == ["brands.0.unit_cost", "parameters.brands.1.unit_cost",
                                               "brands.2.price"], got
    assert got[0].startswith(f"{p}:1: ") and got[1].startswith(f"{p}:3: ") and got[2].startswith(f"{p}:5: ")
    assert got[1].endswith("(value 39)")  # the first value that warns, and only it


def test_an_explainer_warns_at_its_base(tmp_path):
    p = _write(tmp_path, "base: {population.agents: 300, brands.4.unit_cost: 45}\nknobs: {n_brands: [5, 10]}\n")
    got = _warnings(load_explainer, p)
    assert len(got) == 1 and got[0].startswith(f"{p}:1: brands.4.unit_cost: unit_cost 45 is at or above the price 45")


@pytest.mark.parametrize("load, extra", [
    (load_calibration, {"targets": {"cac_public": {"value": 40.0, "sd": 8.0}},
                        "params": {"fatigue.tolerance_mean": {"low": 6, "high": 24}}, "budget_runs": 40}),
    (load_optimization, {"decisions": {"brands.0.strategy": {"choices": ["public_only", "hybrid"]}},
                         "budget_runs": 24, "replications": 2}),
])
def test_decision_files_warn_at_what_the_brand_knows(tmp_path, load, extra):
    doc = {"base": "baseline", "days": 30, "known": {"population.agents": 300, "brands.0.price": 20}, **extra}
    p = _write(tmp_path, yaml.safe_dump(doc, sort_keys=False))
    got = _warnings(load, p)
    line = p.read_text(encoding="utf-8").splitlines().index("  brands.0.price: 20") + 1
    assert got == [f"{p}:{line}: brands.0.price: unit_cost 22 is at or above the price 20 of brand 0 "
                   "(focal_snacks): every order loses money"]


def test_the_default_market_and_every_built_in_file_are_quiet():
    files = [*SCENARIO_DIR.glob("*.yaml"), *EXPERIMENT_DIR.glob("*.yaml"), *(SCENARIO_DIR / "explain").glob("*.yaml")]
    for f in files:  # each loaded as sim check loads it, whatever its kind
        assert _warnings(check_file, f) == [], f


def test_sim_check_prints_the_warning_as_one_line_and_still_passes(tmp_path):
    p = _write(tmp_path, SCENARIO, "s.yaml")
    r = subprocess.run([sys.executable, "-m", "sim.cli", "check", str(p)], capture_output=True, text=True,
                       cwd=tmp_path, env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0 and ": ok — 3 arms" in r.stdout
    err = " ".join(r.stderr.split())  # (the CLI's console wraps at 160 columns)
    assert err.count("warning:") == 1 and "s.yaml:3: brands.0.unit_cost: unit_cost 60" in err, r.stderr
