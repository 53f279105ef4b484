"""The exported order log, read back by the CLV tools' own loaders (docs/METRICS.md §4b, docs/GROUND_TRUTH.md):
``lifetimes.utils.summary_data_from_transaction_data`` (installed with the dev extra, so this runs in CI) and
``pymc_marketing.clv.utils.rfm_summary`` (where PyMC-Marketing is installed: ``make ground-truth`` runs this
file in .venv-analytics). Each customer's frequency, recency, T and mean repeat value, brand by brand, must be
what the simulation's own order log says, computed here with pandas from ``result.orders``."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import sim

DAYS = 60


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    cfg = sim.with_overrides(sim.default_config(), {"population.agents": 600, "population.scale": 3.0,
                                                    "run.warmup_days": 20})
    r = sim.run(cfg, seed=7, days=DAYS, keep=("daily", "orders", "summary"))
    folder = sim.export(r, tmp_path_factory.mktemp("readback") / "run")
    return r, pd.read_parquet(folder / "transactions.parquet"), folder


def lifetimes_summary():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifetimes 0.11 sets a pandas option that pandas 3 deprecates
        from lifetimes.utils import summary_data_from_transaction_data
    return summary_data_from_transaction_data


def expected_rfm(orders: pd.DataFrame, brand: int) -> pd.DataFrame:
    """Frequency (repeat days), recency and T (days from the first order to the last order and to the last
    reported day) and the mean revenue of the repeat orders, per consumer, from the run's order log."""
    o = orders[orders["brand"] == brand]
    g = o.groupby("consumer")
    first, last = g["day"].min(), g["day"].max()
    repeat = o[o["day"] > o["consumer"].map(first)].groupby("consumer")["revenue"].mean()
    out = pd.DataFrame({"frequency": g["day"].nunique() - 1, "recency": last - first, "T": DAYS - first})
    out["monetary_value"] = repeat.reindex(out.index).fillna(0.0)
    out.index = out.index.astype("int64")
    return out.astype(float).rename_axis("customer_id")


def compare(r, tx: pd.DataFrame, summarize) -> int:
    """Each brand's summary from ``summarize(transactions of the brand, observation end)`` against the order
    log; the number of customers with repeat orders compared."""
    end = pd.Timestamp(r.config.calendar.start_date) + pd.Timedelta(days=DAYS - 1)
    repeaters = 0
    for b, brand in enumerate(r.config.brands):
        want = expected_rfm(r.orders, b)
        got = summarize(tx[tx["brand"] == brand.name], end)
        assert sorted(got.index) == sorted(want.index), brand.name
        got = got.loc[want.index, ["frequency", "recency", "T", "monetary_value"]].astype(float)
        got.index = got.index.astype("int64")
        pd.testing.assert_frame_equal(got, want, check_names=False, rtol=1e-9, obj=brand.name)
        repeaters += int((want["frequency"] > 0).sum())
    return repeaters


def test_lifetimes_reads_the_export_as_the_order_log_says(exported):
    r, tx, folder = exported
    load = lifetimes_summary()
    kw = {"monetary_value_col": "revenue"}
    assert compare(r, tx, lambda t, end: load(t, "customer_id", "date", observation_period_end=end, **kw)) > 100
    # the CSV, dates as text, reads back the same
    csv = pd.read_csv(folder / "transactions.csv")
    assert compare(r, csv, lambda t, end: load(t, "customer_id", "date", observation_period_end=end,
                                               datetime_format="%Y-%m-%d", **kw)) > 100


def test_pymc_marketing_reads_the_export_as_the_order_log_says(exported):
    utils = pytest.importorskip("pymc_marketing.clv.utils", reason="PyMC-Marketing: make ground-truth")
    r, tx, _ = exported
    assert compare(r, tx, lambda t, end: utils.rfm_summary(t, "customer_id", "date", monetary_value_col="revenue",
                                                           observation_period_end=end).set_index("customer_id")) > 100


@pytest.mark.parametrize("wrong", ["date one day late", "customers numbered from 1"])
def test_the_readback_catches_a_wrong_layout(exported, wrong):
    r, tx, _ = exported
    bad = (tx.assign(date=tx["date"] + pd.Timedelta(days=1)) if wrong.startswith("date")
           else tx.assign(customer_id=tx["customer_id"] + 1))
    load = lifetimes_summary()
    with pytest.raises(AssertionError):
        compare(r, bad, lambda t, end: load(t, "customer_id", "date", observation_period_end=end,
                                            monetary_value_col="revenue"))
