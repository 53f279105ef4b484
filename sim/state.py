"""Consumer state as a struct of arrays over the whole population (N consumers × B brands)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from . import arrays as ar
from .config import SimConfig

# day index meaning "never happened": before every warm-up day (run.warmup_days <= 3650), and close enough
# to day 0 that day - NEVER fits an int16 for every day a short run reaches (stamp_dtype)
NEVER = -(2**14)
LAST_SHORT_STAMP_DAY = 2**15 - 1 + NEVER  # 16,383: the last day an int16 stamp holds with day - NEVER in range


def stamp_dtype(last_day: int) -> type:
    """The dtype of the day stamps (``last_attended``, ``t_paid``, ...) of a run that reaches ``last_day``.

    int16 where every day fits (runs up to about 34 years with the calendar's margin), int32 for longer
    ones: eight (N, B) columns at half the memory, 320 MB fewer at 1,000,000 × 20. Stamps are only
    compared with windows (day - stamp < window), and those differences fit the dtype too.
    """
    return np.int16 if last_day <= LAST_SHORT_STAMP_DAY else np.int32

# drawn at initialisation (init_state) and re-derived when an arm starts (apply_traits); no daily
# phase writes them. Every other column belongs to an engine component (sim.engine.component).
TRAITS = ("needs", "rate_mult", "price_sens", "tolerance", "slots", "attention", "on_platform")


@dataclass
class ConsumerState:
    """All per-consumer and per-(consumer, brand) state. Shapes: (N,), (N, C), (N, P) or (N, B)."""

    # traits
    needs: np.ndarray  # bool (N, C): buys the category at all
    rate_mult: np.ndarray  # f32 (N,): individual purchase-frequency multiplier (mean 1)
    price_sens: np.ndarray  # f32 (N,)
    tolerance: np.ndarray  # i32 (N,): K_i, distinct advertising brands attended in the window
    slots: np.ndarray  # i32 (N,): private-channel slots
    attention: np.ndarray  # f32 (N,): messages read per day
    on_platform: np.ndarray  # bool (N, P)
    annoyance: np.ndarray  # f32 (N,)
    # per brand
    awareness: np.ndarray  # f32 (N, B) in [0, 1]
    trust: np.ndarray  # f32 (N, B) in [0, 1]
    adstock: np.ndarray  # f32 (N, B): geometric ad stock of effective impressions
    coupon: np.ndarray  # f32 (N, B): face value of the coupon held (RMB)
    coupon_fatigue: np.ndarray  # f32 (N, B)
    irritation: np.ndarray  # f32 (N, B): irritation with the brand's private channel
    tier: np.ndarray  # i8 (N, B): 0 not a member, 1 member, 2 engaged, 3 loyal
    muted: np.ndarray  # bool (N, B)
    group: np.ndarray  # i32 (N, B): group index within the brand's pool, -1 if none
    orders: np.ndarray  # i32 (N, B): orders ever placed (warm-up included)
    # day stamps: int16 or int32 (N, B), see stamp_dtype; NEVER where it never happened
    last_attended: np.ndarray  # last day the brand's ad was attended
    last_reached: np.ndarray  # last day a valid impression of the brand reached the consumer
    t_private: np.ndarray  # last day a message of the brand was read (member)
    t_alliance: np.ndarray  # last day a partner offer for the brand was read
    t_paid: np.ndarray  # last day an attended valid impression of the brand
    t_wom: np.ndarray  # last word-of-mouth touch
    coupon_day: np.ndarray  # day the coupon held was received
    member_seen: np.ndarray  # last day the consumer was in the pool (tier >= 1)

    @property
    def n(self) -> int:
        return self.rate_mult.shape[0]

    def float_arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name).dtype.kind == "f"}


@dataclass
class TraitDraws:
    """The random draws behind consumer traits, kept so that traits can be re-derived from a new config.

    Warm-up runs the base market; an arm that changes, say, ``fatigue.tolerance_mean`` re-derives
    tolerance caps from the same draws on reported day 1 (docs/MODEL.md §2.9: arms apply from day 1).
    """

    u_needs: np.ndarray  # (N, C) uniforms
    z_rate: np.ndarray  # (N,) standard normals
    z_price: np.ndarray
    z_tolerance: np.ndarray
    u_slots: np.ndarray  # (N,) uniforms (Poisson quantiles)
    z_attention: np.ndarray
    u_platform: np.ndarray  # (N, P) uniforms


def _lognormal_from(z: np.ndarray, mean: float, sigma: float) -> np.ndarray:
    """Lognormal with the given mean from standard normals z (mu = ln mean − σ²/2)."""
    if mean <= 0:
        return np.zeros_like(z)
    return ar.libm(math.exp, math.log(mean) - sigma**2 / 2 + sigma * np.asarray(z, float))


def apply_traits(st: ConsumerState, draws: TraitDraws, cfg: SimConfig) -> None:
    """(Re)derive traits from their draws under ``cfg``. Slots never drop below current memberships."""
    from scipy.stats import poisson

    pop = cfg.population
    f32 = np.float32
    st.needs = draws.u_needs < np.array([c.need_share for c in cfg.categories])[None, :]
    st.rate_mult = _lognormal_from(draws.z_rate, 1.0, pop.purchase_rate_sd).astype(f32)
    st.price_sens = _lognormal_from(draws.z_price, pop.price_sensitivity_mean, pop.price_sensitivity_sd).astype(f32)
    st.tolerance = np.rint(_lognormal_from(draws.z_tolerance, cfg.fatigue.tolerance_mean,
                                           cfg.fatigue.tolerance_sd)).astype(np.int32)
    slots = poisson.ppf(draws.u_slots, pop.channel_slots_mean).astype(np.int32)
    used = (st.tier > 0).sum(axis=1) if st.tier.size else 0
    st.slots = np.maximum(slots, used).astype(np.int32)
    st.attention = _lognormal_from(draws.z_attention, pop.read_attention_mean, 0.5).astype(f32)
    st.on_platform = draws.u_platform < np.array([p.user_share for p in cfg.platforms])[None, :]


def init_state(cfg: SimConfig, n_brands: int, rng: np.random.Generator, last_day: int | None = None
               ) -> tuple[ConsumerState, TraitDraws]:
    """Draw consumer traits and initial brand awareness from the population stream.

    ``last_day``: the last day the run can reach (default ``run.days``), which sets :func:`stamp_dtype`.
    """
    N, C, P, B = cfg.population.agents, len(cfg.categories), len(cfg.platforms), n_brands
    f32 = np.float32
    draws = TraitDraws(u_needs=rng.random((N, C)), z_rate=rng.standard_normal(N), z_price=rng.standard_normal(N),
                       z_tolerance=rng.standard_normal(N), u_slots=rng.random(N), z_attention=rng.standard_normal(N),
                       u_platform=rng.random((N, P)))

    stamp = stamp_dtype(cfg.run.days if last_day is None else last_day)

    def nb(dtype, fill=0):
        return np.full((N, B), fill, dtype=dtype)

    awareness = (rng.random((N, B)) < cfg.choice.initial_awareness).astype(f32)
    empty = np.zeros(0)
    st = ConsumerState(
        needs=empty, rate_mult=empty, price_sens=empty, tolerance=empty, slots=empty, attention=empty,
        on_platform=empty, annoyance=np.zeros(N, f32), awareness=awareness, trust=nb(f32, cfg.choice.initial_trust),
        adstock=nb(f32), coupon=nb(f32), coupon_fatigue=nb(f32), irritation=nb(f32), tier=nb(np.int8),
        muted=nb(bool, False), group=nb(np.int32, -1), orders=nb(np.int32), last_attended=nb(stamp, NEVER),
        last_reached=nb(stamp, NEVER), t_private=nb(stamp, NEVER), t_alliance=nb(stamp, NEVER), t_paid=nb(stamp, NEVER),
        t_wom=nb(stamp, NEVER), coupon_day=nb(stamp, NEVER), member_seen=nb(stamp, NEVER),
    )
    apply_traits(st, draws, cfg)
    return st, draws
