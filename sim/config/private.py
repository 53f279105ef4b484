"""The private side's parameters: pools and their operating modes, word of mouth, alliances."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator

from .fields import MONEY_MAX, PEOPLE_MAX, P, _Node

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
