"""sim.export and sim run --export: the order log and the daily table in the layouts outside tools read,
agreeing with the run's own summary (counts in simulated consumers, money scaled like the summary)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app

SCALE = 5.0  # one simulated consumer stands for five people: the export must not mix the two units


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    cfg = sim.with_overrides(sim.default_config(), {"population.agents": 1500, "population.scale": SCALE,
                                                    "run.warmup_days": 20})
    r = sim.run(cfg, seed=4, days=200, keep=("daily", "orders", "summary"))
    folder = sim.export(r, tmp_path_factory.mktemp("export") / "run")
    return r, folder


def test_one_row_per_order_with_the_columns_clv_tools_take(exported):
    r, folder = exported
    t = pd.read_parquet(folder / "transactions.parquet")
    assert list(t.columns) == ["customer_id", "date", "brand", "channel", "revenue", "new_customer"]
    s = r.summary.set_index("brand")
    by_brand = t.groupby("brand")
    np.testing.assert_allclose(by_brand.size() * SCALE, s.loc[by_brand.size().index, "orders"])
    np.testing.assert_allclose(by_brand["revenue"].sum() * SCALE, s.loc[by_brand.size().index, "revenue"])
    np.testing.assert_allclose(by_brand["new_customer"].sum() * SCALE, s.loc[by_brand.size().index, "new_customers"])
    assert t["date"].min() == pd.Timestamp("2025-01-01") and t["date"].max() == pd.Timestamp("2025-07-19")
    assert set(t["channel"]) <= {"private", "alliance", "paid", "wom", "organic"} and "paid" in set(t["channel"])
    # a customer buys a brand at most once a day (the model's rule), and the CSV says the same as the Parquet
    assert not t.duplicated(["customer_id", "brand", "date"]).any()
    csv = pd.read_csv(folder / "transactions.csv", parse_dates=["date"])
    pd.testing.assert_frame_equal(csv, t, check_dtype=False)


def test_the_daily_table_has_spend_costs_sales_and_holiday_controls(exported):
    r, folder = exported
    m = pd.read_parquet(folder / "mmm.parquet")
    s = r.summary.set_index("brand")
    spend = [c for c in m.columns if c.startswith("spend_ads_")]
    assert sorted(spend) == sorted(f"spend_ads_{p.name.lower()}" for p in r.config.platforms)
    tot = m.groupby("brand")[[*spend, "orders", "revenue"]].sum()
    np.testing.assert_allclose(tot[spend].sum(axis=1), s.loc[tot.index, "ad_spend"])
    np.testing.assert_allclose(tot["orders"], s.loc[tot.index, "orders"])
    assert (m.groupby("brand").size() == 200).all()
    d = r.daily[r.daily["entity_type"] == "brand"]
    private = d[["costs_wages", "costs_content", "costs_incentives"]].to_numpy().sum()
    assert np.isclose(m["cost_private"].sum(), private) and private > 0
    on = m.set_index("date")
    assert (on.loc[pd.Timestamp(dt.date(2025, 6, 18)), "holiday_618"] == 1).all()
    quiet = on.loc[pd.Timestamp(dt.date(2025, 4, 15)), [c for c in m.columns if c.startswith("holiday_")]]
    assert (quiet.to_numpy() == 0).all()
    assert on["holiday_double_11"].sum() == 0  # 11 November is beyond the 200 days


def test_export_refuses_a_run_without_its_order_log():
    r = sim.run(sim.with_overrides(sim.default_config(), {"population.agents": 200, "run.warmup_days": 2}),
                seed=1, days=3, keep=("summary",))
    with pytest.raises(ValueError, match="order log"):
        sim.export(r, "never-written")


def test_sim_run_export_writes_each_runs_tables(tmp_path):
    f = tmp_path / "tiny.yaml"
    f.write_text("name: tiny\nbase: {population.agents: 300, run.warmup_days: 5}\n"
                 "arms:\n  a: {brands.0.strategy: public_only}\n  b: {brands.0.strategy: hybrid}\n"
                 "replications: 2\ndays: 15\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["run", str(f), "--out", str(tmp_path / "rep"), "--workers", "1", "--export"])
    assert res.exit_code == 0, res.output
    for arm in ("a", "b"):
        for k in ("0", "1"):
            folder = tmp_path / "rep" / "export" / arm / k
            assert sorted(p.name for p in folder.iterdir()) == ["mmm.csv", "mmm.parquet", "transactions.csv",
                                                                "transactions.parquet"]
    a0 = pd.read_parquet(tmp_path / "rep" / "export" / "a" / "0" / "transactions.parquet")
    b0 = pd.read_parquet(tmp_path / "rep" / "export" / "b" / "0" / "transactions.parquet")
    assert not a0.equals(b0)  # each arm's own orders
    plain = CliRunner().invoke(app, ["run", str(f), "--out", str(tmp_path / "plain"), "--workers", "1"])
    assert plain.exit_code == 0 and not (tmp_path / "plain" / "export").exists()
