"""The ledger balances and the invariants catch violations."""

import numpy as np
import pytest

import sim
from sim.invariants import InvariantError, check_finite
from tests.conftest import small_config


def test_every_day_balances_and_identities_hold(small_run):
    led = small_run.ledger
    assert len(led) > 0
    for _, day in led.groupby("day"):
        inflow = day.groupby("payee")["amount"].sum()
        outflow = day.groupby("payer")["amount"].sum()
        net = inflow.sub(outflow, fill_value=0)
        assert abs(net.sum()) <= 1e-9 * day["amount"].abs().sum()
    d = small_run.daily
    b = d[d["entity_type"] == "brand"]
    # consumer spend = brand revenue
    spend = led.loc[(led["line"] == "revenue") & (led["payer"] == "consumers"), "amount"].sum()
    assert spend == pytest.approx(b["revenue"].sum(), rel=1e-9)
    # platform revenue = ad spend + commission
    p = d[d["entity_type"] == "platform"]
    assert p["platform_revenue"].sum() == pytest.approx(b["ad_spend"].sum() + b["costs_commission"].sum(), rel=1e-9)
    # each brand's profit = revenue + fee income - every cost line
    cost_cols = [c for c in b.columns if c.startswith("costs_")]
    recomputed = b["revenue"] + b["alliance_fee_income"] - b[cost_cols].sum(axis=1)
    assert np.allclose(recomputed, b["profit"], rtol=1e-9, atol=1e-6)


def test_cash_follows_profit(small_run):
    b = small_run.brand(0)
    assert np.allclose(np.diff(b["cash"].to_numpy()), b["profit"].to_numpy()[1:], rtol=1e-9, atol=1e-6)


def test_a_broken_ledger_is_caught_naming_the_invariant():
    m = sim.TrafficModel(config=small_config(agents=500, warmup=0), seed=1)
    orig = m.ledger.day_rows

    def leaky(day, flows, plat, fees):
        flows = dict(flows)
        flows["cogs"] = flows["cogs"] * 0.5  # half the cost of goods vanishes
        return orig(day, flows, plat, fees)

    m.ledger.day_rows = leaky
    with pytest.raises(InvariantError) as e:
        m.step()
    assert "profit = revenue - costs" in str(e.value) and "day 1" in str(e.value)


def test_nan_in_state_is_caught():
    m = sim.TrafficModel(config=small_config(agents=500, warmup=0), seed=1)
    m.state.trust[3, 2] = np.nan
    with pytest.raises(InvariantError) as e:
        m.step()
    assert e.value.invariant == "finite"


def test_cap_violations_are_caught():
    m = sim.TrafficModel(config=small_config(agents=500, warmup=0), seed=1)
    m.state.slots[:] = 0
    m.state.tier[:5, 4] = 1  # members without a free channel slot
    m.state.group[:5, 4] = 0
    m.pools.group_counts[4] = np.array([5])
    m.pools.group_activity[4] = np.array([1.0])
    with pytest.raises(InvariantError) as e:
        m.step()
    assert e.value.invariant in {"channel slots", "operator capacity"}


def test_undefined_ratios_are_missing_not_zero_or_inf(small_run):
    b = small_run.daily[small_run.daily["entity_type"] == "brand"]
    no_new = b["new_customers_paid"] == 0
    assert no_new.any()
    assert b.loc[no_new, "cac_public"].isna().all()
    num = b.select_dtypes("number").to_numpy(float)
    assert not np.isinf(num).any()


def test_overheads_are_paid_every_live_day_and_the_books_balance():
    """fixed_cost_per_day leaves the brand for 'outside' each day it is alive, whatever it sells."""
    cfg = small_config(agents=300, warmup=0)
    base = sim.TrafficModel(config=cfg, seed=3)
    over = sim.TrafficModel(config=sim.with_overrides(cfg, {"brands.1.fixed_cost_per_day": 250.0}), seed=3)
    for _ in range(10):
        base.step()
        over.step()
    d0, d1 = base.recorder.frame(), over.recorder.frame()
    b0 = d0[(d0.entity_type == "brand") & (d0.brand_id == 1)]
    b1 = d1[(d1.entity_type == "brand") & (d1.brand_id == 1)]
    assert b1["costs_overheads"].tolist() == [250.0] * 10
    assert b0["costs_overheads"].sum() == 0.0
    # overheads are fixed: the same draws give the same sales, and profit is lower by exactly the overheads
    assert b1["revenue"].tolist() == b0["revenue"].tolist()
    assert (b0["profit"] - b1["profit"]).to_numpy() == pytest.approx([250.0] * 10)


def test_a_member_above_the_top_tier_is_caught():
    m = sim.TrafficModel(config=small_config(agents=500, warmup=0), seed=1)
    m.state.tier[7, 4] = 4
    m.state.group[7, 4] = 0
    m.pools.group_counts[4] = np.array([1])
    m.pools.group_activity[4] = np.array([1.0])
    with pytest.raises(InvariantError) as e:
        m.step()
    assert e.value.invariant == "members above tier 3"


def test_check_finite_names_the_array_and_the_first_bad_element():
    # finite, though the sum of profit overflows to inf: the elementwise check must clear it
    ok = {"trust": np.ones((30, 4), np.float32), "profit": np.array([np.finfo(float).max] * 3)}
    check_finite(7, ok)
    bad = {**ok, "awareness": np.zeros((30, 4), np.float32)}
    bad["awareness"][12, 3] = np.nan
    bad["awareness"][20, 0] = np.inf
    with pytest.raises(InvariantError) as e:
        check_finite(7, bad)
    assert (e.value.invariant, e.value.day, e.value.entity) == ("finite", 7, "awareness(12, 3)")
