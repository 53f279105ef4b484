"""Strategies, brands, the run's settings, the whole tree :class:`SimConfig` and the default market."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .fields import CASH_MAX, MONEY_MAX, PEOPLE_MAX, P, _Node
from .market import (
    AdsConfig,
    CalendarConfig,
    CategoryConfig,
    ChoiceConfig,
    FatigueConfig,
    GraphConfig,
    PlatformConfig,
    PopulationConfig,
)
from .private import AllianceSettings, PrivateConfig, WomConfig
from .suggestions import suggest

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
                         ge=0, le=3650, source="docs/MODEL.md §2.9")
    backend: Literal["cpu", "cuda"] = P(
        "cpu", "Where the exposure and touch kernels run: cpu (every core) or cuda (an NVIDIA GPU through "
        "numba-cuda, experimental; docs/PERFORMANCE.md)", "")


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
                                 f"{suggest(b.strategy, list(self.strategies))}")
        for name, s in self.strategies.items():
            if s.mode not in self.private.modes:
                raise ValueError(f"strategies.{name}.mode: unknown mode {s.mode!r}"
                                 f"{suggest(s.mode, list(self.private.modes))}")
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
