"""The market's parameters: population, social graph, calendar, categories, platforms, ads, fatigue, choice."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .fields import MONEY_MAX, PEOPLE_MAX, P, _Node

# --------------------------------------------------------------------------- population


class PopulationConfig(_Node):
    agents: int = P(10_000, "Simulated consumers (agents)", "agents", ge=2, le=50_000_000)
    scale: float = P(
        1.0,
        "People each simulated consumer stands for (super-individual convention, cf. "
        "Covasim pop_scale); reported counts and money are multiplied by it",
        "people/agent",
        ge=1e-6,  # (1/scale sizes groups: a subnormal scale made it infinite)
        le=1e6,
    )
    agent_views_max: int = P(
        200_000,
        "Register a Mesa Consumer view per consumer up to this population; above it views "
        "are made on demand with model.consumer(i)",
        "agents",
        ge=0,
    )
    price_sensitivity_mean: float = P(1.0, "Mean price sensitivity (multiplies choice.beta_price)", "1", ge=0, le=10)
    price_sensitivity_sd: float = P(0.3, "Spread of price sensitivity (lognormal sigma)", "1", ge=0, le=3)
    purchase_rate_sd: float = P(
        0.4, "Spread of individual purchase frequency around the category interval (lognormal sigma)", "1",
        ge=0, le=3,
    )
    channel_slots_mean: float = P(
        6.0,
        "Mean number of brand groups/friends a consumer keeps active (private-channel slots)",
        "channels",
        ge=0,
        le=100,
    )
    read_attention_mean: float = P(
        1.0, "Mean number of brand messages a consumer reads per day", "messages/day", ge=0, le=100
    )


# ------------------------------------------------------------------------------- graph


class GraphConfig(_Node):
    kind: Literal["small_world", "scale_free", "community", "complete", "edgelist"] = P(
        "small_world", "Social graph generator, or an edge-list file", ""
    )
    path: str | None = P(None, "Edge-list file (SNAP style) when kind is edgelist", "path")
    mean_degree: float = P(10.0, "Mean number of friends per consumer (generated graphs)", "edges", ge=1, le=1000)
    rewire_prob: float = P(0.1, "Watts–Strogatz rewiring probability (small_world)", "1", ge=0, le=1)
    communities: int = P(20, "Number of communities (community)", "blocks", ge=1, le=100_000)
    mixing: float = P(0.1, "Share of a consumer's edges outside their community (community)", "1", ge=0, le=1)

    @model_validator(mode="after")
    def _path_for_edgelist(self) -> GraphConfig:
        if self.kind == "edgelist" and not self.path:
            raise ValueError("graph.kind 'edgelist' needs graph.path")
        return self


# ---------------------------------------------------------------------------- calendar

# Spring Festival (lunar new year) dates for the years a run can cover, warm-up included.
SPRING_FESTIVAL = {
    2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
    2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
    2031: "2031-01-23", 2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19",
    2035: "2035-02-08", 2036: "2036-01-28", 2037: "2037-02-15", 2038: "2038-02-04",
    2039: "2039-01-24", 2040: "2040-02-12",
}


class HolidayConfig(_Node):
    name: str = P("holiday", "Name shown in reports", "")
    month_day: str | None = P(None, "Fixed date each year as MM-DD (e.g. 11-11); or use dates", "MM-DD")
    dates: list[str] = P([], "Explicit dates (YYYY-MM-DD), for lunar holidays", "dates")
    days_before: int = P(3, "Days of build-up before the date that are lifted too", "days", ge=0, le=60)
    days_after: int = P(1, "Days after the date that are lifted too", "days", ge=0, le=60)
    occasion_multiplier: float = P(2.0, "Purchase-occasion hazard multiplier on lifted days", "x", ge=0, le=20)
    activity_boost: float = P(0.3, "Added group activity on lifted days (S13: groups wake at holidays)", "1",
                              ge=0, le=1)

    @field_validator("month_day")
    @classmethod
    def _check_md(cls, v: str | None) -> str | None:
        # strictly MM-DD: fromisoformat alone takes ISO week dates (W01-1), which the calendar cannot place,
        # and 02-29 is not a date in most years
        if v is not None:
            if not re.fullmatch(r"\d\d-\d\d", v):
                raise ValueError(f"month_day must be MM-DD (e.g. 11-11), got {v!r}")
            try:
                dt.date.fromisoformat(f"2023-{v}")
            except ValueError:
                raise ValueError(f"month_day {v} is not a date of every year") from None
        return v

    @field_validator("dates", mode="before")
    @classmethod
    def _dates_as_text(cls, v: Any) -> Any:
        # an unquoted YAML date (2025-01-29) arrives as a date: the same day the user meant
        if isinstance(v, list):
            return [d.isoformat() if isinstance(d, dt.date) and not isinstance(d, dt.datetime) else d for d in v]
        return v

    @field_validator("dates")
    @classmethod
    def _check_dates(cls, v: list[str]) -> list[str]:
        for d in v:
            dt.date.fromisoformat(d)
        return v

    @model_validator(mode="after")
    def _has_a_date(self) -> HolidayConfig:
        if self.month_day is None and not self.dates:
            raise ValueError("a holiday needs month_day or dates (without either it never happens)")
        return self


def _default_holidays() -> list[HolidayConfig]:
    return [
        HolidayConfig(name="spring_festival", dates=list(SPRING_FESTIVAL.values()), days_before=10,
                      days_after=3, occasion_multiplier=1.8, activity_boost=0.35),
        HolidayConfig(name="618", month_day="06-18", days_before=3, days_after=0,
                      occasion_multiplier=2.5, activity_boost=0.3),
        HolidayConfig(name="double_11", month_day="11-11", days_before=3, days_after=0,
                      occasion_multiplier=3.0, activity_boost=0.4),
    ]


class CalendarConfig(_Node):
    start_date: dt.date = P(dt.date(2025, 1, 1), "Date of reported day 1 (1900-01-01 to 2200-12-31)", "date",
                            source="docs/MODEL.md §2.8")
    holidays: list[HolidayConfig] = Field(default_factory=_default_holidays, description="Holiday calendar")

    @field_validator("start_date")
    @classmethod
    def _plausible_date(cls, v: dt.date) -> dt.date:
        # bounded so that warm-up (up to 10 years before) and the run (up to 100 years after) stay real dates
        if not dt.date(1900, 1, 1) <= v <= dt.date(2200, 12, 31):
            raise ValueError(f"start_date must be between 1900-01-01 and 2200-12-31, got {v}")
        return v


# --------------------------------------------------------------------------- categories


class CategoryConfig(_Node):
    name: str = P("snacks", "Category name", "")
    purchase_interval_days: float = P(
        14.0, "Mean days between purchase occasions of a consumer who buys the category", "days", ge=0.01, le=10_000,
        plausible=(0.5, 2.0),
    )
    need_share: float = P(0.8, "Share of consumers who buy the category at all", "1", ge=0, le=1)
    reference_price: float = P(50.0, "Typical price in the category (price utility is log price / this)", "RMB",
                               ge=0.01, le=MONEY_MAX)
    outside_utility: float = P(
        0.0, "Utility of the outside option on an occasion: buying an unmodelled brand, or nothing (logit)", "utils",
        ge=-100, le=100,
    )
    impulse_rate: float = P(
        0.08, "Chance that an ad click turns into an order without a purchase occasion (impulse buy)",
        "1/click", ge=0, le=1, source="S4 funnel: 500 enter -> 50 buy",
    )


# ---------------------------------------------------------------------------- platforms


class PlatformConfig(_Node):
    name: str = P("tmall", "Platform name", "")
    user_share: float = P(0.9, "Share of consumers active on the platform", "1", ge=0, le=1)
    ad_slots_per_user: float = P(
        20.0, "Ad impressions the platform can show each of its users per day (finite inventory)",
        "impressions/user/day", ge=0, le=1000, plausible=(0.5, 2.0),
    )
    reserve_cpm: float = P(10.0, "Reserve price per 1,000 impressions", "RMB/1000 impr.", ge=0, le=10_000,
                           ui=(0, 100, 1))
    frequency_cap: float = P(
        2.0, "Impressions of one advertiser a platform shows one user per day (limits a bidder's demand)",
        "impressions/user/day", ge=0.001, le=1000,
    )
    invalid_traffic_share: float = P(
        0.319, "Share of sold impressions that are invalid (bots, fraud): paid, never seen",
        "1", ge=0, lt=1, source="S2: 31.9% abnormal traffic in 2019", ui=(0, 0.8, 0.01),
    )
    quality_weight: float = P(
        1.0, "Exponent on brand quality in the ad ranking score bid*quality^w (0 = no quality weighting)",
        "1", ge=0, le=10, source="S15",
    )
    auction_rounds: int = P(4, "Auction rounds per day (budget pacing batches)", "rounds/day", ge=1, le=96)
    commission_rate: float = P(0.05, "Commission on sales made on the platform", "1", ge=0, le=0.9)
    organic_search_rate: float = P(
        0.5, "Chance that a consumer with a purchase occasion searches the platform", "1", ge=0, le=1
    )
    organic_exponent: float = P(
        1.0, "Concentration of organic search results on head brands: weight quality^w * (1+recent sales)^e",
        "1", ge=0, le=5, source="S15",
    )
    hosted_reach_start: float = P(
        1.0, "Organic reach of platform-hosted follower pools on reported day 1", "1", ge=0, le=1, source="S14"
    )
    hosted_reach_end: float = P(1.0, "Organic reach of hosted pools at the end of the throttle", "1", ge=0, le=1)
    hosted_throttle_days: int = P(365, "Days over which hosted reach moves from start to end", "days", ge=1,
                                  le=36_500)


# ---------------------------------------------------------------------------------- ads


class AdsConfig(_Node):
    adstock_decay: float = P(
        0.6, "Geometric ad-stock carry-over theta: x*_t = x_t + theta x*_{t-1}", "1/day", ge=0, lt=1,
        source="docs/MODEL.md §7.2 (0.5-0.8); Robyn/Meridian adstock",
    )
    hill_half: float = P(2.0, "Hill half-saturation ad stock K", "impressions", ge=1e-6, le=1000)
    hill_shape: float = P(1.5, "Hill shape alpha", "1", ge=0.01, le=10)
    ctr: float = P(
        0.015, "Click-through probability of an attended, valid impression", "1/impression", ge=0, le=1,
        source="online CTR 0.5-2% (docs/MODEL.md §1, F2)",
    )
    awareness_per_exposure: float = P(
        0.05, "Awareness gained per attended impression without a click", "1/impression", ge=0, le=1
    )
    wearout_frequency: float = P(
        3.0, "Attended impressions of one brand per day beyond which extra impressions are wasted and irritate",
        "impressions/day", ge=0, le=1000,
    )
    wearout_trust_penalty: float = P(
        0.02, "Trust lost per impression past the wear-out frequency (negative marginal effect)", "1/impression",
        ge=0, le=1,
    )
    annoyance_per_wasted: float = P(0.01, "Annoyance added per wasted impression", "1/impression", ge=0, le=1)
    bid_prior_conversion: float = P(
        0.002, "Prior new customers per valid impression a brand assumes before it has data", "1/impression",
        ge=0, le=1, source="CTR 1.5% x ~15% of clicks ordering",
    )
    bid_prior_impressions: float = P(
        # at least one: the bid divides by (valid impressions + this), which is 0 before any impression
        20_000, "Weight of that prior, in impressions (people)", "impressions", ge=1, le=PEOPLE_MAX,
    )
    bid_window_days: int = P(30, "Trailing window of the conversion rate used in bids", "days", ge=1, le=365)
    bid_pacing_rate: float = P(
        0.0, "Brand-side bid pacing: a brand that spent its whole ad budget yesterday lowers its bid multiplier by "
        "this factor, one that did not raises it (up to 1); 0 = bid the value", "1/day", ge=0, lt=1)
    annoyance_ctr_drag: float = P(1.0, "CTR multiplier is exp(-drag * annoyance)", "1", ge=0, le=100)


class FatigueConfig(_Node):
    enabled: bool = P(True, "Apply the tolerance cap (ablation switch)", "")
    tolerance_mean: float = P(
        15.0, "Mean number of distinct advertising brands a consumer attends to in the window",
        "brands", ge=0, le=1000, source="S3: ~15 enterprise ads at the same time", ui=(1, 40, 1),
        plausible=(0.5, 2.0),
    )
    tolerance_sd: float = P(0.3, "Spread of the tolerance cap (lognormal sigma)", "1", ge=0, le=3)
    window_days: int = P(7, "Window over which distinct attended brands are counted", "days", ge=1, le=365)
    annoyance_decay: float = P(0.9, "Daily carry-over of consumer annoyance", "1/day", ge=0, lt=1)


# ------------------------------------------------------------------------------ choice


class ChoiceConfig(_Node):
    beta_quality: float = P(1.0, "Utility per unit of product quality", "utils", ge=-100, le=100)
    beta_price: float = P(2.0, "Utility lost per unit of log(price / reference price), times sensitivity", "utils",
                          ge=0, le=100)
    beta_trust: float = P(2.0, "Utility per unit of trust in the brand", "utils", ge=-100, le=100)
    beta_ad: float = P(1.0, "Utility per unit of Hill-saturated ad stock", "utils", ge=-100, le=100)
    beta_coupon: float = P(3.0, "Utility per unit of coupon value / price", "utils", ge=-100, le=100)
    beta_tier: float = P(0.7, "Utility per private-pool tier (1-3)", "utils", ge=-100, le=100,
                         source="F4: members' repurchase gain over public only")
    beta_habit: float = P(0.5, "Utility of a brand the consumer has bought before", "utils", ge=-100, le=100)
    beta_touch: float = P(1.5, "Utility of a brand that touched the consumer today (click, read offer, referral)",
                          "utils", ge=-100, le=100)
    initial_awareness: float = P(0.1, "Chance a consumer knows a brand at the start of warm-up", "1", ge=0, le=1)
    initial_trust: float = P(0.1, "Initial trust of every consumer in every brand", "1", ge=0, le=1)
    consideration_threshold: float = P(
        0.5, "Awareness at which a brand enters the consideration set", "1", ge=0, le=1
    )
    awareness_decay: float = P(0.005, "Daily awareness loss of non-customers (forgetting)", "1/day", ge=0, le=1)
    trust_from_purchase: float = P(0.15, "Trust gained toward (1) from each purchase", "1", ge=0, le=1)
    attribution_window_days: int = P(
        7, "Touches within this window compete for an order's channel", "days", ge=1, le=365,
        source="docs/MODEL.md §7.4",
    )
