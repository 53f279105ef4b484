"""TrafficModel: the Mesa model and its daily schedule (MODEL_BRIEF §4).

One step is one day:

1. calendar multipliers;
2. brands decide budgets, bids and operators (:meth:`Brand.decide`);
3. platforms auction their inventory per targeting segment; impressions are delivered;
4. private channels deliver pushes and alliance offers; consumers read within attention;
5. consumers update ad stock, fatigue, awareness, trust, annoyance; mute, leave, change tier;
6. consumers with a purchase occasion choose a brand or none; clicks and messages may
   trigger impulse orders; every order gets one channel;
7. buyers may join the brand's pool; word of mouth touches neighbours next day;
8. money moves (ledger), invariants are checked, metrics recorded, brands without cash
   exit, scheduled entrants enter.

The consumer update is array code over the whole population; the Python loops in this
file run over brands, platforms and categories, never over consumers.
"""

from __future__ import annotations

import time
from typing import Any

import mesa
import numpy as np

from . import alliances as alli
from . import arrays as ar
from . import calendar as cal
from . import choice as ch
from . import fatigue as fat
from . import pools, wom
from .agents import Brand, Consumer, Platform
from .config import SimConfig, default_config, with_overrides
from .graph import build_graph
from .invariants import InvariantError, check_cap, check_finite, close
from .ledger import PAYEE, Ledger
from .metrics import DailyRecorder
from .records import ConsumerDay, PoolDay
from .rng import brand_streams, make_streams, seed_sequence
from .state import apply_traits, init_state

HISTORY = ("new_paid", "valid_impressions", "ad_spend", "contribution_private", "wages", "incentives", "orders",
           "revenue")

# Keyword knobs accepted by TrafficModel (for batch_run and the live app) -> how they map onto the config.
# A plain dotted path is set as it is; the others are expanded by apply_knobs.
KNOBS: dict[str, str] = {
    "n_consumers": "population.agents",
    "n_brands": "(resize brands)",
    "private_share": "market.private_share",
    "tolerance_cap": "fatigue.tolerance_mean",
    "push_frequency": "strategies.*.push_per_day (strategies that run pools)",
    "content_share": "strategies.*.content_share (strategies that run pools)",
    "alliance": "alliances.enabled",
    "reserve_cpm": "platforms.*.reserve_cpm",
    "invalid_traffic_share": "platforms.*.invalid_traffic_share",
    "warmup_days": "run.warmup_days",
    "focal_strategy": "brands.<focal>.strategy",
}


def apply_knobs(cfg: SimConfig, knobs: dict[str, Any]) -> SimConfig:
    """Map the app's / batch_run's keyword knobs onto configuration overrides."""
    unknown = set(knobs) - set(KNOBS)
    if unknown:
        raise TypeError(f"unknown knob(s) {sorted(unknown)}; known: {sorted(KNOBS)}")
    ov: dict[str, Any] = {}
    k = dict(knobs)
    if "n_brands" in k:
        n = int(k.pop("n_brands"))
        data = cfg.model_dump(mode="python")
        base = data["brands"]
        if n < 1:
            raise ValueError("n_brands must be >= 1")
        brands = [dict(base[i % len(base)]) for i in range(n)]
        for i in range(len(base), n):
            brands[i]["name"] = f"{base[i % len(base)]['name']}_{i}"
        data["brands"] = brands
        data["alliances"]["groups"] = [g for g in data["alliances"]["groups"] if max(g["members"], default=0) < n]
        if data["market"]["focal_brand"] >= n:
            data["market"]["focal_brand"] = 0
        cfg = SimConfig.model_validate(data)
    for name, path in KNOBS.items():
        if name in k and " " not in path and "*" not in path and "<" not in path:
            ov[path] = k.pop(name)
    for name, leaf in (("push_frequency", "push_per_day"), ("content_share", "content_share")):
        if name in k:
            v = k.pop(name)
            for sname, s in cfg.strategies.items():
                if s.run_pool:
                    ov[f"strategies.{sname}.{leaf}"] = v
    for name, leaf in (("reserve_cpm", "reserve_cpm"), ("invalid_traffic_share", "invalid_traffic_share")):
        if name in k:
            v = k.pop(name)
            for p in range(len(cfg.platforms)):
                ov[f"platforms.{p}.{leaf}"] = v
    if "focal_strategy" in k:
        ov[f"brands.{cfg.market.focal_brand}.strategy"] = k.pop("focal_strategy")
    return with_overrides(cfg, ov) if ov else cfg


def assign_private_share(cfg: SimConfig, rng: np.random.Generator) -> SimConfig:
    """market.private_share: give private_cultivate to that share of the non-focal brands.

    Rounded to nearest, at least one when the share is above 0; chosen by the dedicated
    strategy stream so that every arm picks the same brands. Others become public_only.
    """
    share = cfg.market.private_share
    others = [i for i in range(len(cfg.brands)) if i != cfg.market.focal_brand]
    order = rng.permutation(len(others))  # drawn whether or not it is used
    if share is None:
        return cfg
    k = int(np.floor(share * len(others) + 0.5))
    if share > 0:
        k = max(1, k)
    chosen = {others[j] for j in order[:k]}
    ov = {f"brands.{i}.strategy": ("private_cultivate" if i in chosen else "public_only") for i in others}
    return with_overrides(cfg, ov)


class TrafficModel(mesa.Model):
    """Public vs private traffic: consumers, brands and ad platforms on a social graph.

    Args:
        config: the market (default: :func:`sim.default_config`).
        seed: int, sequence of ints (e.g. ``[base_seed, replication]``) or SeedSequence.
        base_config: the market simulated during warm-up, if it differs from ``config``
            (scenario arms: "from today, if we do X"); same population, graph and brands.
        **knobs: main knobs by keyword (see :data:`KNOBS`), for batch_run and the app.

    Constructing the model runs ``run.warmup_days`` unreported days; :meth:`step` then
    advances one reported day.
    """

    def __init__(self, config: SimConfig | None = None, seed: Any = None, base_config: SimConfig | None = None,
                 **knobs: Any):
        ss = seed_sequence(seed)
        super().__init__(seed=int(ss.generate_state(1)[0]))
        self.seed_sequence = ss
        cfg = config if config is not None else default_config()
        if knobs:
            cfg = apply_knobs(cfg, knobs)
        self.streams = make_streams(ss)
        cfg = assign_private_share(cfg, self.streams["strategy"])
        warm_cfg = cfg if base_config is None else assign_private_share(
            apply_knobs(base_config, knobs) if knobs else base_config,
            make_streams(ss)["strategy"])
        self.cfg = warm_cfg
        self.final_cfg = cfg
        self.scale = cfg.population.scale
        self.running = True

        # brands: the configured ones plus scheduled entrants cloned round-robin
        self.brand_cfgs = self._build_brands(warm_cfg)
        final_brands = self._build_brands(cfg)
        if len(final_brands) != len(self.brand_cfgs):
            raise ValueError("the warm-up market and the run must have the same brands "
                             f"({len(self.brand_cfgs)} vs {len(final_brands)})")
        self.n_brands = B = len(self.brand_cfgs)
        # pair draws of pools are per brand: only brands with a pool draw them
        self.message_streams = brand_streams(ss, "messages", B)
        self.joining_streams = brand_streams(ss, "joining", B)
        self.graph = build_graph(cfg.graph.kind, None if cfg.graph.kind == "edgelist" else cfg.population.agents,
                                 self.streams["graph"], mean_degree=cfg.graph.mean_degree,
                                 rewire_prob=cfg.graph.rewire_prob, communities=cfg.graph.communities,
                                 mixing=cfg.graph.mixing, path=cfg.graph.path)
        if self.graph.n != cfg.population.agents:
            raise ValueError(f"population.agents is {cfg.population.agents} but the edge list "
                             f"{cfg.graph.path} has {self.graph.n} nodes")
        self.N = self.graph.n
        self.wom_share = wom.NeighbourShare(self.graph)
        # the warm-up market defines consumers and platforms until reported day 1
        self.state, self.trait_draws = init_state(warm_cfg, B, self.streams["population"])
        self.platforms = [Platform(self, p, pc) for p, pc in enumerate(warm_cfg.platforms)]
        self.brands = [Brand(self, b, brand_cfg) for b, brand_cfg in enumerate(self.brand_cfgs)]
        self._static_brand_arrays()
        # consumer views (MODEL_BRIEF §9: registered up to population.agent_views_max)
        self._views: dict[int, Consumer] = {}
        if self.N <= cfg.population.agent_views_max:
            for i in range(self.N):
                self._views[i] = Consumer(self, i)

        # pools: group member counts and activity per brand
        self.group_counts = [np.zeros(0, dtype=np.int64) for _ in range(B)]
        self.group_activity = [np.zeros(0) for _ in range(B)]
        self.sent_before = np.zeros(B, dtype=np.int64)  # messages pushed so far (content interleaving)
        self.group_size = max(1, int(round(cfg.private.group_size / self.scale)))

        self.consumer_seconds = 0.0  # wall time spent in the consumer update (benchmarks)
        self.ledger = Ledger([b.name for b in self.brands], [p.name for p in self.platforms])
        self.recorder = DailyRecorder(self)
        self._hist = {k: np.zeros((0, B)) for k in HISTORY}
        self.orders_log: list[dict[str, np.ndarray]] = []
        warm = cfg.run.warmup_days
        self.day = -warm  # the day just simulated; reported day 1 comes after warm-up
        horizon = max(cfg.run.days, 1) + 3660
        self.calendar = cal.build_calendar(cfg.calendar, -warm, horizon)

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
        # arms' overrides apply from reported day 1
        if cfg is not warm_cfg:
            self.cfg = cfg
            self.brand_cfgs = final_brands
            apply_traits(self.state, self.trait_draws, cfg)
            for plat in self.platforms:
                plat.cfg = cfg.platforms[plat.index]
            self._static_brand_arrays()
            for b in self.brands:
                if not b.strategy.adaptive:
                    b.private_share = b.strategy.private_share
        self.ledger.drop_before(1)

    # ------------------------------------------------------------------ set-up helpers
    @staticmethod
    def _build_brands(cfg: SimConfig) -> list:
        base = list(cfg.brands)
        n_new = cfg.market.entrants
        until = cfg.market.entrants_until_day
        for j in range(n_new):
            src = base[j % len(base)]
            day = 1 + int(round((j + 1) * (until - 1) / max(n_new, 1)))
            base.append(src.model_copy(update={"name": f"{src.name}_entrant{j + 1}", "entry_day": day}))
        return base

    def _static_brand_arrays(self) -> None:
        cfg = self.cfg
        cfgs = self.brand_cfgs
        self.b_cat = np.array([b.category for b in cfgs])
        self.b_plat = np.array([b.platform for b in cfgs])
        self.b_price = np.array([b.price for b in cfgs], dtype=float)
        self.b_cost = np.array([b.unit_cost for b in cfgs], dtype=float)
        self.b_quality = np.array([b.quality for b in cfgs], dtype=float)
        self.b_overheads = np.array([b.fixed_cost_per_day for b in cfgs], dtype=float) / self.scale
        self.b_commission = np.array([cfg.platforms[p].commission_rate for p in self.b_plat])
        self.b_invalid = np.array([cfg.platforms[p].invalid_traffic_share for p in self.b_plat])
        self.c_interval = np.array([c.purchase_interval_days for c in cfg.categories])
        self.c_ref_price = np.array([c.reference_price for c in cfg.categories])
        self.c_impulse = np.array([c.impulse_rate for c in cfg.categories])
        st = self.state
        # targeting segments: consumers of platform p who buy category c; each consumer's ad
        # slots are shared equally among the categories they buy
        n_needs = np.maximum(st.needs.sum(axis=1), 1)
        self.seg_size = np.zeros((len(cfg.platforms), len(cfg.categories)))
        self.inventory = np.zeros_like(self.seg_size)
        for p, pc in enumerate(cfg.platforms):
            for c in range(len(cfg.categories)):
                seg = st.on_platform[:, p] & st.needs[:, c]
                self.seg_size[p, c] = seg.sum()
                self.inventory[p, c] = (seg / n_needs).sum() * pc.ad_slots_per_user
        # (N, B): the consumer is in the brand's targeting segment (uses its platform, buys its category)
        self.in_segment = st.on_platform[:, self.b_plat] & st.needs[:, self.b_cat]
        self.in_segment_f32 = self.in_segment.astype(np.float32)
        for b in self.brands:
            b.cfg = cfgs[b.index]

    # ------------------------------------------------------------------ public helpers
    def consumer(self, i: int) -> Consumer:
        """The Mesa view of consumer i (made on demand above population.agent_views_max)."""
        if i not in self._views:
            self._views[i] = Consumer(self, i)
        return self._views[i]

    def alive_mask(self, day: int) -> np.ndarray:
        return np.array([b.alive_on(day) for b in self.brands])

    def trailing(self, b: int, keys: tuple[str, ...], window: int) -> tuple[float, ...]:
        """Sums over the last ``window`` days of brand-level history (agent units)."""
        return tuple(float(self._hist[k][-window:, b].sum()) for k in keys)

    # ------------------------------------------------------------------ Mesa API
    def step(self) -> None:
        """Advance one reported day and collect data."""
        self._advance_day(reported=True)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ the day
    def _advance_day(self, reported: bool) -> None:  # noqa: C901 - the schedule reads top to bottom
        t = self.day + 1
        cfg, st = self.cfg, self.state
        B = self.n_brands
        f32 = np.float32
        occ_mult, act_boost = cal.multipliers(self.calendar, t)
        alive = self.alive_mask(t)

        # 2. brands decide -------------------------------------------------------------
        for b in self.brands:
            b.decide(t)
        bids = np.array([b.bid for b in self.brands])
        budgets = np.array([b.ad_budget for b in self.brands])

        # 3. auctions and delivery ------------------------------------------------------
        bought = np.zeros(B)
        spend_plan = np.zeros(B)
        for p, plat in enumerate(self.platforms):
            for c in range(len(cfg.categories)):
                idx = np.flatnonzero(alive & (self.b_plat == p) & (self.b_cat == c))
                if idx.size == 0:
                    continue
                imps, spend = plat.sell(bids[idx], self.b_quality[idx], budgets[idx], self.inventory[p, c],
                                        self.seg_size[p, c], day=t)
                bought[idx] += imps
                spend_plan[idx] += spend
        ivt = self.b_invalid
        valid_exp = bought * (1 - ivt)
        seg = self.seg_size[self.b_plat, self.b_cat]
        lam = np.where(seg > 0, valid_exp / np.maximum(seg, 1), 0.0).astype(f32)
        started = time.perf_counter()
        day = self._consumers(t, lam, alive, occ_mult, act_boost)
        self.consumer_seconds += time.perf_counter() - started
        n_imp, wasted, msg, orders = day.impressions, day.wasted, day.messages, day.orders
        o_i, o_b, joins, incentives = day.order_consumer, day.order_brand, day.joins, day.incentives
        clicks = day.clicks
        most = pools.stochastic_round_max(lam)  # impressions per pair today are at most this
        delivered = ar.sum_cols_counts(n_imp, most)
        factor = np.where(valid_exp > 0, delivered / np.maximum(valid_exp, 1e-300), 0.0)
        ad_spend = spend_plan * factor
        impressions = delivered / (1 - ivt)
        invalid = impressions - delivered

        # 8. money, invariants, metrics, exits and entries -------------------------------------
        wages = np.array([b.operators * cfg.private.modes[b.strategy.mode].wage_per_day / self.scale
                          if b.strategy.run_pool and alive[b.index] else 0.0 for b in self.brands])
        flows = {
            "revenue": np.bincount(o_b, orders["revenue"], B),
            "cogs": np.bincount(o_b, orders["cogs"], B),
            "ads": ad_spend,
            "commission": np.bincount(o_b, orders["commission"], B),
            "wages": wages,
            "content": msg.content_cost,
            "incentives": incentives,
            "referral": np.bincount(o_b, orders["referral"], B),
            "overheads": self.b_overheads * alive,
        }
        fees = msg.alliance_fees
        rows = self.ledger.day_rows(t, flows, self.b_plat, fees)
        fee_paid, fee_income = fees.sum(axis=1), fees.sum(axis=0)
        costs = sum(flows[k] for k in PAYEE)
        profit = flows["revenue"] + fee_income - costs - fee_paid
        self._check_money(t, rows, orders, flows, fees, profit)
        for b in self.brands:
            b.cash += profit[b.index]
        check_finite(t, {**st.float_arrays(), "profit": profit, "ad_spend": ad_spend})
        self._check_caps(t)

        ch_code = orders["channel"]
        new = orders["new"]
        self._push_history({
            "new_paid": np.bincount(o_b[new & (ch_code == ch.PAID)], minlength=B).astype(float),
            "valid_impressions": delivered,
            "ad_spend": ad_spend,
            "contribution_private": np.bincount(o_b[ch_code == ch.PRIVATE],
                                                orders["contribution"][ch_code == ch.PRIVATE], B),
            "wages": wages,
            "incentives": incentives,
            "orders": np.bincount(o_b, minlength=B).astype(float),
            "revenue": flows["revenue"],
        })
        ar.stamp(st.member_seen, st.tier > 0, t)
        if reported:
            self.recorder.record_market(t, n_imp, wasted)
            self.recorder.record(t, dict(
                alive=alive, ad_spend=ad_spend, impressions=impressions, impressions_invalid=invalid,
                impressions_valid=delivered, impressions_wasted=ar.sum_cols_counts(wasted, most),
                clicks=clicks, o_b=o_b, orders=orders, flows=flows, fee_paid=fee_paid, fee_income=fee_income,
                profit=profit, msg=msg, joins=joins,
            ))
            if self.final_cfg.metrics.order_log:
                self.orders_log.append({"day": np.full(o_i.size, t, np.int32), "consumer": o_i.astype(np.int32),
                                        "brand": o_b.astype(np.int16), **orders})
        # exits and entries
        for b in self.brands:
            if alive[b.index] and b.cash < 0:
                b.exit_day = t
                self._dissolve_pool(b.index)
        self.day = t

    # ------------------------------------------------------------------ the consumer update
    def _consumers(self, t: int, lam: np.ndarray, alive: np.ndarray, occ_mult: float,
                   act_boost: float) -> ConsumerDay:
        """The consumer update of day t: MODEL_BRIEF §4 steps 3 (delivery) to 7, array code over the population.

        Args:
            lam: float32 (B,), valid impressions bought per consumer of each brand's targeting segment.
            alive: bool (B,), brands in the market today.
            occ_mult, act_boost: the calendar's purchase-occasion multiplier and group-activity boost.

        Returns the day's :class:`~sim.records.ConsumerDay`.
        This is the part the per-agent reference in sim/reference/ reimplements and the
        benchmark times (``consumer_seconds``).
        """
        cfg, st, rs = self.cfg, self.state, self.streams
        N, B = self.N, self.n_brands
        f32 = np.float32
        u_del = rs["delivery"].random((N, B), dtype=f32)
        n_imp = pools.stochastic_round(lam[None, :], u_del)
        n_imp *= self.in_segment_f32

        # 5a. attention, tolerance cap, wear-out, ad stock --------------------------------
        u_pri = rs["attention"].random((N, B), dtype=f32)
        u_touch = rs["attention"].random((N, B), dtype=f32)
        reached = n_imp > 0
        if cfg.fatigue.enabled:
            att = fat.attend(reached, st.last_attended, t, cfg.fatigue.window_days, st.tolerance, u_pri)
        else:
            att = reached
        n_att = n_imp * att.astype(f32)
        if pools.stochastic_round_max(lam) <= cfg.ads.wearout_frequency:
            # no pair can pass the wear-out frequency today (the default market)
            eff, excess = n_att, None
            wasted = n_imp - n_att
        else:
            eff, excess = fat.wear_out(n_att, f32(cfg.ads.wearout_frequency))
            wasted = (n_imp - n_att) + excess
        ar.stamp(st.last_attended, att, t)
        ar.stamp(st.last_reached, reached, t)
        ar.stamp(st.t_paid, eff > 0, t)
        fat.update_adstock(st.adstock, eff, f32(cfg.ads.adstock_decay))
        a = cfg.ads
        if a.wearout_trust_penalty and excess is not None:
            st.trust -= f32(a.wearout_trust_penalty) * excess
            np.maximum(st.trust, 0, out=st.trust)
        if a.awareness_per_exposure:
            # 1 − (1 − A)·(1 − a)^e, with the power as an exponential (np.power is 5× slower)
            unaware = np.subtract(1, st.awareness)
            unaware *= np.exp(eff * f32(np.log1p(-a.awareness_per_exposure)))
            np.subtract(1, unaware, out=st.awareness)
        st.annoyance *= f32(cfg.fatigue.annoyance_decay)
        st.annoyance += f32(a.annoyance_per_wasted) * ar.sum_rows_int(wasted)

        # 4. private channels and alliance offers -----------------------------------------
        msg = self._private_channels(t, alive, act_boost)

        # 5b. touches: clicks on ads and word of mouth (hazards add, capped at 1) ----------
        h_paid = (f32(a.ctr) * np.exp(-f32(a.annoyance_ctr_drag) * st.annoyance))[:, None] * eff
        if cfg.wom.enabled and cfg.wom.rate > 0:
            reward = np.array([b.strategy.referral_reward for b in self.brands])
            src = wom.advocacy(st.orders > 0, st.tier == 3, cfg.wom.advocate_weight)
            some_gone = not alive.all()  # else the masks below multiply by ones
            if some_gone:
                src *= alive[None, :]
            h_wom = wom.hazard(self.wom_share, src, cfg.wom.rate, cfg.wom.referral_boost_per_rmb, reward)
            if some_gone:  # exactly 0, whatever rounding the incremental share left
                h_wom *= alive[None, :]
        else:
            h_wom = np.zeros((N, B), f32)
        h_all = h_wom  # reused in place
        h_all += h_paid
        np.minimum(h_all, f32(1), out=h_all)
        touch = u_touch < h_all
        paid_touch = touch & (u_touch < h_paid)
        wom_touch = touch & ~paid_touch
        clicked = np.flatnonzero(paid_touch)  # few pairs: the click work below runs on them alone
        click_i, click_b = np.divmod(clicked, B)
        clicks = np.bincount(click_b, minlength=B)
        ar.stamp(st.t_wom, wom_touch, t)
        ar.set_one(st.awareness, touch)
        touched_today = touch
        if msg.offer_read_i.size:  # a partner's offer read in a pool touches the partner brand
            touched_today[msg.offer_read_i, msg.offer_read_b] = True
        # a click is an impulse order with probability impulse_rate: u < rate · h_paid given u < h_paid
        impulse_rate = self.c_impulse[self.b_cat].astype(f32)
        impulse = (u_touch.ravel()[clicked] < impulse_rate[click_b] * h_paid.ravel()[clicked]) & alive[click_b]
        # decay of awareness among non-customers (forgetting), after today's touches
        if cfg.choice.awareness_decay:
            forget = (st.orders == 0) & ~touched_today
            ar.scale_where(st.awareness, forget, f32(1 - cfg.choice.awareness_decay))

        # 6. purchases -----------------------------------------------------------------------
        u_occ = rs["occasions"].random((N, len(cfg.categories)), dtype=f32)
        u_search = rs["occasions"].random((N, len(cfg.categories)), dtype=f32)
        u_choice = rs["choice"].random((N, len(cfg.categories)), dtype=f32)
        occ = ch.occasions(u_occ, st.needs, st.rate_mult, self.c_interval, occ_mult)
        oi, ob = [], []
        for c in range(len(cfg.categories)):
            sellers = np.flatnonzero(alive & (self.b_cat == c))
            rows = np.flatnonzero(occ[:, c])
            if sellers.size == 0 or rows.size == 0:
                continue
            pick = self._choose(t, c, rows, sellers, touched_today, u_search[rows, c], u_choice[rows, c])
            ok = pick >= 0
            oi.append(rows[ok])
            ob.append(sellers[pick[ok]])
        imp_i, imp_b = click_i[impulse], click_b[impulse]
        resp_i, resp_b = msg.respond_i, msg.respond_b
        oi += [imp_i, resp_i]
        ob += [imp_b, resp_b]
        key = np.unique(np.concatenate(oi).astype(np.int64) * B + np.concatenate(ob)) if oi else np.zeros(0, np.int64)
        o_i, o_b = (key // B).astype(np.int64), (key % B).astype(np.int64)
        orders = self._settle_orders(t, o_i, o_b)
        orders["clicked"] = paid_touch[o_i, o_b]  # the order followed a click on the brand's ad today

        # 7. joining the pool ------------------------------------------------------------------
        joins, incentives = self._join(t, o_i, o_b, alive)
        return ConsumerDay(impressions=n_imp, wasted=wasted, clicks=clicks, messages=msg, order_consumer=o_i,
                           order_brand=o_b, orders=orders, joins=joins, incentives=incentives)

    # ------------------------------------------------------------------ private channels
    def _pushes(self, t: int, alive: np.ndarray) -> dict[str, Any]:
        """Messages each pool sends its members today (brand side): content, coupons, partner offers.

        Returns per brand (B,) counts ``content``, ``coupon``, ``offer`` (partner offers carried),
        ``rival`` (offers for a partner in the carrier's own category) and ``all``; ``offers_for``
        {carrier: [(partner, n, alliance)]}; the organic ``reach`` of each pool (hosted pools, S14);
        and ``content_cost`` per content message (RMB). Advances each brand's message counter.
        """
        cfg = self.cfg
        B = self.n_brands
        k_content, k_coupon, k_offer, k_rival = np.zeros(B), np.zeros(B), np.zeros(B), np.zeros(B)
        cost = np.zeros(B)
        offers_for: dict[int, list[tuple[int, int, Any]]] = {}
        alive_set = {int(i) for i in np.flatnonzero(alive)}
        for b in self.brands:
            s = b.strategy
            if not (alive[b.index] and s.run_pool):
                continue
            k = pools.scheduled(t, s.push_per_day)
            kc = pools.split_content(int(self.sent_before[b.index]), k, s.content_share)
            self.sent_before[b.index] += k
            k_content[b.index], k_coupon[b.index] = kc, k - kc
            cost[b.index] = s.content_cost_per_message
        if cfg.alliances.enabled:
            for a in cfg.alliances.groups:
                for carrier in a.members:
                    offers = alli.partner_offers(a, carrier, t, alive_set)
                    if offers and self.brands[carrier].strategy.run_pool:
                        offers_for.setdefault(carrier, []).extend((p, n, a) for p, n in offers)
                        k_offer[carrier] += sum(n for _, n in offers)
                        k_rival[carrier] += sum(n for p, n in offers if self.b_cat[p] == self.b_cat[carrier])
        reach = np.array([self.platforms[b.cfg.platform].hosted_reach(t) if b.strategy.pool_location == "hosted"
                          else 1.0 for b in self.brands], dtype=np.float32)
        return {"content": k_content, "coupon": k_coupon, "offer": k_offer, "rival": k_rival,
                "all": k_content + k_coupon + k_offer, "offers_for": offers_for, "reach": reach, "content_cost": cost}

    def _private_channels(self, t: int, alive: np.ndarray, act_boost: float) -> PoolDay:
        """Pushes and partner offers to members, reading within attention, and their effects.

        Works on the rows of consumers who are members of some pool (``rows``) and the columns
        of brands that have members (``cols``): nobody else receives, reads or changes tier.
        Each brand draws its members' uniforms from its own stream, so that its draws do not
        depend on other brands' pools.
        """
        cfg, st = self.cfg, self.state
        B = self.n_brands
        f32 = np.float32
        pc = cfg.private
        out: dict[str, Any] = {
            "content_cost": np.zeros(B), "alliance_fees": np.zeros((B, B)),
            "sent": np.zeros(B), "read": np.zeros(B), "mutes": np.zeros(B), "exits": np.zeros(B),
            # (consumer, brand) pairs: a partner offer read for the brand; an order triggered by a message
            "offer_read_i": np.zeros(0, np.int64), "offer_read_b": np.zeros(0, np.int64),
            "respond_i": np.zeros(0, np.int64), "respond_b": np.zeros(0, np.int64),
        }
        st.coupon_fatigue *= f32(pc.coupon_fatigue_decay)
        cols = np.flatnonzero(ar.count_cols(st.tier > 0))
        if cols.size == 0:
            st.irritation *= f32(pc.irritation_decay)
            return PoolDay(**out)
        rows = np.flatnonzero(ar.count_rows(st.tier[:, cols] > 0) > 0)
        member_block = np.ix_(rows, cols)  # pool members x brands with members
        tier = st.tier[member_block]
        muted = st.muted[member_block]
        # five uniforms a day per member of each pool (reach, read, respond, tier, mute), drawn from the
        # brand's own stream in consumer order; non-members' entries are 0 and every use of them is
        # masked by membership (with k_recv = 0, reads = ⌊0 + 0⌋ = 0)
        u_msg = np.zeros((5, rows.size, cols.size), f32)
        for j, b in enumerate(cols):
            mine = np.flatnonzero(tier[:, j] > 0)
            u_msg[:, mine, j] = self.message_streams[b].random((5, mine.size), dtype=f32)
        u_reach, u_read, u_resp, u_tier, u_mute = u_msg
        member = (tier > 0) & ~muted
        pushes = self._pushes(t, alive)
        k_content, k_coupon, k_offer, k_rival = pushes["content"], pushes["coupon"], pushes["offer"], pushes["rival"]
        offers_for, reach, k_all = pushes["offers_for"], pushes["reach"], pushes["all"]
        out["content_cost"][cols] = k_content[cols] * pushes["content_cost"][cols] / self.scale
        received = member & (k_all[cols] > 0)[None, :] & (u_reach < reach[cols][None, :])
        k_recv = np.where(received, k_all[cols].astype(f32)[None, :], f32(0))
        m_total = k_recv.sum(axis=1)
        group = st.group[member_block]
        activity = np.zeros((rows.size, cols.size), f32)
        for j, b in enumerate(cols):
            if self.group_activity[b].size:
                g = group[:, j]
                activity[:, j] = np.where(g >= 0, self.group_activity[b][np.maximum(g, 0)], 0.0)
        attention = st.attention[rows][:, None] if pc.attention_limit_enabled else np.float32(np.inf)
        rho = pools.read_probability(attention, m_total[:, None], activity, tier == 3, pc.tier3_read_bonus).astype(f32)
        reads = pools.stochastic_round(k_recv * rho, u_read).astype(f32)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = lambda k: np.where(k_all[cols] > 0, k[cols] / k_all[cols], 0).astype(f32)[None, :]  # noqa: E731
            c_reads, q_reads, o_reads = reads * share(k_content), reads * share(k_coupon), reads * share(k_offer)
        own_reads = c_reads + q_reads
        out["sent"][cols] = k_recv.sum(axis=0, dtype=np.float64)
        out["read"][cols] = reads.sum(axis=0, dtype=np.float64)
        check_cap(t, "messages read <= received", out["read"], out["sent"], [b.name for b in self.brands])
        t_priv = st.t_private[member_block]
        ar.stamp(t_priv, own_reads > 0, t)
        st.t_private[member_block] = t_priv
        # content builds trust and lifts tiers; coupons give discounts, fatigue and irritation
        modes = [pc.modes[self.brands[b].strategy.mode] for b in cols]
        content_value = np.array([md.content_value for md in modes], f32)[None, :]
        tier_up = np.array([md.tier_up for md in modes], f32)[None, :]
        response = np.array([md.message_response for md in modes], f32)[None, :]
        coupon_val = np.array([self.brands[b].strategy.coupon_value for b in cols], f32)
        trust = st.trust[member_block]
        trust += content_value * c_reads * (1 - trust)
        st.trust[member_block] = trust
        got_coupon = q_reads > 0
        ii, jj = np.nonzero(got_coupon)
        st.coupon[rows[ii], cols[jj]] = coupon_val[jj]
        st.coupon_day[rows[ii], cols[jj]] = t
        fatigue = st.coupon_fatigue[member_block] + f32(pc.coupon_fatigue_per_coupon) * q_reads
        st.coupon_fatigue[member_block] = fatigue
        unread = k_recv - reads
        # a same-category partner's offer is a coupon for a substitute: members take it as spam
        # (Dorotic et al. 2021: same-category coalition partners cannibalise each other)
        k_coupon_recv = np.where(received, (k_coupon + k_rival)[cols].astype(f32)[None, :], f32(0))
        st.irritation *= f32(pc.irritation_decay)
        irritation = st.irritation[member_block] + (f32(pc.irritation_per_coupon) * k_coupon_recv
                                           + f32(pc.irritation_per_unread) * unread)
        st.irritation[member_block] = irritation
        st.annoyance[rows] += f32(pc.annoyance_per_unread) * unread.sum(axis=1)
        # impulse orders from read messages (coupons weigh more while fresh)
        # a message pulls forward demand that exists: rarely bought categories respond little (S11)
        pull = np.minimum(1.0, pc.pull_forward_days / self.c_interval[self.b_cat[cols]]).astype(f32)[None, :]
        h_resp = response * pull * (c_reads + f32(pc.coupon_response) * q_reads * np.exp(-fatigue))
        ri, rj = np.nonzero((u_resp < h_resp) & member)
        out["respond_i"], out["respond_b"] = rows[ri], cols[rj]
        # partner offers: the partner gains consideration, trust (transferred) and a coupon (S12)
        col_of = {int(b): j for j, b in enumerate(cols)}
        offer_i, offer_b = [], []
        for carrier, offers in offers_for.items():
            if carrier not in col_of:
                continue
            delivered = received[:, col_of[carrier]].sum()
            r = o_reads[:, col_of[carrier]]
            read_any = np.flatnonzero(r > 0)
            readers = rows[read_any]
            for p, n, a in offers:
                out["alliance_fees"][p, carrier] += n * delivered * a.fee_per_offer
                if readers.size == 0:
                    continue
                offer_i.append(readers)
                offer_b.append(np.full(readers.size, p))
                st.awareness[readers, p] = 1
                st.t_alliance[readers, p] = t
                if cfg.alliances.trust_transfer_enabled:
                    st.trust[readers, p] = alli.trust_transfer(st.trust[readers, p], st.trust[readers, carrier],
                                                               a.trust_transfer)
                st.coupon[readers, p] = a.coupon_value
                st.coupon_day[readers, p] = t
        if offer_i:
            out["offer_read_i"], out["offer_read_b"] = np.concatenate(offer_i), np.concatenate(offer_b)
        # group activity: decays toward its floor, content and partner novelty lift it, spam lowers it
        rival_share = np.where(k_offer[cols] > 0, k_rival[cols] / np.maximum(k_offer[cols], 1), 0).astype(f32)[None, :]
        spam_reads = q_reads + o_reads * rival_share  # once for all pools, not per pool
        for j, b in enumerate(cols):
            if self.group_counts[b].size == 0:
                continue
            g = group[:, j]
            inpool = g >= 0
            G = self.group_counts[b].size
            self._update_group_activity(int(b), np.bincount(g[inpool], c_reads[inpool, j], G),
                                        np.bincount(g[inpool], spam_reads[inpool, j], G),
                                        np.bincount(g[inpool], o_reads[inpool, j], G), offers_for, act_boost)
        # tiers, mutes, exits (members only)
        allm = tier > 0
        new_tier = pools.transitions(tier, c_reads, irritation, u_tier, tier_up, pc.tier_down_rate)
        tier = np.where(allm, new_tier, tier)
        st.tier[member_block] = tier
        was_muted = muted & allm
        p_mute = pools.mute_probability(irritation, st.annoyance[rows][:, None], pc.mute_rate, pc.mute_threshold)
        mute_now = member & (u_mute < p_mute)
        exit_now = was_muted & (u_mute < f32(pc.exit_rate_muted))
        st.muted[member_block] = muted | mute_now
        out["mutes"][cols] = mute_now.sum(axis=0)
        out["exits"][cols] = exit_now.sum(axis=0)
        for j in np.flatnonzero(exit_now.any(axis=0)):
            self._leave(rows[np.flatnonzero(exit_now[:, j])], int(cols[j]))
        return PoolDay(**out)

    def _update_group_activity(self, b: int, content_reads: np.ndarray, spam_reads: np.ndarray,
                               offer_reads: np.ndarray, offers_for: dict[int, list], act_boost: float) -> None:
        """Brand b's group activity after the day's reads per group (partners of another category add novelty)."""
        pc = self.cfg.private
        offers = offers_for.get(b, [])
        novelty = float(np.mean([a.novelty if self.b_cat[p] != self.b_cat[b] else 0.0
                                 for p, _, a in offers])) if offers else 0.0
        self.group_activity[b] = pools.update_activity(
            self.group_activity[b], self.group_counts[b], content_reads, spam_reads, offer_reads,
            decay=pc.activity_decay, floor=pc.activity_floor, boost=act_boost,
            from_content=pc.activity_from_content, from_spam=pc.activity_from_spam, novelty=novelty)

    def _leave(self, who: np.ndarray, b: int) -> None:
        st = self.state
        g = st.group[who, b]
        self.group_counts[b] -= np.bincount(g[g >= 0], minlength=self.group_counts[b].size)
        st.tier[who, b] = 0
        st.muted[who, b] = False
        st.group[who, b] = -1

    def _dissolve_pool(self, b: int) -> None:
        who = np.flatnonzero(self.state.tier[:, b] > 0)
        if who.size:
            self._leave(who, b)

    # ------------------------------------------------------------------ choice
    def _choose(self, t: int, c: int, rows: np.ndarray, sellers: np.ndarray, touched: np.ndarray,
                u_search: np.ndarray, u_choice: np.ndarray) -> np.ndarray:
        cfg, st = self.cfg, self.state
        cc = cfg.choice
        # gather the occasion rows first (contiguous copies), then the category's brand columns
        cols = slice(sellers[0], sellers[-1] + 1) if sellers[-1] - sellers[0] + 1 == sellers.size else sellers

        def gather(a: np.ndarray) -> np.ndarray:
            return a[rows][:, cols]

        tier = gather(st.tier)
        touched = gather(touched)
        consider = (gather(st.awareness) >= cc.consideration_threshold) | (tier > 0) | touched
        # organic search: a searching consumer finds one brand, weighted toward quality and recent sales
        rate = float(np.mean([p.organic_search_rate for p in cfg.platforms]))
        searching = u_search < rate
        if searching.any():
            recent = self._hist["orders"][-30:, sellers].sum(axis=0) / max(self.N, 1) * 100
            w_q = np.array([cfg.platforms[p].quality_weight for p in self.b_plat[sellers]])
            w_e = np.array([cfg.platforms[p].organic_exponent for p in self.b_plat[sellers]])
            weight = self.b_quality[sellers] ** w_q * (1 + recent) ** w_e
            wi = st.on_platform[np.ix_(rows[searching], self.b_plat[sellers])] * weight[None, :]
            cum = np.cumsum(wi, axis=1)
            tot = cum[:, -1]
            x = (u_search[searching] / rate) * tot
            found = np.argmax(x[:, None] < cum, axis=1)
            has = tot > 0
            r_idx = np.flatnonzero(searching)[has]
            consider[r_idx, found[has]] = True
        sens = st.price_sens[rows][:, None]
        price = self.b_price[sellers][None, :]
        valid_coupon = (t - gather(st.coupon_day)) < cc.attribution_window_days
        coupon = np.where(valid_coupon, gather(st.coupon) * np.exp(-gather(st.coupon_fatigue)), 0)
        hill = fat.hill(gather(st.adstock), cfg.ads.hill_half, cfg.ads.hill_shape)
        V = (cc.beta_quality * self.b_quality[sellers][None, :]
             - cc.beta_price * sens * np.log(price / self.c_ref_price[c])
             + cc.beta_trust * gather(st.trust) + cc.beta_ad * hill
             + cc.beta_coupon * coupon / price + cc.beta_tier * tier
             + cc.beta_habit * (gather(st.orders) > 0) + cc.beta_touch * touched)
        return ch.logit_pick(V, consider, cfg.categories[c].outside_utility, u_choice)

    # ------------------------------------------------------------------ orders
    def _settle_orders(self, t: int, o_i: np.ndarray, o_b: np.ndarray) -> dict[str, np.ndarray]:
        cfg, st = self.cfg, self.state
        win = cfg.choice.attribution_window_days
        idx = (o_i, o_b)
        new = st.orders[idx] == 0
        channel = ch.attribute(t, win, st.tier[idx] > 0, st.t_private[idx], st.t_alliance[idx],
                               st.t_paid[idx], st.t_wom[idx])
        price = self.b_price[o_b]
        valid = ((t - st.coupon_day[idx]) < win) & (st.coupon[idx] > 0)
        discount = np.where(valid, np.minimum(st.coupon[idx].astype(float), price), 0.0)
        st.coupon[idx] = np.where(valid, 0, st.coupon[idx])
        revenue = price - discount
        hosted = np.array([b.strategy.pool_location == "hosted" for b in self.brands])
        off_platform = ((channel == ch.PRIVATE) & ~hosted[o_b]) | (channel == ch.ALLIANCE)
        commission = np.where(off_platform, 0.0, self.b_commission[o_b] * revenue)
        cogs = self.b_cost[o_b]
        reward = np.array([b.strategy.referral_reward for b in self.brands])[o_b]
        referral = np.where(new & (channel == ch.WOM), reward, 0.0)
        st.orders[idx] += 1
        st.trust[idx] += np.float32(cfg.choice.trust_from_purchase) * (1 - st.trust[idx])
        st.awareness[idx] = 1
        return {"new": new, "channel": channel, "price": price, "discount": discount, "revenue": revenue,
                "cogs": cogs, "commission": commission, "referral": referral,
                "contribution": revenue - cogs - commission}

    def _join(self, t: int, o_i: np.ndarray, o_b: np.ndarray, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cfg, st = self.cfg, self.state
        B = self.n_brands
        joins = np.zeros(B)
        incentives = np.zeros(B)
        pc = cfg.private
        pool_on = np.array([b.strategy.run_pool and alive[b.index] for b in self.brands])
        # one uniform per consumer a day for each brand running a pool, used or not
        u = {int(b): self.joining_streams[b].random(self.N, dtype=np.float32) for b in np.flatnonzero(pool_on)}
        cand = pool_on[o_b] & (st.tier[o_i, o_b] == 0)
        if not cand.any():
            return joins, incentives
        ci, cb = o_i[cand], o_b[cand]
        p_join = np.array([pools.join_probability(b.strategy.join_incentive, pc.join_base, pc.join_per_rmb,
                                                  pc.join_max) for b in self.brands])
        uu = np.empty(ci.size, np.float32)
        for b in np.unique(cb):
            sel = cb == b
            uu[sel] = u[int(b)][ci[sel]]
        acc = uu < p_join[cb]
        ci, cb, uu = ci[acc], cb[acc], uu[acc]
        # a free channel slot is needed: joins today count against it, smallest draw first
        order = np.lexsort((uu, ci))
        ci, cb, uu = ci[order], cb[order], uu[order]
        used = ar.count_rows(st.tier[ci] > 0)  # the accepting buyers' current memberships
        first = np.r_[True, ci[1:] != ci[:-1]]
        grp_start = np.maximum.accumulate(np.where(first, np.arange(ci.size), 0))
        rank = np.arange(ci.size) - grp_start
        ok = rank < (st.slots[ci] - used)
        ci, cb, uu = ci[ok], cb[ok], uu[ok]
        members = ar.count_cols(st.tier > 0)
        for b in np.unique(cb):
            sel = np.flatnonzero(cb == b)
            room = max(0, self.brands[b].capacity - int(members[b]))
            sel = sel[np.argsort(uu[sel], kind="stable")][:room]
            if sel.size == 0:
                continue
            who = ci[sel]
            gid, self.group_counts[b] = pools.assign_groups(self.group_counts[b], who.size, self.group_size)
            if self.group_activity[b].size < self.group_counts[b].size:
                extra = self.group_counts[b].size - self.group_activity[b].size
                opened = np.full(extra, self.cfg.private.activity_initial)
                self.group_activity[b] = np.r_[self.group_activity[b], opened]
            st.tier[who, b] = 1
            st.muted[who, b] = False
            st.group[who, b] = gid
            st.irritation[who, b] = 0
            joins[b] = who.size
            incentives[b] = who.size * self.brands[b].strategy.join_incentive
        return joins, incentives

    # ------------------------------------------------------------------ bookkeeping
    def _push_history(self, values: dict[str, np.ndarray]) -> None:
        keep = 400
        for k, v in values.items():
            h = self._hist[k]
            self._hist[k] = np.vstack([h[-(keep - 1):], v[None, :]])

    def _check_money(self, t: int, rows: np.ndarray, orders: dict[str, np.ndarray], flows: dict[str, np.ndarray],
                     fees: np.ndarray, profit: np.ndarray) -> None:
        net = self.ledger.net_by_account(rows)
        gross = np.abs(rows[:, 4]).sum() if rows.size else 0.0
        if abs(net.sum()) > 1e-9 * max(gross, 1.0):
            raise InvariantError("ledger balances", t, "all accounts", f"net {net.sum()}")
        spend = float(orders["revenue"].sum())  # consumer side, order by order
        if not close(spend, float(flows["revenue"].sum())):
            raise InvariantError("consumer spend = brand revenue", t, "market", f"{spend} vs {flows['revenue'].sum()}")
        # per account, the ledger's net (computed from its rows) against what the model computed
        for p, plat in enumerate(self.platforms):
            got = float(net[self.ledger.platform_account(p)])
            mine = self.b_plat == p
            expect = float(flows["ads"][mine].sum() + flows["commission"][mine].sum())
            if not close(got, expect):
                raise InvariantError("platform revenue = ad spend + commission", t, plat.name, f"{got} vs {expect}")
        for b in range(self.n_brands):
            got = float(net[self.ledger.brand_account(b)])
            if not close(got, float(profit[b])):
                raise InvariantError("profit = revenue - costs", t, self.brands[b].name, f"ledger {got} vs {profit[b]}")

    def _check_caps(self, t: int) -> None:
        st = self.state
        names = [b.name for b in self.brands]
        is_member = st.tier > 0
        members = ar.count_cols(is_member)
        check_cap(t, "operator capacity", members, np.array(
            [max(b.capacity, 0) if b.strategy.run_pool else (members[b.index]) for b in self.brands]), names)
        for b in range(self.n_brands):
            if self.group_counts[b].size:
                groups = [f"{names[b]} group {g}" for g in range(self.group_counts[b].size)]
                check_cap(t, "group size", self.group_counts[b], self.group_size, groups)
                if self.group_counts[b].sum() != members[b]:
                    raise InvariantError("population conserved", t, names[b],
                                         f"{self.group_counts[b].sum()} in groups vs {members[b]} members")
        check_cap(t, "channel slots", ar.count_rows(is_member), st.slots)
        check_cap(t, "members above tier 3", ar.count_cols(st.tier > 3), 0, names)
        if st.tier.shape[0] != self.N:
            raise InvariantError("population conserved", t, "consumers", "population changed size")
