"""What flips the verdict: one lever at a time, paired on the scenario's seeds, flip points by bisection.

The market below has a known answer. The operator wage is a pure cost to the pool arm (operators are paid
whether or not members buy), so the paired difference hybrid − public_only falls in a straight line as the
wage rises; the reference carries a fixed cost so that the pool arm wins at low wages. The flip point is
then where the line through the two ends of the range crosses zero, and every figure the analysis reports
must be what the one run path gives for the same seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.api import replication_seed
from sim.cli import app
from sim.config import default_config
from sim.study.levers import COMPETITORS, apply_lever, competitors, default_levers

WAGE = "private.modes.assistant.wage_per_day"
TINY = f"""\
name: tiny
base: {{population.agents: 400, run.warmup_days: 20}}
arms:
  public_only: {{brands.0.strategy: public_only, brands.0.fixed_cost_per_day: 500}}
  hybrid: {{brands.0.strategy: hybrid}}
reference: public_only
replications: 2
days: 40
seed: 11
sensitivity:
  arm: hybrid
  steps: 3
  parameters:
    {WAGE}: [0, 800]
    {COMPETITORS}: [3, 12]
"""


def _write(tmp_path, text: str = TINY):
    f = tmp_path / "tiny.yaml"
    f.write_text(text, encoding="utf-8")
    return f


# the tests reading the module's one report run on one worker, so it is built once (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("sensitivity_report")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sens")
    res = CliRunner().invoke(app, ["run", str(_write(tmp)), "--out", str(tmp / "rep"), "--workers", "2",
                                   "--sensitivity"])
    assert res.exit_code == 0, res.output
    return tmp / "rep", pd.read_csv(tmp / "rep" / "sensitivity.csv").set_index("parameter")


def _diff(path: str, value: float, k: int) -> float:
    """hybrid − public_only focal profit on replication k with the lever at value, run by hand."""
    base = default_config()
    base = sim.config.with_overrides(base, {"population.agents": 400, "run.warmup_days": 20})
    warm = apply_lever(base, path, value, 0)
    out = {}
    for arm, ov in (("public_only", {"brands.0.strategy": "public_only", "brands.0.fixed_cost_per_day": 500}),
                    ("hybrid", {"brands.0.strategy": "hybrid"})):
        cfg = apply_lever(sim.config.with_overrides(base, ov), path, value, 0)
        r = sim.run(cfg, seed=replication_seed(11, k), days=40, base_config=warm, keep=("summary",))
        out[arm] = float(r.summary.set_index("brand_id").loc[0, "profit"])
    return out["hybrid"] - out["public_only"]


def test_the_flip_of_a_linear_lever_is_where_its_line_crosses_zero(report):
    _, t = report
    w = t.loc[WAGE]
    assert w["diff_low"] > 0 > w["diff_high"]  # the pool arm wins with free operators and loses at 800 RMB/day
    # the difference is a straight line in the wage: the centre (300) lies on the line through the ends
    line = w["diff_low"] + (w["diff_high"] - w["diff_low"]) * 300 / 800
    assert np.isclose(w["diff_centre"], line, rtol=1e-9)
    zero = 800 * w["diff_low"] / (w["diff_low"] - w["diff_high"])
    assert w["flips"] == 1 and np.isclose(float(w["flip_point"]), zero, rtol=1e-9)
    lo, hi = w["flip_bracket_low"], w["flip_bracket_high"]
    assert lo < zero < hi and np.isclose(hi - lo, 500 / 2**3)  # [centre, high] halved three times
    assert w["values_evaluated"] == 3 + 3  # both ends, the centre and three midpoints


def test_reported_differences_are_what_the_run_path_gives_on_the_same_seeds(report):
    _, t = report
    w = t.loc[WAGE]
    lo, hi = w["flip_bracket_low"], w["flip_bracket_high"]
    for value, column in ((0.0, "diff_low"), (800.0, "diff_high")):
        assert np.isclose(w[column], np.mean([_diff(WAGE, value, k) for k in range(2)]), rtol=1e-9)
    # the bracket's ends are on opposite sides, measured independently
    assert np.mean([_diff(WAGE, lo, k) for k in range(2)]) > 0 > np.mean([_diff(WAGE, hi, k) for k in range(2)])


def test_report_shows_the_tornado_the_table_and_the_flip_in_the_summary(report):
    rep, t = report
    page = (rep / "index.html").read_text(encoding="utf-8")
    assert 'id="tornado"' in page and 'id="sensitivity-table"' in page
    summary = page.split('id="executive-summary"')[1].split("</div>")[0]
    flip = float(t.loc[WAGE, "flip_point"])
    assert "Operator wage" in summary and f"rises above {flip:g}" in summary
    assert "does not flip in range" in page or t.loc[COMPETITORS, "flips"] > 0


def test_defaults_come_from_the_tree_where_the_focal_brand_meets_it():
    cfg = sim.config.with_overrides(default_config(), {"market.focal_brand": 15, "brands.15.strategy": "hybrid"})
    levers = {lv.path: lv for lv in default_levers(cfg, 15)}
    b = cfg.brands[15]
    mode = cfg.strategies["hybrid"].mode
    assert set(levers) == {f"categories.{b.category}.purchase_interval_days",
                           f"platforms.{b.platform}.ad_slots_per_user", "fatigue.tolerance_mean",
                           "private.coupon_response", f"private.modes.{mode}.wage_per_day", COMPETITORS}
    interval = levers[f"categories.{b.category}.purchase_interval_days"]
    assert (interval.low, interval.center, interval.high) == (365, 730, 1460)  # furniture, x0.5 to x2
    assert levers[COMPETITORS].center == 4 and levers[COMPETITORS].integer


def test_competitors_leave_or_join_without_moving_the_others():
    cfg = default_config()
    fewer = apply_lever(cfg, COMPETITORS, 3, 0)
    more = apply_lever(cfg, COMPETITORS, 12, 0)
    assert len(competitors(fewer, 0)) == 3 and len(fewer.brands) == len(cfg.brands)
    assert len(competitors(more, 0)) == 12 and more.brands[:20] == cfg.brands
    r = sim.run(more, seed=1, days=30, base_config=more, keep=("summary",))
    s = r.summary.set_index("brand_id")
    assert (s.loc[20:22, "orders"] > 0).all()  # the copies sell
    r = sim.run(fewer, seed=1, days=30, base_config=fewer, keep=("summary",))
    assert (r.summary.set_index("brand_id").loc[4:9, "orders"] == 0).all()  # those taken out never enter


@pytest.mark.parametrize(("block", "key", "words"), [
    ("  parameters:\n    fatigue.tolerance_mean: [30, 4]\n", "sensitivity.parameters.fatigue.tolerance_mean",
     "low < high"),
    ("  parameters:\n    fatigue.tolerance_means: [4, 30]\n", "sensitivity.parameters.fatigue.tolerance_means",
     "no such setting"),
    ("  parameters:\n    brands.0.strategy: [1, 2]\n", "sensitivity.parameters.brands.0.strategy", "not a number"),
    ("  parameters:\n    fatigue.tolerance_mean: [4, 5000]\n", "sensitivity.parameters.fatigue.tolerance_mean",
     "less than or equal to 1000"),
    ("  arm: hybird\n", "sensitivity.arm", "did you mean 'hybrid'"),
    ("  step: 2\n", "sensitivity.step", "unknown key"),
])
def test_a_bad_block_exits_2_naming_file_key_and_line(tmp_path, block, key, words):
    head = TINY.split("sensitivity:")[0]
    f = _write(tmp_path, head + "sensitivity:\n" + block)
    res = CliRunner().invoke(app, ["run", str(f), "--out", str(tmp_path / "rep"), "--sensitivity"])
    assert res.exit_code == 2, res.output
    line = head.count("\n") + 2 + (1 if "parameters" in block else 0)
    assert f"tiny.yaml:{line}: {key}" in res.output and words in res.output and "Traceback" not in res.output
