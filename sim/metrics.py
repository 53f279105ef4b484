"""Metrics under their canonical names, as defined in docs/METRICS.md (§7 there lists them).

Daily series are recorded per brand and per platform into arrays, in agent units, and
turned into a tidy DataFrame at the end: counts and money are multiplied by
``population.scale`` (people and RMB of the represented market); ratios are not.
Undefined ratios (CPM with no impression, CAC with no new paid customer) are missing
(NaN), never 0 or inf.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .choice import CHANNELS, PAID, PRIVATE
from .engine import kernels
from .ledger import BRAND_COST_LINES

if TYPE_CHECKING:
    from .engine.model import TrafficModel
    from .engine.records import AdsBilled, Census, ConsumerDay, Delivered, Money, Today

COUNT_BRAND = (
    ["impressions", "impressions_invalid", "impressions_valid", "impressions_wasted", "clicks",
     "new_customers"] + [f"new_customers_{c}" for c in CHANNELS]
    + ["orders"] + [f"orders_{c}" for c in CHANNELS] + ["orders_from_clicks"]
    + ["pool_members", "pool_members_tier1", "pool_members_tier2", "pool_members_tier3", "pool_active",
       "pool_joins", "mutes", "pool_exits", "messages_sent", "messages_read"]
)
MONEY_BRAND = (
    ["ad_spend", "revenue"] + [f"revenue_{c}" for c in CHANNELS]
    + ["gross_profit", "contribution", "discounts"] + [f"costs_{k}" for k in BRAND_COST_LINES]
    + ["alliance_fee_income", "profit", "cash"]
)
X_BINS = np.array([0.0, 0.5, 1.0, 1.5, 2.0])  # lower edges of the bins of reach breadth x (F3)
RATIO_BRAND = ["cpm", "cac_public", "bid_cpm", "private_share", "operators", "alive"]
BRAND_METRICS = COUNT_BRAND + MONEY_BRAND + RATIO_BRAND
PLATFORM_METRICS = ["impressions", "impressions_invalid", "inventory", "fill_rate", "ad_revenue",
                    "commission", "platform_revenue", "cpm", "hosted_reach"]
_PLAT_SCALED = {"impressions", "impressions_invalid", "inventory", "ad_revenue", "commission",
                "platform_revenue"}


def _ratio(num: np.ndarray, den: np.ndarray, mult: float = 1.0) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num * mult, den, out=out, where=den > 0)
    return out


class DailyRecorder:
    """Collects one row per brand and per platform per reported day (agent units)."""

    def __init__(self, model: TrafficModel):
        self.model = model
        self.days: list[int] = []
        self.brand_rows: list[np.ndarray] = []
        self.platform_rows: list[np.ndarray] = []
        self._bidx = {m: i for i, m in enumerate(BRAND_METRICS)}
        self.market_rows: list[np.ndarray] = []

    def last_total(self, metric: str) -> float:
        if not self.brand_rows:
            return 0.0
        v = self.brand_rows[-1][:, self._bidx[metric]]
        return float(np.nansum(v) * (self.model.scale if metric in COUNT_BRAND or metric in MONEY_BRAND else 1))

    def record_market(self, t: int, delivered: Delivered) -> None:
        """Market-level fatigue curve (F3): valid and wasted impressions by each consumer's reach breadth x.

        x_i = distinct brands whose valid ads reached consumer i within ``fatigue.window_days``
        ÷ the mean tolerance cap.
        """
        m = self.model
        st = m.state
        breadth = np.empty(st.n, np.int64)
        kernels.reach_breadth_rows(t, m.cfg.fatigue.window_days, st.last_reached, breadth)
        x = breadth / max(m.cfg.fatigue.tolerance_mean, 1e-9)
        b = np.clip(np.searchsorted(X_BINS, x, side="right") - 1, 0, len(X_BINS) - 1)
        valid = np.bincount(b, delivered.valid_per_consumer.astype(np.float64), len(X_BINS))
        waste = np.bincount(b, delivered.wasted_per_consumer.astype(np.float64), len(X_BINS))
        self.market_rows.append(np.r_[t, x.mean(), valid, waste])

    def market_frame(self) -> pd.DataFrame:
        """Daily market rows: day, reach_x_mean, valid_x<k> and wasted_x<k> per bin of x (scaled)."""
        cols = ["day", "reach_x_mean"] + [f"valid_x{k}" for k in range(len(X_BINS))] + [
            f"wasted_x{k}" for k in range(len(X_BINS))]
        if not self.market_rows:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame(np.stack(self.market_rows), columns=cols)
        df["day"] = df["day"].astype(np.int64)
        df[cols[2:]] *= self.model.scale
        return df

    def record(self, today: Today, ads: AdsBilled, day: ConsumerDay, money: Money, census: Census) -> None:
        """One reported day's row per brand and per platform, from the day's records."""
        m = self.model
        B = m.n_brands
        t = today.day
        orders = day.orders
        o_b = orders.brand
        chn = orders.channel
        new = orders.new
        flows = money.flows
        msg = day.messages
        col: dict[str, np.ndarray] = {}
        for k, v in (("impressions", ads.impressions), ("clicks", day.clicks), ("ad_spend", ads.ad_spend),
                     ("alive", today.alive)):
            col[k] = np.asarray(v, dtype=float)
        col["impressions_invalid"] = ads.invalid
        col["impressions_valid"] = ads.delivered
        col["impressions_wasted"] = day.delivered.wasted
        col["new_customers"] = np.bincount(o_b[new], minlength=B).astype(float)
        col["orders"] = np.bincount(o_b, minlength=B).astype(float)
        col["revenue"] = flows["revenue"]
        col["orders_from_clicks"] = np.bincount(o_b[orders.clicked], minlength=B).astype(float)
        for code, name in enumerate(CHANNELS):
            sel = chn == code
            col[f"new_customers_{name}"] = np.bincount(o_b[sel & new], minlength=B).astype(float)
            col[f"orders_{name}"] = np.bincount(o_b[sel], minlength=B).astype(float)
            col[f"revenue_{name}"] = np.bincount(o_b[sel], orders.revenue[sel], B)
        col["gross_profit"] = flows["revenue"] - flows["cogs"]
        col["contribution"] = flows["revenue"] - flows["cogs"] - flows["commission"]
        col["discounts"] = np.bincount(o_b, orders.discount, B)
        for k in BRAND_COST_LINES:
            col[f"costs_{k}"] = money.fee_paid if k == "alliance_fees" else flows[k]
        col["alliance_fee_income"] = money.fee_income
        col["profit"] = money.profit
        table = m.brand_table
        col["cash"] = table.cash.copy()
        col["pool_members"] = census.members.astype(float)
        for k in (1, 2, 3):
            col[f"pool_members_tier{k}"] = census.tiers[k - 1].astype(float)
        col["pool_active"] = census.active.astype(float)
        col["pool_joins"] = day.joins.joins
        col["mutes"] = msg.mutes
        col["pool_exits"] = msg.exits
        col["messages_sent"] = msg.sent
        col["messages_read"] = msg.read
        col["cpm"] = _ratio(ads.ad_spend, ads.impressions, 1000.0)
        col["cac_public"] = _ratio(ads.ad_spend, col["new_customers_paid"])
        col["bid_cpm"] = table.bid * 1000
        col["private_share"] = np.array([b.private_share if b.strategy.run_pool else 0.0 for b in m.brands])
        col["operators"] = table.operators.copy()
        self.brand_rows.append(np.column_stack([col[k] for k in BRAND_METRICS]))
        # platforms
        prow = []
        for p, plat in enumerate(m.platforms):
            mine = m.brand_table.platform == p
            sold = ads.impressions[mine].sum()
            inv = m.auctions.inventory[p].sum()
            ad_rev = ads.ad_spend[mine].sum()
            comm = flows["commission"][mine].sum()
            prow.append([sold, ads.invalid[mine].sum(), inv, _ratio(sold, inv).item(), ad_rev, comm,
                         ad_rev + comm, _ratio(ad_rev, sold, 1000.0).item(), plat.hosted_reach(t)])
        self.platform_rows.append(np.array(prow, dtype=float))
        self.days.append(t)

    # ------------------------------------------------------------------ frames
    def frame(self) -> pd.DataFrame:
        """Tidy daily frame: day, date, entity_type, entity, brand/platform attributes, metrics."""
        m = self.model
        if not self.days:
            return pd.DataFrame(columns=["day", "date", "entity_type", "entity"] + BRAND_METRICS)
        scale = m.scale
        days = np.array(self.days)
        start = pd.Timestamp(m.cfg.calendar.start_date)
        B, P = m.n_brands, len(m.platforms)
        br = np.stack(self.brand_rows)  # (D, B, M)
        D = len(days)
        data: dict[str, Any] = {
            "day": np.repeat(days, B),
            "date": np.repeat(start + pd.to_timedelta(days - 1, unit="D"), B),
            "entity_type": "brand",
            "entity": np.tile([b.name for b in m.brands], D),
            "brand_id": np.tile(np.arange(B), D),
            "category": np.tile([m.cfg.categories[c].name for c in m.brand_table.category], D),
            "platform": np.tile([m.platforms[p].name for p in m.brand_table.platform], D),
            "strategy": np.tile([b.cfg.strategy for b in m.brands], D),
        }
        for j, name in enumerate(BRAND_METRICS):
            v = br[:, :, j].reshape(-1)
            if name in COUNT_BRAND or name in MONEY_BRAND:
                v = v * scale
            data[name] = v
        bdf = pd.DataFrame(data)
        bdf["alive"] = bdf["alive"].astype(bool)
        pr = np.stack(self.platform_rows)
        pdata: dict[str, Any] = {
            "day": np.repeat(days, P),
            "date": np.repeat(start + pd.to_timedelta(days - 1, unit="D"), P),
            "entity_type": "platform",
            "entity": np.tile([p.name for p in m.platforms], D),
        }
        for j, name in enumerate(PLATFORM_METRICS):
            v = pr[:, :, j].reshape(-1)
            pdata[name] = v * (scale if name in _PLAT_SCALED else 1)
        pdf = pd.DataFrame(pdata)
        out = pd.concat([bdf, pdf], ignore_index=True, sort=False)
        return out.sort_values(["day", "entity_type", "entity"], kind="stable").reset_index(drop=True)


def order_frame(model: TrafficModel) -> pd.DataFrame:
    """The reported orders, one row per (consumer, brand, day), agent units (not scaled)."""
    if not model.orders_log:
        return pd.DataFrame(columns=["day", "consumer", "brand", "channel", "new", "revenue", "contribution"])
    keys = model.orders_log[0].keys()
    return pd.DataFrame({k: np.concatenate([o[k] for o in model.orders_log]) for k in keys})


# The measured columns of summary_frame (the rest identify the brand and the run): what sweeps may keep.
SUMMARY_METRICS = (
    "ad_spend", "impressions", "impressions_wasted", "new_customers", "new_customers_paid", "cac_public",
    "cac_public_30", "orders", "revenue", "contribution", "profit", "cash", "npv", "pool_members",
    "pool_members_tier1", "pool_members_tier2", "pool_members_tier3", "repurchase_rate_365",
    "repurchase_rate_members_365", "profit_share_existing", "ltv_365", "roi_paid", "roi_private", "roi_alliance",
    "roi_wom", "market_share", "hhi", "brands_alive", "platform_revenue", "annoyance_mean", "ltv",
    *("wasted_share", "cpm", "ctr", "aov", "messages_read_per_member", "read_rate", "orders_per_member"),
)
# The ratios a brand reads off its dashboards (docs/METRICS.md), from the run's totals:
# name -> (numerator, denominator, multiplier); member-days are the sum of daily pool_members.
DASHBOARD_RATIOS = {
    "wasted_share": ("impressions_wasted", "impressions_valid", 1.0),
    "cpm": ("ad_spend", "impressions", 1000.0),
    "ctr": ("clicks", "impressions_valid", 1.0),
    "aov": ("revenue", "orders", 1.0),
    "messages_read_per_member": ("messages_read", "pool_members", 1.0),
    "read_rate": ("messages_read", "messages_sent", 1.0),
    "orders_per_member": ("orders_private", "pool_members", 1.0),
}


def _brand_sums(brand: np.ndarray, values: np.ndarray, B: int) -> np.ndarray:
    """Per-brand sums, added in row order (``np.bincount``), NaN for a brand without a value.

    Not pandas' grouped sums: their rounding has changed between releases (pandas 3.1's grouped sums
    differ in the last bit from 3.0's), and a run's summary must be the same bits on any of them.
    """
    values = np.asarray(values, dtype=float)
    ok = ~np.isnan(values)
    out = np.bincount(brand[ok], values[ok], minlength=B)[:B].astype(float)  # bincount of nothing is int64
    out[np.bincount(brand[ok], minlength=B)[:B] == 0] = np.nan
    return out


def _orders_in_window(orders: pd.DataFrame, first_window: int, st, B: int, N: int) -> dict[str, np.ndarray]:
    """Repurchase rates, profit share of existing customers and 365-day LTV per brand (docs/METRICS.md §2)."""
    day, brand = orders["day"].to_numpy(np.int64), orders["brand"].to_numpy(np.int64)
    consumer, contribution = orders["consumer"].to_numpy(np.int64), orders["contribution"].to_numpy(float)
    new = orders["new"].to_numpy(bool)
    w = day >= first_window
    pair, per = np.unique(brand[w] * N + consumer[w], return_counts=True)  # (brand, consumer) pairs: orders
    pair_b, pair_c = pair // N, pair % N
    # members: in the pool (tier >= 1) at any time in the window
    member = (st.member_seen >= first_window)[pair_c, pair_b]
    existing = np.nan_to_num(_brand_sums(brand[w & ~new], contribution[w & ~new], B))
    # ltv_365: contribution in the 365 days after the first order, customers acquired on days 1-90
    first = new & (day <= 90)
    key = brand * N + consumer
    first_key, first_day = key[first], day[first]  # one first order per pair, in order of the log
    ltv = np.full(B, np.nan)
    if first_key.size:
        by_key = np.argsort(first_key, kind="stable")
        first_key, first_day = first_key[by_key], first_day[by_key]
        at = np.minimum(np.searchsorted(first_key, key), first_key.size - 1)
        start = first_day[at]
        counted = (first_key[at] == key) & (day >= start) & (day < start + 365)
        per_customer = np.bincount(at[counted], contribution[counted], minlength=first_key.size)
        ltv = _ratio(_brand_sums(first_key // N, per_customer, B), np.bincount(first_key // N, minlength=B)[:B])
    return {
        "repurchase_rate_365": _ratio(np.bincount(pair_b[per >= 2], minlength=B), np.bincount(pair_b, minlength=B)),
        "repurchase_rate_members_365": _ratio(np.bincount(pair_b[member & (per >= 2)], minlength=B),
                                              np.bincount(pair_b[member], minlength=B)),
        "profit_share_existing": _ratio(existing, _brand_sums(brand[w], contribution[w], B)),
        "ltv_365": ltv,
    }


def summary_frame(model: TrafficModel, daily: pd.DataFrame) -> pd.DataFrame:
    """Per-brand run summary (docs/METRICS.md §2); money and counts in the represented market."""
    m = model
    scale = m.scale
    B = m.n_brands
    bd = daily[daily["entity_type"] == "brand"]
    brand_of, day_of = bd["brand_id"].to_numpy(np.int64), bd["day"].to_numpy(np.int64)
    last_day = int(day_of.max()) if len(bd) else 0
    first_window = max(1, last_day - 364)
    sums = {c: _brand_sums(brand_of, bd[c].to_numpy(float), B) for c in COUNT_BRAND + MONEY_BRAND if c != "cash"}
    tail = day_of > last_day - 30
    tail30 = {c: _brand_sums(brand_of[tail], bd[c].to_numpy(float)[tail], B)
              for c in ("ad_spend", "new_customers_paid")}
    orders = order_frame(m)
    nan = np.full(B, np.nan)
    by_orders = (_orders_in_window(orders, first_window, m.state, B, m.N) if len(orders) else
                 dict.fromkeys(("repurchase_rate_365", "repurchase_rate_members_365", "profit_share_existing",
                                "ltv_365"), nan))
    # market share and HHI over the window, per category
    in_window = day_of >= first_window
    rev_w = np.nan_to_num(_brand_sums(brand_of[in_window], bd["revenue"].to_numpy(float)[in_window], B))
    cat = m.brand_table.category
    share = np.full(B, np.nan)
    hhi_cat = {}
    for c in np.unique(cat):
        sel = cat == c
        tot = math.fsum(rev_w[sel])
        if tot > 0:
            share[sel] = rev_w[sel] / tot
            hhi_cat[c] = math.fsum(x * x for x in share[sel])
    # NPV of daily profit. Sums, powers and means here are math's, not numpy's: numpy picks its SIMD
    # routines by CPU (float64 ** and float32 means round differently with AVX-512 than with AVX2),
    # and a run's summary must be the same bits on every machine
    r = m.cfg.report.discount_rate_per_year
    days = np.unique(day_of)
    profit = np.zeros((days.size, B))  # day x brand
    np.add.at(profit, (np.searchsorted(days, day_of), brand_of), np.nan_to_num(bd["profit"].to_numpy(float)))
    disc = np.array([math.pow(1 + r, -(d - 1) / 365.0) for d in days.tolist()])
    npv = np.array([math.fsum(brand_days) for brand_days in (profit * disc[:, None]).T])
    private_costs = sums["costs_wages"] + sums["costs_content"] + sums["costs_incentives"]
    plat_rev = daily.loc[daily["entity_type"] == "platform", "platform_revenue"].to_numpy(float)
    plat_rev = math.fsum(plat_rev[~np.isnan(plat_rev)])
    cash_end = np.array([b.cash * scale for b in m.brands])
    st = m.state
    out = pd.DataFrame({
        "brand_id": np.arange(B),
        "brand": [b.name for b in m.brands],
        "category": [m.cfg.categories[c].name for c in cat],
        "strategy": [b.cfg.strategy for b in m.brands],
        "alive": [bool(x) for x in m.brand_table.alive(m.day)],
        "entry_day": [b.first_day for b in m.brands],
        "exit_day": [b.exit_day if b.exit_day is not None else np.nan for b in m.brands],
        "days": last_day,
        "window_days": last_day - first_window + 1,
        "ad_spend": sums["ad_spend"],
        "impressions": sums["impressions"],
        "impressions_wasted": sums["impressions_wasted"],
        "new_customers": sums["new_customers"],
        "new_customers_paid": sums["new_customers_paid"],
        "cac_public": _ratio(sums["ad_spend"], sums["new_customers_paid"]),
        "cac_public_30": _ratio(tail30["ad_spend"], tail30["new_customers_paid"]),
        "orders": sums["orders"],
        "revenue": sums["revenue"],
        "contribution": sums["contribution"],
        "profit": sums["profit"],
        "cash": cash_end,
        "npv": npv,
        "pool_members": (st.tier > 0).sum(axis=0) * scale,
        "pool_members_tier1": (st.tier == 1).sum(axis=0) * scale,
        "pool_members_tier2": (st.tier == 2).sum(axis=0) * scale,
        "pool_members_tier3": (st.tier == 3).sum(axis=0) * scale,
        **by_orders,
        "ltv_365_truncated": last_day < 90 + 364,  # a day-90 customer's 365 days end on day 454
        "roi_paid": _ratio(_channel_contribution(orders, PAID, B, scale),
                           sums["ad_spend"]),
        "roi_private": _ratio(_channel_contribution(orders, PRIVATE, B, scale), private_costs),
        "roi_alliance": _ratio(_channel_contribution(orders, 1, B, scale), sums["costs_alliance_fees"]),
        "roi_wom": _ratio(_channel_contribution(orders, 3, B, scale), sums["costs_referral"]),
        "market_share": share,
        "hhi": [hhi_cat.get(c, np.nan) for c in cat],
        "brands_alive": int(m.brand_table.alive(m.day).sum()),
        "platform_revenue": plat_rev,
        "annoyance_mean": math.fsum(st.annoyance.astype(float)) / max(st.n, 1),
    })
    out["ltv"] = out["ltv_365"]
    for name, (num, den, mult) in DASHBOARD_RATIOS.items():
        out[name] = _ratio(sums[num], sums[den], mult)
    return out


def _channel_contribution(orders: pd.DataFrame, code: int, B: int, scale: float) -> np.ndarray:
    if not len(orders):
        return np.full(B, np.nan)  # no order log: unknown, not zero
    sel = orders["channel"].to_numpy() == code
    return np.bincount(orders["brand"].to_numpy(np.int64)[sel], orders["contribution"].to_numpy(float)[sel],
                       minlength=B)[:B] * scale


__all__ = ["BRAND_METRICS", "PLATFORM_METRICS", "DASHBOARD_RATIOS", "DailyRecorder", "summary_frame",
           "order_frame"]
