"""The configuration tree: every parameter of the model, with unit, default, range and source.

One pydantic v2 tree is the single source of parameters. Scenario files, the CLI's
``--set``, sweeps and the live app's sliders all read it. Every leaf is declared with
:func:`P`, which records a one-line description, the unit and (where there is one) the
source of the default value in the field's JSON-schema extras, so that documentation and
UI labels come from one place.

Set any parameter by dotted path with :func:`with_overrides`::

    cfg = with_overrides(default_config(), {"brands.0.strategy": "hybrid",
                                            "fatigue.tolerance_mean": 10})

Conventions (MODEL_BRIEF §9): one step is one day; rates are per day unless the name
says otherwise; money is RMB; counts of people are of the represented market
(``population.scale`` people per simulated consumer).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

__all__ = [
    "ConfigError",
    "SimConfig",
    "default_config",
    "with_overrides",
    "get_path",
    "leaf_paths",
    "STRATEGY_PRESETS",
]


class ConfigError(ValueError):
    """An invalid configuration: names the dotted key path and says what is wrong."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


def P(default: Any, desc: str, unit: str = "", *, source: str = "", ui: tuple[float, float, float] | None = None,
      plausible: tuple[float, float] | None = None, **kw: Any) -> Any:
    """A documented parameter: default, one-line description, unit and source; ``ui`` = (min, max, step)
    of its slider in the live app (a teaching range, inside the validated one); ``plausible`` = (low, high)
    factors on the market's value: how far it may plausibly be off, the range ``sim run --sensitivity``
    explores when a scenario names none (docs/METRICS.md §6c)."""
    extra: dict[str, Any] = {"unit": unit}
    if source:
        extra["source"] = source
    if ui is not None:
        extra["ui"] = list(ui)
    if plausible is not None:
        extra["plausible"] = list(plausible)
    return Field(default, description=desc, json_schema_extra=extra, **kw)


def _takes_number(annotation: Any) -> bool:
    """Whether a field of this type reads numbers and not true/false."""
    if get_origin(annotation) is Annotated:
        return _takes_number(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        return any(_takes_number(a) for a in args) and bool not in args and Any not in args
    return annotation in (int, float)


def bool_for_number(annotation: Any, value: Any) -> bool:
    """Whether ``value`` holds true/false where ``annotation`` takes a number.

    pydantic reads true as 1 and false as 0 even in a number field (``tolerance_mean: true`` would run
    with 1.0): a silent reinterpretation of what is almost always a misplaced value.
    """
    if isinstance(value, bool):
        return _takes_number(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return bool_for_number(args[0], value)
    if origin in (Union, types.UnionType):
        return any(bool_for_number(a, value) for a in args)
    if isinstance(value, list | tuple) and origin in (list, tuple) and args:
        items = [a for a in args if a is not Ellipsis]
        per_item = items if origin is tuple and len(items) == len(value) else [items[0]] * len(value)
        return any(bool_for_number(a, v) for a, v in zip(per_item, value, strict=False))
    if isinstance(value, dict) and origin is dict and len(args) == 2:
        return any(bool_for_number(args[1], v) for v in value.values())
    if isinstance(value, dict) and isinstance(annotation, type) and issubclass(annotation, BaseModel) \
            and not issubclass(annotation, NoBoolNumbers):  # (a NoBoolNumbers model checks itself)
        fields = annotation.model_fields
        return any(bool_for_number(fields[k].annotation, v) for k, v in value.items() if k in fields)
    return False


BOOL_NOT_NUMBER = "bool_not_number"


def error_loc(err: dict[str, Any]) -> tuple[Any, ...]:
    """A pydantic error's location, down to the field for a true/false given for a number."""
    loc = tuple(err["loc"])
    return loc + (err["ctx"]["field"],) if err["type"] == BOOL_NOT_NUMBER else loc


def _mentions_number(annotation: Any) -> bool:
    """Whether a bool could hide anywhere in a value of this type (a number, or a container of numbers)."""
    if _takes_number(annotation):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return not issubclass(annotation, NoBoolNumbers)
    return any(_mentions_number(a) for a in get_args(annotation) if a is not Ellipsis and not isinstance(a, str))


class NoBoolNumbers(BaseModel):
    """A model whose number fields refuse true/false (see :func:`bool_for_number`)."""

    @model_validator(mode="before")
    @classmethod
    def _no_bool_numbers(cls, data: Any) -> Any:
        # one pass over the input per node, over the fields that hold numbers (a validator per field made
        # validating the whole tree ten times slower)
        if isinstance(data, dict):
            numeric = cls.__dict__.get("_numeric_fields")
            if numeric is None:  # field -> (its type, whether it is a plain number), cached per class
                numeric = {k: (f.annotation, _takes_number(f.annotation)) for k, f in cls.model_fields.items()
                           if _mentions_number(f.annotation)}
                cls._numeric_fields = numeric  # type: ignore[attr-defined]
            for k, (ann, plain) in numeric.items():
                v = data.get(k)
                if (v.__class__ is bool and plain) or (isinstance(v, list | tuple | dict) and bool_for_number(ann, v)):
                    # (a custom error type, so that the error's location can name the field, not its node)
                    raise PydanticCustomError(BOOL_NOT_NUMBER, "a number is needed here, not true/false",
                                              {"field": k})
        return data


class _Node(NoBoolNumbers):
    """Base of every config node: unknown keys are errors, NaN and inf and true/false for numbers are rejected."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


# Bounds on money and head counts: far beyond any real order, day or market, and far enough from float
# overflow that a slip (a price of 1e308) is an error and not an inf in the ledger.
MONEY_MAX = 1e9  # RMB: an order, a day's budget or cost, a coupon
CASH_MAX = 1e12  # RMB: a brand's cash
PEOPLE_MAX = 1e12  # people: caps and capacities


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
                            source="MODEL_BRIEF §9")
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
        source="MODEL_BRIEF §5 (0.5-0.8); Robyn/Meridian adstock",
    )
    hill_half: float = P(2.0, "Hill half-saturation ad stock K", "impressions", ge=1e-6, le=1000)
    hill_shape: float = P(1.5, "Hill shape alpha", "1", ge=0.01, le=10)
    ctr: float = P(
        0.015, "Click-through probability of an attended, valid impression", "1/impression", ge=0, le=1,
        source="online CTR 0.5-2% (MODEL_BRIEF §9 F2)",
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
        source="MODEL_BRIEF §9",
    )


# ----------------------------------------------------------------------------- private


class OperatingMode(_Node):
    capacity: float = P(3000, "Members one operator can serve", "people/operator", ge=1, le=PEOPLE_MAX)
    wage_per_day: float = P(300.0, "Operator cost per day, paid whether or not members buy", "RMB/day", ge=0,
                            le=MONEY_MAX, plausible=(0.5, 2.0))
    content_value: float = P(0.04, "Trust gained per content message read", "1/message", ge=0, le=1)
    tier_up: float = P(0.03, "Chance a content message read moves a member up one tier", "1/message", ge=0, le=1)
    message_response: float = P(
        0.01, "Chance a read message triggers an order without a purchase occasion", "1/message", ge=0, le=1
    )


def _default_modes() -> dict[str, OperatingMode]:
    return {
        # seed 001: shopping assistant, one-to-many, thousands per operator, cheap.
        "assistant": OperatingMode(capacity=3000, wage_per_day=300, content_value=0.03, tier_up=0.02,
                                   message_response=0.008),
        # seed 001: topic expert running community groups.
        "expert": OperatingMode(capacity=1500, wage_per_day=400, content_value=0.05, tier_up=0.04,
                                message_response=0.012),
        # seed 001 / S5: private partner, one-to-one, ~300 friends per operator.
        "partner": OperatingMode(capacity=300, wage_per_day=400, content_value=0.08, tier_up=0.08,
                                 message_response=0.03),
    }


class PrivateConfig(_Node):
    attention_limit_enabled: bool = P(
        True, "A member's daily reading attention is shared by every pool that messages them (ablation switch)", "",
        source="S13: the more brands run pools, the more users are annoyed",
    )
    group_size: int = P(500, "Members per group (WeChat cap)", "people", ge=1, le=100_000,
                        source="WeChat group cap 500")
    join_base: float = P(0.3, "Chance a buyer joins the pool when offered with no incentive", "1", ge=0, le=1,
                         source="F4: a pool large enough to lift brand-wide repurchase")
    join_per_rmb: float = P(0.03, "Added join chance per RMB of join incentive (red packet)", "1/RMB", ge=0, le=1)
    join_max: float = P(0.7, "Cap on the join chance", "1", ge=0, le=1)
    activity_decay: float = P(0.05, "Daily decay of group activity toward its floor without value", "1/day", ge=0, le=1)
    activity_floor: float = P(0.1, "Activity of a quiet group (S13: most groups are silent)", "1", ge=0, le=1)
    activity_from_content: float = P(
        0.1, "Activity regained per content message read per member", "1", ge=0, le=10
    )
    activity_from_spam: float = P(0.03, "Activity lost per coupon message read per member", "1", ge=0, le=10)
    activity_initial: float = P(0.5, "Activity of a newly opened group", "1", ge=0, le=1)
    coupon_response: float = P(
        15.0, "Weight of a coupon read, relative to a content read, in triggering an order (pull-forward demand)",
        "x", ge=0, le=100, source="S10: harvesting wins the first weeks", plausible=(0.5, 2.0),
    )
    pull_forward_days: float = P(
        14.0, "Days of future demand a read message can pull forward: the message response scales with "
        "min(1, this / the category's purchase interval)", "days", ge=0, le=10_000,
        source="S11: low-frequency products rarely repurchase",
    )
    tier3_read_bonus: float = P(0.3, "Extra read chance of loyal (tier 3) members", "1", ge=0, le=1)
    coupon_fatigue_decay: float = P(0.97, "Daily carry-over of coupon fatigue", "1/day", ge=0, lt=1, source="S11")
    coupon_fatigue_per_coupon: float = P(0.05, "Coupon fatigue added per coupon read", "1", ge=0, le=10)
    irritation_per_coupon: float = P(0.03, "Irritation added per coupon message received", "1", ge=0, le=10)
    irritation_per_unread: float = P(0.04, "Irritation added per message received but not read", "1", ge=0, le=10)
    irritation_decay: float = P(0.93, "Daily carry-over of irritation with a brand's channel", "1/day", ge=0, lt=1)
    mute_rate: float = P(0.01, "Daily chance to mute per unit of irritation above the threshold", "1/day", ge=0, le=1)
    mute_threshold: float = P(0.5, "Irritation a member shrugs off", "1", ge=0, le=100)
    exit_rate_muted: float = P(0.03, "Daily chance a muted member leaves the pool", "1/day", ge=0, le=1)
    tier_down_rate: float = P(0.05, "Daily chance of dropping a tier per unit of irritation", "1/day", ge=0, le=1)
    annoyance_per_unread: float = P(0.005, "Consumer annoyance per unread message", "1", ge=0, le=1)
    modes: dict[str, OperatingMode] = Field(default_factory=_default_modes,
                                            description="Operating modes (seed 001)")


# ----------------------------------------------------------------------- word of mouth


class WomConfig(_Node):
    enabled: bool = P(True, "Word of mouth over the graph (ablation switch)", "")
    rate: float = P(
        0.02, "Daily chance per unit of the neighbour share of customers that a consumer is touched (Bass q)",
        "1/day", ge=0, le=1,
        source="Bass (1969) form (hazard q·F); per day, so not the yearly q≈0.38 of durable-goods fits",
    )
    advocate_weight: float = P(2.0, "Extra weight of loyal (tier 3) members among neighbours", "1", ge=0, le=100)
    referral_boost_per_rmb: float = P(0.05, "Relative rise in the word-of-mouth rate per RMB of referral reward",
                                      "1/RMB", ge=0, le=10)


# --------------------------------------------------------------------------- alliances


class AllianceConfig(_Node):
    name: str = P("alliance", "Alliance name", "")
    members: list[Annotated[int, Field(ge=0)]] = P([], "Indices of the member brands (distinct)", "brand ids")
    offers_per_day: float = P(0.2, "Partner offers each member pushes to its own pool per day", "messages/day",
                              ge=0, le=10)
    fee_per_offer: float = P(0.05, "Fee the offering brand pays the carrying brand per offer delivered",
                             "RMB/message", ge=0, le=1000)
    trust_transfer: float = P(0.3, "Share of trust in the carrier passed to the partner on a read offer", "1",
                              ge=0, le=1, source="S12")
    coupon_value: float = P(5.0, "Coupon in a partner offer", "RMB", ge=0, le=MONEY_MAX)
    novelty: float = P(0.2, "Group activity gained per partner offer read per member when categories differ",
                       "1", ge=0, le=10, source="S12: keeps groups alive")

    @field_validator("members", mode="before")
    @classmethod
    def _no_negative(cls, v: Any) -> Any:
        # said before the generic bound, in words: Python's negative indexing made [0, -5] brand 15
        if isinstance(v, list):
            for m in v:
                if isinstance(m, int) and not isinstance(m, bool) and m < 0:
                    raise ValueError(f"brand index {m} must be 0 or more (members are brand indices)")
        return v

    @field_validator("members")
    @classmethod
    def _two_members(cls, v: list[int]) -> list[int]:
        twice = sorted({m for m in v if v.count(m) > 1})
        if twice:  # [0, 0, 3] is a mistake, not a two-member alliance
            raise ValueError(f"brand {twice[0]} is listed more than once (members must be distinct)")
        if len(v) == 1:
            raise ValueError("an alliance needs at least two distinct brands")
        return v


class AllianceSettings(_Node):
    enabled: bool = P(True, "Alliances operate (switch)", "")
    trust_transfer_enabled: bool = P(True, "Trust transfers through a carrier's channel (ablation switch)", "")
    groups: list[AllianceConfig] = P([], "The alliances", "")


# ------------------------------------------------------------------------- strategies


class StrategyConfig(_Node):
    marketing_budget_per_day: float = P(300.0, "Daily marketing budget (ads + private operations)", "RMB/day", ge=0,
                                        le=MONEY_MAX)
    private_share: float = P(0.0, "Share of the marketing budget for private operations", "1", ge=0, le=1)
    budget_revenue_share: float | None = P(
        None, "If set, the daily marketing budget is this share of the brand's mean daily revenue over the last "
        "budget_window_days (the fixed budget until the brand has sold that long); none = the fixed budget",
        "1", ge=0, le=1, source="S15")
    budget_window_days: int = P(30, "Trailing window of the revenue-share budget", "days", ge=1, le=365)
    bid_lifetime_multiple: float = P(
        1.5, "Customer value used in bids, as a multiple of one order's contribution", "x", ge=0, le=100
    )
    run_pool: bool = P(False, "Runs a private pool", "")
    mode: str = P("assistant", "Operating mode (a key of private.modes)", "")
    pool_location: Literal["owned", "hosted"] = P("owned", "Owned channel (WeChat) or platform-hosted followers", "",
                                                  source="S14")
    max_members: float | None = P(None, "Cap on pool members (people); none = operators' capacity", "people", ge=0,
                                  le=PEOPLE_MAX)
    push_per_day: float = P(0.5, "Messages pushed to each member per day", "messages/day", ge=0, le=50,
                            ui=(0, 5, 0.1))
    content_share: float = P(0.8, "Share of pushes that are content rather than coupons", "1", ge=0, le=1,
                             ui=(0, 1, 0.05))
    coupon_value: float = P(5.0, "Coupon value in a coupon message", "RMB", ge=0, le=MONEY_MAX)
    content_cost_per_message: float = P(200.0, "Cost of producing one day's content push", "RMB/push", ge=0,
                                        le=MONEY_MAX)
    join_incentive: float = P(5.0, "Red packet offered to a buyer for joining", "RMB", ge=0, le=1000)
    referral_reward: float = P(0.0, "Reward paid to a new customer who came by word of mouth", "RMB", ge=0,
                               le=MONEY_MAX)
    staffing: Literal["whole", "hours"] = P(
        "whole", "How operators are paid: whole = at least one full-time operator, in whole operators; "
        "hours = staff-hours bought with the private budget (fractional; none when it is zero)", "")
    adaptive: bool = P(False, "Shift budget monthly toward the channel with the better trailing marginal return", "")
    adaptive_step: float = P(0.1, "Change in private_share per adaptive review", "1", ge=0, le=1)
    adaptive_review_days: int = P(30, "Days between adaptive reviews (trailing window)", "days", ge=1, le=365)
    adaptive_min_share: float = P(0.05, "Lowest private_share the adaptive rule goes to (a small pool kept to measure "
                                  "private returns)", "1", ge=0, le=1)
    adaptive_full_share: float = P(0.9, "Members / capacity at which the adaptive rule counts a pool as full", "1",
                                   ge=0.01, le=1)


def _s(**kw: Any) -> StrategyConfig:
    return StrategyConfig(**kw)


STRATEGY_PRESETS: dict[str, StrategyConfig] = {
    "public_only": _s(private_share=0.0, run_pool=False),
    "private_cultivate": _s(private_share=0.35, run_pool=True, mode="expert", push_per_day=0.5,
                            content_share=0.8, coupon_value=5.0, join_incentive=5.0),
    "private_harvest": _s(private_share=0.35, run_pool=True, mode="assistant", push_per_day=3.0,
                          content_share=0.1, coupon_value=10.0, join_incentive=5.0),
    "hybrid": _s(private_share=0.2, run_pool=True, mode="assistant", push_per_day=0.7, content_share=0.6),
    "alliance_member": _s(private_share=0.35, run_pool=True, mode="expert", push_per_day=0.5, content_share=0.8),
    "adaptive": _s(private_share=0.1, run_pool=True, mode="assistant", push_per_day=0.7, content_share=0.7,
                   adaptive=True, staffing="hours"),
}


def _default_strategies() -> dict[str, StrategyConfig]:
    return {k: v.model_copy(deep=True) for k, v in STRATEGY_PRESETS.items()}


# ------------------------------------------------------------------------------ brands


class BrandConfig(_Node):
    name: str = P("brand", "Brand name", "")
    category: int = P(0, "Index of the brand's category", "", ge=0)
    price: float = P(50.0, "List price of one order", "RMB", ge=0.01, le=MONEY_MAX)
    unit_cost: float = P(25.0, "Cost of goods of one order", "RMB", ge=0, le=MONEY_MAX)
    quality: float = P(1.0, "Product quality (enters choice and the ad/organic ranking)", "1", ge=0.01, le=10)
    initial_cash: float = P(200_000.0, "Cash at the start of warm-up", "RMB", ge=-CASH_MAX, le=CASH_MAX)
    entry_day: int = P(-10_000, "Reported day on which the brand enters (<= 0: present from the start)", "day",
                       ge=-36_500, le=36_500)
    strategy: str = P("public_only", "Strategy (a key of strategies)", "")
    platform: int = P(0, "Index of the platform the brand sells and advertises on", "", ge=0)
    budget_per_day: float | None = P(
        None, "The brand's daily marketing budget (ads + private operations); none = the strategy's", "RMB/day", ge=0,
        le=MONEY_MAX,
    )
    fixed_cost_per_day: float = P(
        0.0, "Overheads paid every day the brand is alive (rent, staff), whatever it sells", "RMB/day", ge=0,
        le=MONEY_MAX, source="F10: with equal overheads, brands that win too few orders run out of cash",
    )


class MarketConfig(_Node):
    focal_brand: int = P(0, "Index of the focal brand (scenarios change its strategy)", "", ge=0)
    private_share: float | None = P(
        None, "If set, assign private_cultivate to this share of the other brands (dedicated random stream)", "1",
        ge=0, le=1, ui=(0, 1, 0.05),
    )
    entrants: int = P(0, "Extra brands entering during the reported run, cloned round-robin from brands", "brands",
                      ge=0, le=10_000)
    entrants_until_day: int = P(365, "Entrants arrive evenly up to this reported day", "day", ge=1, le=36_500)


class RunConfig(_Node):
    days: int = P(365, "Reported days", "days", ge=1, le=36_500)
    warmup_days: int = P(180, "Days of the base market simulated before reported day 1 (not reported)", "days",
                         ge=0, le=3650, source="MODEL_BRIEF §9")


class MetricsConfig(_Node):
    order_log: bool = P(True, "Keep the per-order log (needed for repurchase, LTV and profit-share metrics)", "")


class ReportConfig(_Node):
    discount_rate_per_year: float = P(0.08, "Discount rate for NPV", "1/year", ge=0, le=1)


# --------------------------------------------------------------------------- the tree


class SimConfig(_Node):
    """The whole model configuration."""

    population: PopulationConfig = Field(default_factory=PopulationConfig)
    graph: GraphConfig = Field(default_factory=GraphConfig)
    calendar: CalendarConfig = Field(default_factory=CalendarConfig)
    categories: list[CategoryConfig] = Field(default_factory=lambda: [CategoryConfig()])
    platforms: list[PlatformConfig] = Field(default_factory=lambda: [PlatformConfig()])
    ads: AdsConfig = Field(default_factory=AdsConfig)
    fatigue: FatigueConfig = Field(default_factory=FatigueConfig)
    choice: ChoiceConfig = Field(default_factory=ChoiceConfig)
    private: PrivateConfig = Field(default_factory=PrivateConfig)
    wom: WomConfig = Field(default_factory=WomConfig)
    alliances: AllianceSettings = Field(default_factory=AllianceSettings)
    strategies: dict[str, StrategyConfig] = Field(default_factory=_default_strategies)
    brands: list[BrandConfig] = Field(default_factory=lambda: [BrandConfig()])
    market: MarketConfig = Field(default_factory=MarketConfig)
    run: RunConfig = Field(default_factory=RunConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)

    @model_validator(mode="after")
    def _cross_checks(self) -> SimConfig:
        if not self.categories:
            raise ValueError("categories: at least one category is needed")
        if not self.platforms:
            raise ValueError("platforms: at least one platform is needed")
        if not self.brands:
            raise ValueError("brands: at least one brand is needed")
        for i, b in enumerate(self.brands):
            if b.category >= len(self.categories):
                raise ValueError(f"brands.{i}.category: category {b.category} does not exist"
                                 f"{_index_range(len(self.categories), 'categories')}")
            if b.platform >= len(self.platforms):
                raise ValueError(f"brands.{i}.platform: platform {b.platform} does not exist"
                                 f"{_index_range(len(self.platforms), 'platforms')}")
            if b.strategy not in self.strategies:
                raise ValueError(f"brands.{i}.strategy: unknown strategy {b.strategy!r}"
                                 f"{_suggest(b.strategy, list(self.strategies))}")
        for name, s in self.strategies.items():
            if s.mode not in self.private.modes:
                raise ValueError(f"strategies.{name}.mode: unknown mode {s.mode!r}"
                                 f"{_suggest(s.mode, list(self.private.modes))}")
        if self.market.focal_brand >= len(self.brands):
            raise ValueError(f"market.focal_brand: brand {self.market.focal_brand} does not exist"
                             f"{_index_range(len(self.brands), 'brands')}")
        for j, a in enumerate(self.alliances.groups):
            for k, m in enumerate(a.members):
                if m >= len(self.brands):
                    raise ValueError(f"alliances.groups.{j}.members.{k}: brand {m} does not exist"
                                     f"{_index_range(len(self.brands), 'brands')}")
        return self


def _index_range(n: int, what: str) -> str:
    """What a reference may be: ``what`` is the plural (categories, platforms, brands)."""
    one = {"categories": "category", "platforms": "platform", "brands": "brand"}[what]
    return f" (the market has {what} 0 to {n - 1})" if n > 1 else f" (the market has only {one} 0)"


# --------------------------------------------------------------------------- defaults


def default_config() -> SimConfig:
    """A market that runs out of the box: 10,000 consumers, 20 brands in 3 categories, 2 platforms.

    Brand 0 is the focal snack brand. Categories: snacks (bought about every 14 days),
    accessories (about every 60 days, the 于小戈 case of S7) and furniture (about every
    2 years, S11). Most brands buy public traffic only; a few run pools.
    """
    categories = [
        CategoryConfig(name="snacks", purchase_interval_days=14, need_share=0.8, reference_price=50,
                       outside_utility=0.0, impulse_rate=0.08),
        # outside option: the many accessory brands not modelled take about half of the occasions,
        # so a public-only brand's repurchase rate is about 0.25-0.35 by choice share alone (F4)
        CategoryConfig(name="accessories", purchase_interval_days=60, need_share=0.5, reference_price=150,
                       outside_utility=6.0, impulse_rate=0.05),
        CategoryConfig(name="furniture", purchase_interval_days=730, need_share=0.4, reference_price=2000,
                       outside_utility=0.0, impulse_rate=0.01),
    ]
    platforms = [
        PlatformConfig(name="tmall", user_share=0.85, ad_slots_per_user=10.0, reserve_cpm=10.0),
        PlatformConfig(name="douyin", user_share=0.7, ad_slots_per_user=15.0, reserve_cpm=8.0,
                       commission_rate=0.04, invalid_traffic_share=0.319),
    ]
    # (category, price, unit cost, quality, strategy) for 20 brands; brand 0 is focal.
    spec = [
        (0, 49, 22, 1.2, "public_only"), (0, 39, 20, 1.0, "public_only"), (0, 59, 27, 1.3, "hybrid"),
        (0, 29, 16, 0.7, "public_only"), (0, 45, 22, 1.0, "private_cultivate"), (0, 35, 18, 0.8, "public_only"),
        (0, 55, 25, 1.1, "public_only"), (0, 42, 21, 0.9, "public_only"), (0, 65, 30, 1.4, "public_only"),
        (0, 33, 17, 0.6, "public_only"),
        (1, 159, 60, 1.2, "public_only"), (1, 129, 55, 1.0, "private_cultivate"), (1, 189, 75, 1.3, "public_only"),
        (1, 99, 45, 0.7, "public_only"), (1, 149, 62, 0.9, "hybrid"),
        (2, 2499, 1500, 1.2, "public_only"), (2, 1899, 1150, 1.0, "public_only"),
        (2, 2999, 1750, 1.3, "public_only"), (2, 1499, 950, 0.8, "public_only"), (2, 3499, 2000, 1.1, "public_only"),
    ]
    # marketing budgets about 10% of a brand's expected revenue in this market
    budgets = {0: 300.0, 1: 250.0, 2: 400.0}
    brands = []
    for i, (c, price, cost, q, strat) in enumerate(spec):
        brands.append(BrandConfig(name=f"{categories[c].name}_{i:02d}", category=c, price=price, unit_cost=cost,
                                  quality=q, strategy=strat, platform=i % 2,
                                  initial_cash=2 * 365 * budgets[c], budget_per_day=budgets[c]))
    brands[0].name = "focal_snacks"
    strategies = _default_strategies()
    return SimConfig(categories=categories, platforms=platforms, brands=brands, strategies=strategies)


# -------------------------------------------------------------------------- overrides


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _loc_to_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if not str(p).startswith("function-"))


def validate_config(data: dict[str, Any]) -> SimConfig:
    """Validate a plain dict into a SimConfig, raising ConfigError naming the first bad key path."""
    try:
        return SimConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = _loc_to_path(error_loc(err))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            parent = _resolve_node(SimConfig, err["loc"][:-1], data)
            allowed = list(parent.model_fields) if parent is not None else []
            msg = f"unknown key{_suggest(str(err['loc'][-1]), allowed)}"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
            # cross-check messages already start with the path
            if ": " in msg and msg.split(": ", 1)[0].count(".") and not path:
                path, msg = msg.split(": ", 1)
        raise ConfigError(path, msg) from None


def _resolve_node(model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> type[BaseModel] | None:
    """The pydantic model class at a location, for 'did you mean' suggestions."""
    cur: Any = model
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            continue
        if isinstance(cur, type) and issubclass(cur, BaseModel):
            field = cur.model_fields.get(str(part))
            if field is None:
                # dict-valued node (strategies.<name>, private.modes.<name>)
                continue
            cur = _inner_model(field.annotation)
        else:
            return None
    return cur if isinstance(cur, type) and issubclass(cur, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if args:
        for a in reversed(args):
            inner = _inner_model(a)
            if inner is not None:
                return inner
    return None


def _index(part: str) -> int | None:
    """A list index written in a dotted path: ASCII digits only (no sign: -1 would count from the end)."""
    return int(part) if part.isascii() and part.isdigit() else None


def get_path(cfg: SimConfig | dict[str, Any], path: str) -> Any:
    """The value at a dotted path (``brands.0.price``); IndexError for a negative or missing index."""
    cur: Any = cfg.model_dump(mode="python") if isinstance(cfg, BaseModel) else cfg
    for part in path.split("."):
        if isinstance(cur, list):
            idx = _index(part)
            if idx is None:
                raise IndexError(f"{path}: {part!r} is not an index (0 or more)")
            cur = cur[idx]
        else:
            cur = cur[part]
    return cur


def _container(walked: list[str]) -> tuple[str, type[BaseModel] | None]:
    """What the node at a path is: ("model", cls), ("dict", value cls), ("list", item cls) or ("value", None)."""
    kind: str = "model"
    cls: Any = SimConfig
    for part in walked:
        if kind in ("dict", "list"):
            kind = "model" if cls is not None else "value"
            continue
        field = cls.model_fields.get(part) if cls is not None else None
        if field is None:
            return "value", None
        ann = field.annotation
        origin = get_origin(ann)
        if origin is dict:
            kind, cls = "dict", _inner_model(get_args(ann)[1])
        elif origin is list:
            kind, cls = "list", _inner_model(get_args(ann)[0])
        else:
            cls = _inner_model(ann)
            kind = "model" if cls is not None else "value"
    return kind, cls


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    cur: Any = data
    walked: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(walked) or "the configuration"
        if isinstance(cur, list):
            idx = _index(part)
            if idx is None and part.startswith("-") and part[1:].isascii() and part[1:].isdigit():
                # Python would count from the end: brands.-1 is the last brand, not a mistake caught
                raise ConfigError(path, f"an index must be 0 or more, got {part} ({where} is a list)")
            if idx is None:
                raise ConfigError(path, f"{where} is a list: use an index, not {part!r}")
            if idx >= len(cur):
                raise ConfigError(path, f"index {idx} out of range ({len(cur)} items in {where})")
            if last:
                cur[idx] = value
            else:
                cur = cur[idx]
        elif isinstance(cur, dict):
            if part not in cur:
                kind, cls = _container(walked)
                if kind == "model" and cls is not None and part not in cls.model_fields:
                    raise ConfigError(path, f"unknown key {part!r}{_suggest(part, list(cls.model_fields))}")
                if not last:  # a new entry of a dict-valued section (strategies, modes)
                    cur[part] = {}
            if last:
                cur[part] = value
            else:
                cur = cur[part]
        else:
            raise ConfigError(path, f"{where} is a value, not a section")
        walked.append(part)


def with_overrides(cfg: SimConfig, overrides: dict[str, Any]) -> SimConfig:
    """A new config with values set by dotted path, validated as a whole.

    >>> c = with_overrides(default_config(), {"brands.0.strategy": "hybrid"})
    >>> c.brands[0].strategy
    'hybrid'
    """
    data = cfg.model_dump(mode="python")
    for path, value in overrides.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(path, f"value must be a finite number, got {value}")
        _set_path(data, path, value)
    return validate_config(data)


def leaf_paths(model: type[BaseModel] = SimConfig, prefix: str = "") -> dict[str, Any]:
    """Documented scalar leaves of a model class: dotted path -> pydantic FieldInfo."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        inner = _inner_model(field.annotation)
        if inner is not None and field.annotation is not None:
            out.update(leaf_paths(inner, path + "."))
        else:
            out[path] = field
    return out
