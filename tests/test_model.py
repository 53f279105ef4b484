"""The Mesa model: API, determinism, batch_run, knobs, entry/exit, calendar, scale, graphs."""

from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

import sim
from sim.agents import Brand, Consumer, Platform
from sim.calendar import build_calendar
from tests.conftest import small_config

EGO = Path(__file__).resolve().parents[1] / "data" / "ego_facebook_combined.txt"


def test_same_seed_bit_identical_other_seed_differs():
    cfg = small_config(agents=800, warmup=20)
    a = sim.run(cfg, seed=7, days=30)
    b = sim.run(cfg, seed=7, days=30)
    c = sim.run(cfg, seed=8, days=30)
    pd.testing.assert_frame_equal(a.daily, b.daily, check_exact=True)
    pd.testing.assert_frame_equal(a.ledger, b.ledger, check_exact=True)
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    assert not a.daily.equals(c.daily)


def test_agents_by_type_lists_the_three_kinds():
    m = sim.TrafficModel(config=small_config(agents=300, warmup=0), seed=1)
    types = set(m.agents_by_type)
    assert {Consumer, Brand, Platform} <= types
    assert len(m.agents_by_type[Consumer]) == 300
    assert len(m.agents_by_type[Brand]) == 20
    # consumer views read the population arrays
    c = m.consumer(5)
    m.state.tier[5, 3] = 2
    assert c.tiers[3] == 2


def test_views_are_made_on_demand_above_the_limit():
    cfg = small_config(agents=300, warmup=0, **{"population.agent_views_max": 100})
    m = sim.TrafficModel(config=cfg, seed=1)
    assert Consumer not in m.agents_by_type
    assert m.consumer(250).index == 250


def test_constructible_with_no_arguments_and_steps_with_knobs():
    m = sim.TrafficModel(n_consumers=400, n_brands=6, tolerance_cap=5, push_frequency=1.0, alliance=False,
                         reserve_cpm=20.0, invalid_traffic_share=0.1, warmup_days=5, seed=2)
    assert m.n_brands == 6 and m.N == 400
    assert m.cfg.fatigue.tolerance_mean == 5
    assert all(p.reserve_cpm == 20.0 for p in m.cfg.platforms)
    m.step()
    m.step()
    assert m.steps == 2 and m.day == 2
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == 2 and "revenue" in df.columns
    with pytest.raises(TypeError):
        sim.TrafficModel(n_consumers=100, warp_speed=9)


def test_batch_run_over_knobs():
    # one run per point, Mesa's default: Mesa 3.5 deprecates iterations= (for rng=, which Mesa 3.3 lacks)
    rows = mesa.batch_run(sim.TrafficModel, parameters={"n_consumers": 300, "warmup_days": 0,
                                                        "tolerance_cap": [3, 15]},
                          number_processes=1, max_steps=3, display_progress=False)
    assert len(rows) >= 2
    assert {r["tolerance_cap"] for r in rows} == {3, 15}


def test_a_brand_without_cash_exits_and_stops_spending():
    # a brand that loses money on every order and starts with almost no cash
    cfg = small_config(agents=800, warmup=0, **{"brands.3.initial_cash": 100.0, "brands.3.unit_cost": 60.0})
    r = sim.run(cfg, seed=1, days=20)
    s = r.summary.set_index("brand_id")
    assert s.loc[3, "exit_day"] >= 1 and not s.loc[3, "alive"]
    b3 = r.brand(3)
    after = b3[b3["day"] > s.loc[3, "exit_day"]]
    assert (after["ad_spend"] == 0).all() and (after["orders"] == 0).all()
    assert s.drop(index=3)["alive"].all()


def test_entrants_enter_on_schedule():
    cfg = small_config(agents=800, warmup=0, **{"market.entrants": 4, "market.entrants_until_day": 40})
    m = sim.TrafficModel(config=cfg, seed=1)
    assert m.n_brands == 24
    alive_counts = []
    for _ in range(40):
        m.step()
        alive_counts.append(int(m.alive_mask(m.day).sum()))
    assert alive_counts[0] == 20 and alive_counts[-1] == 24
    assert alive_counts == sorted(alive_counts)


def test_holidays_lift_purchase_occasions():
    cfg = sim.default_config()
    cal = build_calendar(cfg.calendar, 1, 365)
    assert cal[(pd.Timestamp("2025-11-11") - pd.Timestamp("2025-01-01")).days + 1][0] == 3.0
    assert cal[(pd.Timestamp("2025-01-29") - pd.Timestamp("2025-01-01")).days + 1][0] > 1
    assert 100 not in cal  # 10 April 2025 is an ordinary day
    # in the model, orders jump around 11.11 (day 315)
    r = sim.run(small_config(agents=1500, warmup=0), seed=1, days=320)
    b = r.daily[r.daily["entity_type"] == "brand"].groupby("day")["orders"].sum()
    assert b.loc[312:315].mean() > 1.5 * b.loc[290:305].mean()
    # the calendar's ablation: multipliers of 1 remove the spike
    flat = small_config(agents=1500, warmup=0, **{"calendar.holidays": []})
    rf = sim.run(flat, seed=1, days=320)
    bf = rf.daily[rf.daily["entity_type"] == "brand"].groupby("day")["orders"].sum()
    assert bf.loc[312:315].mean() < 1.3 * bf.loc[290:305].mean()


def test_population_scale_represents_the_same_market():
    """2,000 agents x scale 5 and 10,000 agents x scale 1 report the same market within noise."""
    big = sim.run(small_config(agents=10_000, warmup=30), seed=1, days=30)
    small = sim.run(small_config(agents=2_000, warmup=30, **{"population.scale": 5.0}), seed=1, days=30)
    for col in ("revenue", "orders", "impressions"):
        a = big.daily.loc[big.daily["entity_type"] == "brand", col].sum()
        b = small.daily.loc[small.daily["entity_type"] == "brand", col].sum()
        assert b == pytest.approx(a, rel=0.15), col


def test_runs_on_a_real_edge_list():
    cfg = sim.with_overrides(sim.default_config(), {"graph.kind": "edgelist", "graph.path": str(EGO),
                                                    "population.agents": 4039, "run.warmup_days": 10})
    r = sim.run(cfg, seed=1, days=10)
    assert r.summary["orders"].sum() > 0
    bad = sim.with_overrides(cfg, {"population.agents": 4000})
    with pytest.raises(ValueError, match="4039"):
        sim.TrafficModel(config=bad, seed=1)


def test_overrides_apply_from_reported_day_one():
    base = small_config(agents=1000, warmup=40)
    arm = sim.with_overrides(base, {"brands.0.strategy": "private_cultivate"})
    m = sim.TrafficModel(config=arm, seed=3, base_config=base)
    assert (m.state.tier[:, 0] == 0).all()  # no pool during the base warm-up
    for _ in range(20):
        m.step()
    assert (m.state.tier[:, 0] > 0).any()
    # common random numbers: the base arm shares the warm-up exactly
    m0 = sim.TrafficModel(config=base, seed=3, base_config=base)
    assert np.array_equal(m0.state.orders, sim.TrafficModel(config=arm, seed=3, base_config=base).state.orders)


def test_summary_has_the_canonical_columns(small_run):
    s = small_run.summary
    for col in ("cac_public", "pool_members_tier1", "pool_members_tier2", "pool_members_tier3",
                "repurchase_rate_365", "profit_share_existing", "ltv", "roi_paid", "roi_private", "market_share",
                "hhi", "brands_alive", "platform_revenue", "annoyance_mean", "npv", "profit"):
        assert col in s.columns, col
    assert len(s) == 20
    # SUMMARY_METRICS (what sweeps may keep) lists exactly the measured columns
    ids = {"brand_id", "brand", "category", "strategy", "alive", "entry_day", "exit_day", "days", "window_days",
           "ltv_365_truncated"}
    assert set(sim.metrics.SUMMARY_METRICS) == set(s.columns) - ids
    rr = s["repurchase_rate_365"].dropna()
    assert ((rr >= 0) & (rr <= 1)).all()
    shares = s.groupby("category")["market_share"].sum()
    assert np.allclose(shares, 1.0)


def test_arm_settings_do_not_leak_into_the_warm_up():
    """Consumer traits and platforms follow the base market until day 1, then the arm's."""
    base = small_config(agents=1000, warmup=40)
    arm = sim.with_overrides(base, {"fatigue.tolerance_mean": 4, "platforms.0.reserve_cpm": 60.0,
                                    "population.read_attention_mean": 3.0})
    m_base = sim.TrafficModel(config=base, seed=5, base_config=base)
    m_arm = sim.TrafficModel(config=arm, seed=5, base_config=base)
    assert np.array_equal(m_base.state.orders, m_arm.state.orders)  # the same warm-up, order by order
    assert m_arm.state.tolerance.mean() < 0.5 * m_base.state.tolerance.mean()  # the arm's traits from day 1
    assert m_arm.platforms[0].cfg.reserve_cpm == 60.0 and m_base.platforms[0].cfg.reserve_cpm != 60.0
    # the traits are re-derived from the same draws: the ranking of consumers is kept
    assert np.corrcoef(m_arm.state.attention, m_base.state.attention)[0, 1] > 0.99


def test_day_stamps_are_int16_while_every_day_fits_and_int32_past_that():
    """int16 stamps halve eight (N, B) columns; a run whose calendar reaches past day 16,383 keeps int32,
    where day - NEVER would overflow an int16."""
    from sim.state import LAST_SHORT_STAMP_DAY, NEVER, stamp_dtype

    last = np.full(3, NEVER, stamp_dtype(LAST_SHORT_STAMP_DAY))
    assert last.dtype == np.int16 and ((LAST_SHORT_STAMP_DAY - last) == 2**15 - 1).all()  # no wrap-around
    assert stamp_dtype(LAST_SHORT_STAMP_DAY + 1) == np.int32
    assert sim.TrafficModel(small_config(agents=50, warmup=0)).state.t_paid.dtype == np.int16
    long_run = sim.with_overrides(small_config(agents=50, warmup=0), {"run.days": 13_000})
    m = sim.TrafficModel(long_run)
    assert m.state.t_paid.dtype == np.int32
    m.step()  # the kernels and array code run on either dtype
    assert m.day == 1
