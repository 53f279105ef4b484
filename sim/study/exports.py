"""Data other tools read (docs/METRICS.md §4b): a run's orders in the layout customer-lifetime-value tools
take, and the daily wide table that marketing-mix models fit. (``sim.export`` calls :func:`export`; the
module has another name so that the attribute stays the function.)

* ``transactions``: one row per order: ``customer_id``, ``date``, ``brand``, ``channel``, ``revenue``,
  ``new_customer``. Customers are simulated consumers (one stands for ``population.scale`` people),
  so per-customer figures are those of one person; ``pymc_marketing.clv.utils.rfm_summary`` (or
  ``lifetimes``) reads the table as is.
* ``mmm``: one row per day and brand: ``date``, ``brand``, the spend on each paid channel (ads on the
  brand's platform, ``spend_ads_<platform>``), the private pool's operating costs, alliance fees and
  referral rewards, ``orders`` and ``revenue`` (in people and RMB, scaled like the daily frame), and
  one 0/1 control column per holiday window (``holiday_<name>``): the X and y of
  ``pymc_marketing.mmm.MMM.fit``.

Both are written as Parquet and CSV, the folder whole or not at all.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..api import RunResult
from ..calendar import build_calendar
from ..choice import CHANNELS
from ..config import SimConfig
from ..output import atomic_folder

TRANSACTION_COLUMNS = ("customer_id", "date", "brand", "channel", "revenue", "new_customer")
# private-operation costs, as the daily frame records them (docs/METRICS.md §1)
PRIVATE_COSTS = ("costs_wages", "costs_content", "costs_incentives")


def _name(text: str) -> str:
    """A column-name-safe form of a platform or holiday name."""
    return re.sub(r"\W+", "_", str(text)).strip("_").lower() or "unnamed"


def _brand_names(daily: pd.DataFrame) -> dict[int, str]:
    b = daily[daily["entity_type"] == "brand"]
    return dict(zip(b["brand_id"].astype(int), b["entity"], strict=False))


def transactions(orders: pd.DataFrame, daily: pd.DataFrame, config: SimConfig) -> pd.DataFrame:
    """The order log as CLV tools take it (dates from ``calendar.start_date``, names instead of codes)."""
    names = _brand_names(daily)
    start = pd.Timestamp(config.calendar.start_date)
    days = orders["day"].to_numpy(np.int64)
    return pd.DataFrame({
        "customer_id": orders["consumer"].to_numpy(np.int64),
        "date": start + pd.to_timedelta(days - 1, unit="D"),
        "brand": pd.Series(orders["brand"].astype(int)).map(names).to_numpy(object),
        "channel": np.asarray(CHANNELS, dtype=object)[orders["channel"].to_numpy(np.int64)],
        "revenue": orders["revenue"].to_numpy(float),
        "new_customer": orders["new"].to_numpy(bool),
    }, columns=list(TRANSACTION_COLUMNS))


def holiday_flags(config: SimConfig, days: np.ndarray) -> pd.DataFrame:
    """0/1 per holiday window (the days the calendar lifts for that holiday) for each day index."""
    first, last = int(days.min()), int(days.max())
    flags = {}
    for h in config.calendar.holidays:
        lifted = build_calendar(config.calendar.model_copy(update={"holidays": [h]}), first, last)
        flags[f"holiday_{_name(h.name)}"] = np.isin(days, list(lifted)).astype(np.int8)
    return pd.DataFrame(flags, index=range(len(days)))


def mmm_table(daily: pd.DataFrame, config: SimConfig) -> pd.DataFrame:
    """One row per (day, brand): spend per paid channel, private and alliance costs, orders, revenue,
    and holiday controls: the wide table marketing-mix models fit."""
    b = daily[daily["entity_type"] == "brand"].sort_values(["day", "brand_id"], kind="stable")
    out = pd.DataFrame({
        "date": pd.to_datetime(b["date"]).to_numpy(),
        "brand": b["entity"].to_numpy(object),
    })
    for platform in sorted(b["platform"].dropna().unique()):
        on = (b["platform"] == platform).to_numpy()
        out[f"spend_ads_{_name(platform)}"] = np.where(on, b["ad_spend"].to_numpy(float), 0.0)
    out["cost_private"] = b[list(PRIVATE_COSTS)].sum(axis=1).to_numpy(float)
    out["cost_alliance"] = b["costs_alliance_fees"].to_numpy(float)
    out["cost_referral"] = b["costs_referral"].to_numpy(float)
    out["orders"] = b["orders"].to_numpy(float)
    out["revenue"] = b["revenue"].to_numpy(float)
    flags = holiday_flags(config, b["day"].to_numpy(np.int64))
    return pd.concat([out, flags], axis=1)


def write_tables(folder: Path, orders: pd.DataFrame, daily: pd.DataFrame, config: SimConfig) -> list[Path]:
    """Write transactions and mmm (Parquet and CSV) into an existing folder."""
    written = []
    for stem, frame in (("transactions", transactions(orders, daily, config)), ("mmm", mmm_table(daily, config))):
        frame.to_parquet(folder / f"{stem}.parquet", index=False)
        frame.to_csv(folder / f"{stem}.csv", index=False, date_format="%Y-%m-%d")
        written += [folder / f"{stem}.parquet", folder / f"{stem}.csv"]
    return written


def export(result: RunResult, folder: str | os.PathLike) -> Path:
    """Write a run's transactions and mmm tables to ``folder`` (whole or not at all).

    The run must keep its ``daily`` frame and order log: ``sim.run(..., keep=("daily", "orders"))``."""
    if result.daily.empty or "consumer" not in result.orders:
        raise ValueError("export needs the run's daily frame and order log: "
                         "sim.run(..., keep=('daily', 'orders', ...)) with metrics.order_log on")
    out = Path(folder)
    with atomic_folder(out) as tmp:
        write_tables(tmp, result.orders, result.daily, result.config)
    return out


__all__ = ["TRANSACTION_COLUMNS", "export", "holiday_flags", "mmm_table", "transactions", "write_tables"]
