"""TrafficModel: the Mesa model. It builds the components and runs them in the order of
docs/MODEL.md §3; the mechanisms live in the components (:mod:`sim.engine`).

One step is one day: the calendar; brands decide; auctions sell; the consumer update (delivery,
exposure, private pools and alliance offers, touches, purchases, joining); billing, the ledger
and its checks; history and metrics; exits. The consumer update is array code over the whole
population; the Python loops of the engine run over brands, platforms and categories, never
over consumers.
"""

from __future__ import annotations

import time
from typing import Any

import mesa
import numpy as np

from .. import calendar as cal
from .. import choice as ch
from ..agents import Brand, Consumer, Platform
from ..config import SimConfig, default_config
from ..graph import build_graph
from ..metrics import DailyRecorder
from ..rng import make_streams, seed_sequence
from ..state import apply_traits, init_state
from .accounts import Accounts
from .alliance_offers import Alliances
from .auctions import Auctions
from .brands import BrandTable, History, build_brands
from .consumers import ArrayConsumers, ConsumerUpdate
from .exposure import Exposure
from .knobs import apply_knobs, assign_private_share
from .private_pools import PrivatePools
from .purchases import Purchases
from .records import AdsBilled, Census, ConsumerDay, Money, Today
from .touches import Touches

# days the calendar (and the day stamps' dtype) allows past run.days, for models stepped on (the live app)
CALENDAR_MARGIN_DAYS = 3660

# the components whose daily phases write consumer state, in the order they run
COMPONENTS = (Exposure, PrivatePools, Alliances, Touches, Purchases)


class TrafficModel(mesa.Model):
    """Public vs private traffic: consumers, brands and ad platforms on a social graph.

    Args:
        config: the market (default: :func:`sim.default_config`).
        seed: int, sequence of ints (e.g. ``[base_seed, replication]``) or SeedSequence.
        base_config: the market simulated during warm-up, if it differs from ``config``
            (scenario arms: "from today, if we do X"); same population, graph and brands.
        consumer_update: the class that advances consumers each day (default: the engine's
            :class:`~sim.engine.consumers.ArrayConsumers`; :mod:`sim.reference` plugs in here).
        **knobs: main knobs by keyword (see :data:`KNOBS`), for batch_run and the app.

    Constructing the model runs ``run.warmup_days`` unreported days; :meth:`step` then
    advances one reported day.
    """

    def __init__(self, config: SimConfig | None = None, seed: Any = None, base_config: SimConfig | None = None,
                 consumer_update: type[ConsumerUpdate] = ArrayConsumers, **knobs: Any):
        ss = seed_sequence(seed)
        # rng=, not seed=: Mesa 3.5 deprecates seed= (FutureWarning); with an int both give model.random and
        # model.rng the same streams, and every Mesa from 3.1 takes rng=
        super().__init__(rng=int(ss.generate_state(1)[0]))
        self.seed_sequence = ss
        cfg = config if config is not None else default_config()
        if knobs:
            cfg = apply_knobs(cfg, knobs)
        self.streams = make_streams(ss)
        cfg = assign_private_share(cfg, self.streams["strategy"])
        warm_cfg = cfg if base_config is None else assign_private_share(
            apply_knobs(base_config, knobs) if knobs else base_config, make_streams(ss)["strategy"])
        self.cfg, self.final_cfg = warm_cfg, cfg
        self.scale = cfg.population.scale
        self.running = True
        brand_cfgs, final_brands = build_brands(warm_cfg), build_brands(cfg)
        if len(final_brands) != len(brand_cfgs):
            raise ValueError("the warm-up market and the run must have the same brands "
                             f"({len(brand_cfgs)} vs {len(final_brands)})")
        self.n_brands = B = len(brand_cfgs)
        self.graph = build_graph(cfg.graph.kind, None if cfg.graph.kind == "edgelist" else cfg.population.agents,
                                 self.streams["graph"], mean_degree=cfg.graph.mean_degree,
                                 rewire_prob=cfg.graph.rewire_prob, communities=cfg.graph.communities,
                                 mixing=cfg.graph.mixing, path=cfg.graph.path)
        if self.graph.n != cfg.population.agents:
            raise ValueError(f"population.agents is {cfg.population.agents} but the edge list "
                             f"{cfg.graph.path} has {self.graph.n} nodes")
        self.N = self.graph.n
        # the warm-up market defines consumers, platforms and brands until reported day 1
        last_day = max(cfg.run.days, 1) + CALENDAR_MARGIN_DAYS  # the calendar's end: no step goes past it
        self.state, self.trait_draws = init_state(warm_cfg, B, self.streams["population"], last_day=last_day)
        self.brand_table = BrandTable(self, B)
        self.brand_table.configure(warm_cfg, brand_cfgs)
        self.platforms = [Platform(self, p, pc) for p, pc in enumerate(warm_cfg.platforms)]
        self.brands = [Brand(self, b, brand_cfg) for b, brand_cfg in enumerate(brand_cfgs)]
        self._views: dict[int, Consumer] = {}  # registered up to population.agent_views_max (docs/MODEL.md §9)
        if self.N <= cfg.population.agent_views_max:
            for i in range(self.N):
                self._views[i] = Consumer(self, i)
        self.auctions = Auctions(self)
        self.auctions.segment()
        self.exposure, self.pools, self.alliances = Exposure(self), PrivatePools(self, B), Alliances(self)
        self.touches, self.purchases, self.accounts = Touches(self), Purchases(self), Accounts(self)
        self.consumer_update = consumer_update(self)
        self.consumer_seconds = 0.0  # wall time spent in the consumer update (benchmarks)
        self.history = History(B)
        self.recorder = DailyRecorder(self)
        self.orders_log: list[dict[str, np.ndarray]] = []
        warm = cfg.run.warmup_days
        self.day = -warm  # the day just simulated; reported day 1 comes after warm-up
        self.calendar = cal.build_calendar(cfg.calendar, -warm, last_day)
        self.datacollector = mesa.DataCollector(model_reporters={
            "day": lambda m: m.day,
            "revenue": lambda m: m.recorder.last_total("revenue"),
            "profit": lambda m: m.recorder.last_total("profit"),
            "ad_spend": lambda m: m.recorder.last_total("ad_spend"),
            "pool_members": lambda m: m.recorder.last_total("pool_members"),
            "brands_alive": lambda m: m.recorder.last_total("alive"),
        })
        for _ in range(warm):
            self._advance_day(reported=False)
        if cfg is not warm_cfg:
            self._start_arm(cfg, final_brands)
        self.ledger.drop_before(1)

    def _start_arm(self, cfg: SimConfig, brand_cfgs: list) -> None:
        """An arm's overrides apply from reported day 1: traits, platforms, brands, segments."""
        self.cfg = cfg
        apply_traits(self.state, self.trait_draws, cfg)
        for plat in self.platforms:
            plat.cfg = cfg.platforms[plat.index]
        for b in self.brands:
            b.cfg = brand_cfgs[b.index]
        self.brand_table.configure(cfg, brand_cfgs)
        self.auctions.segment()
        for b in self.brands:
            if not b.strategy.adaptive:
                b.private_share = b.strategy.private_share

    # ------------------------------------------------------------------ public helpers
    @property
    def ledger(self):
        return self.accounts.ledger

    def consumer(self, i: int) -> Consumer:
        """The Mesa view of consumer i (made on demand above population.agent_views_max)."""
        if i not in self._views:
            self._views[i] = Consumer(self, i)
        return self._views[i]

    def alive_mask(self, day: int) -> np.ndarray:
        return self.brand_table.alive(day)

    def trailing(self, b: int, keys: tuple[str, ...], window: int) -> tuple[float, ...]:
        """Sums over the last ``window`` days of brand-level history (agent units)."""
        return self.history.trailing(b, keys, window)

    # ------------------------------------------------------------------ Mesa API
    def step(self) -> None:
        """Advance one reported day and collect data."""
        self._advance_day(reported=True)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ the day
    def _advance_day(self, reported: bool) -> None:
        """One day, in the order of docs/MODEL.md §3."""
        today = self._today()  # 1. calendar; brands in the market
        plans = self.brand_table.decide(today)  # 2. budgets, bids, operators
        ads = self.auctions.sell(today, plans)  # 3. auctions per targeting segment
        started = time.perf_counter()
        day = self.consumer_update.step(today, ads)  # 3-7. delivery to joining, over consumers
        self.consumer_seconds += time.perf_counter() - started
        billed = self.auctions.bill(ads, day.delivered.valid)  # 8. spend on what was delivered
        census = self.pools.census(today)  # 8. the pools' members, counted once for the checks and the metrics
        money = self.accounts.settle(today, billed, day, census)  # 8. ledger, invariants, cash
        self._push_history(billed, day, money)
        if reported:
            self._record(today, billed, day, money, census)
        self.accounts.exits(today)  # 8. brands without cash leave; entrants enter on their day
        self.day = today.day

    def _today(self) -> Today:
        t = self.day + 1
        occasion_mult, activity_boost = cal.multipliers(self.calendar, t)
        return Today(day=t, alive=self.brand_table.alive(t), occasion_mult=occasion_mult,
                     activity_boost=activity_boost)

    def _push_history(self, billed: AdsBilled, day: ConsumerDay, money: Money) -> None:
        B, orders = self.n_brands, day.orders
        o_b, private = orders.brand, orders.channel == ch.PRIVATE
        self.history.push({
            "new_paid": np.bincount(o_b[orders.new & (orders.channel == ch.PAID)], minlength=B).astype(float),
            "valid_impressions": billed.delivered,
            "ad_spend": billed.ad_spend,
            "contribution_private": np.bincount(o_b[private], orders.contribution[private], B),
            "wages": money.flows["wages"],
            "incentives": day.joins.incentives,
            "orders": np.bincount(o_b, minlength=B).astype(float),
            "revenue": money.flows["revenue"],
        })

    def _record(self, today: Today, billed: AdsBilled, day: ConsumerDay, money: Money, census: Census) -> None:
        self.recorder.record_market(today.day, day.delivered)
        self.recorder.record(today, billed, day, money, census)
        if self.final_cfg.metrics.order_log:
            o = day.orders
            self.orders_log.append({"day": np.full(o.consumer.size, today.day, np.int32),
                                    "consumer": o.consumer.astype(np.int32), "brand": o.brand.astype(np.int16),
                                    **o.columns()})
