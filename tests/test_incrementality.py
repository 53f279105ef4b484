"""Channel truth: each channel of the focal brand switched off on the same seeds, paired with the arm.

The counterfactuals must switch off exactly one channel (and keep the rest of the budget where it was),
the paired figures must be what the one run path gives for the same seeds, and sim run --incrementality
must put the table in the report and truth.json beside the exports."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.api import replication_seed
from sim.choice import CHANNELS
from sim.cli import app
from sim.config import SimConfig, with_overrides
from sim.study.incrementality import SEP, channel_off, channel_truth, counterfactual_jobs, truth_frame
from sim.study.runs import run_jobs
from sim.study.scenario import load_scenario

TINY = """\
name: tiny
base: {population.agents: 400, run.warmup_days: 20}
arms:
  public_only: {brands.0.strategy: public_only}
  hybrid: {brands.0.strategy: hybrid}
replications: 2
days: 40
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    f = tmp_path_factory.mktemp("inc") / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    sc = load_scenario(f)
    everything = run_jobs(counterfactual_jobs(sc), workers=2)  # what run_with_counterfactuals runs
    return sc, everything, channel_truth(sc, everything)


def test_each_counterfactual_switches_one_channel_off_and_keeps_the_other_budget(tiny):
    sc, results, _ = tiny
    hybrid = sc.arms["hybrid"]
    s = hybrid.strategies["hybrid"]
    budget = hybrid.brands[0].budget_per_day or s.marketing_budget_per_day
    no_paid = with_overrides(hybrid, channel_off(hybrid, 0, "paid"))
    no_pool = with_overrides(hybrid, channel_off(hybrid, 0, "private"))
    own = no_paid.strategies[no_paid.brands[0].strategy]
    assert own.private_share == 1.0 and np.isclose(no_paid.brands[0].budget_per_day, budget * s.private_share)
    own = no_pool.strategies[no_pool.brands[0].strategy]
    assert not own.run_pool and np.isclose(no_pool.brands[0].budget_per_day, budget * (1 - s.private_share))
    assert no_paid.strategies["hybrid"] == s  # competitors on the hybrid preset keep it
    assert channel_off(sc.arms["public_only"], 0, "private") is None  # no pool to switch off
    assert channel_off(hybrid, 0, "alliance") is None  # in no alliance
    for label, check in ((f"hybrid{SEP}paid", "ad_spend"), (f"hybrid{SEP}private", "pool_members")):
        for r in results.get(label, []) or pytest.fail(label):
            d = r.daily[(r.daily["entity_type"] == "brand") & (r.daily["brand_id"] == 0)]
            assert d[check].sum() == 0, (label, check)


def _contribution(cfg: SimConfig, base: SimConfig, sc, k: int) -> float:
    r = sim.run(cfg, seed=replication_seed(sc.seed, k), days=sc.days, base_config=base, keep=("summary",))
    return float(r.summary.set_index("brand_id").loc[0, "contribution"])


def _attributed(cfg: SimConfig, base: SimConfig, sc, k: int, channel: str) -> float:
    """From the order log itself: the contribution of brand 0's orders last-touched by the channel."""
    r = sim.run(cfg, seed=replication_seed(sc.seed, k), days=sc.days, base_config=base, keep=("orders",))
    o = r.orders
    code = CHANNELS.index(channel)
    return float(o.loc[(o["brand"] == 0) & (o["channel"] == code), "contribution"].sum() * cfg.population.scale)


def test_paired_figures_are_what_the_run_path_gives_on_the_same_seeds(tiny):
    sc, _, truths = tiny
    t = truth_frame(truths).set_index(["arm", "channel"])
    assert sorted(t.index) == [("hybrid", "paid"), ("hybrid", "private"), ("public_only", "paid")]
    base = sc.base
    for arm, channel in t.index:
        arm_cfg = sc.arms[arm]
        off = with_overrides(arm_cfg, channel_off(arm_cfg, 0, channel))
        diffs = []
        for k in range(sc.replications):
            diffs.append(_contribution(arm_cfg, base, sc, k) - _contribution(off, base, sc, k))
        assert np.isclose(t.loc[(arm, channel), "incremental_contribution"], np.mean(diffs), rtol=1e-9)
        attributed = [_attributed(arm_cfg, base, sc, k, channel) for k in range(sc.replications)]
        assert np.isclose(t.loc[(arm, channel), "attributed_contribution"], np.mean(attributed), rtol=1e-9)
    assert (t["incremental_contribution"] > 0).all()  # ads and the pool each earn something here


def test_sim_run_incrementality_reports_the_table_and_writes_the_truth(tmp_path):
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    n_jobs = len(counterfactual_jobs(load_scenario(f)))
    assert n_jobs == 2 * (2 + 3)  # two arms and three counterfactuals, twice
    res = CliRunner().invoke(app, ["run", str(f), "--out", str(tmp_path / "rep"), "--workers", "2", "--lang", "zh",
                                   "--incrementality", "--export"])
    assert res.exit_code == 0, res.output
    rep = tmp_path / "rep"
    csv = pd.read_csv(rep / "incrementality.csv")
    truth = json.loads((rep / "export" / "truth.json").read_text(encoding="utf-8"))
    assert len(truth) == len(csv) == 3 and {r["channel"] for r in truth} == {"paid", "private"}
    page = (rep / "index.html").read_text(encoding="utf-8")
    assert 'id="channel-truth"' in page and "增量贡献" in page
    assert not (rep / "export" / f"hybrid{SEP}paid").exists()  # counterfactuals are not exported as arms
