"""Private pools: pushes, reading within attention, tiers, mutes, exits, joining and group activity.

docs/MODEL.md §3 steps 4 and 7, §9 "Private pools". The component owns the pools' group state
(members per group, group activity, messages pushed so far) and the counter-based message and
joining draws. Like a mesa-frames agent set, each day it selects the block it acts on (pool
members × brands with members) and updates only that block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import arrays as ar
from .. import pools
from ..invariants import check_cap
from ..rng import stream_key
from . import kernels
from .component import Component
from .records import CarriedOffers, Census, Joins, Orders, PoolDay, Pushes, Today

f32 = np.float32
ACTIVE_DAYS = 7  # a member is active in the brand's pool if she read one of its messages in the last 7 days


@dataclass(frozen=True)
class _Block:
    """Today's rows (members of some pool) and columns (brands with members) and their draws."""

    rows: np.ndarray
    cols: np.ndarray
    index: tuple  # np.ix_(rows, cols)
    tier: np.ndarray
    member: np.ndarray  # a member who has not muted the brand
    draws: np.ndarray  # f32 (5, rows, cols): reach, read, respond, tier, mute


class PrivatePools(Component):
    """Every brand's pool: its members' tiers, groups and messages."""

    node = "private"
    owns = ("coupon_fatigue", "irritation", "t_private", "tier", "muted", "group", "member_seen")
    writes = ("trust", "coupon", "coupon_day", "annoyance")
    streams = ("messages", "joining")  # counter-based (sim.engine.kernels): a member's draws are hers alone

    def __init__(self, model, n_brands: int):
        super().__init__(model)
        self.message_key = stream_key(model.seed_sequence, "messages")
        self.joining_key = stream_key(model.seed_sequence, "joining")
        self.group_counts = [np.zeros(0, dtype=np.int64) for _ in range(n_brands)]
        self.group_activity = [np.zeros(0) for _ in range(n_brands)]
        self.sent_before = np.zeros(n_brands, dtype=np.int64)  # messages pushed so far (content interleaving)
        # the run's group size (the arm's, if it differs) from the first day of warm-up
        self.group_size = max(1, int(round(model.final_cfg.private.group_size / model.scale)))

    # ------------------------------------------------------------------ brand side
    def pushes(self, today: Today) -> Pushes:
        """What each pool sends today: content, coupons and the partner offers it carries.

        Advances each brand's message counter.
        """
        m, t = self.model, today.day
        B = self.sent_before.size
        k_content, k_coupon, k_offer, k_rival, cost = (np.zeros(B) for _ in range(5))
        for b in m.brands:
            s = b.strategy
            if not (today.alive[b.index] and s.run_pool):
                continue
            k = pools.scheduled(t, s.push_per_day)
            kc = pools.split_content(int(self.sent_before[b.index]), k, s.content_share)
            self.sent_before[b.index] += k
            k_content[b.index], k_coupon[b.index] = kc, k - kc
            cost[b.index] = s.content_cost_per_message
        offers_for = m.alliances.schedule(today)
        category = m.brand_table.category
        for carrier, offers in offers_for.items():
            k_offer[carrier] = sum(n for _, n, _ in offers)
            k_rival[carrier] = sum(n for p, n, _ in offers if category[p] == category[carrier])
        hosted = m.brand_table.hosted
        reach = np.array([m.platforms[b.cfg.platform].hosted_reach(t) if hosted[b.index] else 1.0 for b in m.brands],
                         dtype=f32)
        return Pushes(content=k_content, coupon=k_coupon, offer=k_offer, rival=k_rival,
                      all=k_content + k_coupon + k_offer, offers_for=offers_for, reach=reach, content_cost=cost)

    # ------------------------------------------------------------------ the day's messages
    def deliver(self, today: Today) -> PoolDay:
        """Pushes reach members, who read within attention; content, coupons and spam take effect."""
        st, pc = self.state, self.cfg.private
        B = self.sent_before.size
        st.coupon_fatigue *= f32(pc.coupon_fatigue_decay)
        cols = np.flatnonzero(ar.count_cols(st.tier > 0))
        if cols.size == 0:
            st.irritation *= f32(pc.irritation_decay)
            return PoolDay(*(np.zeros(B) for _ in range(5)))
        blk = self._select(today, cols)
        u_reach, u_read, u_resp, u_tier, u_mute = blk.draws
        push = self.pushes(today)
        k_all = push.all[cols]
        content_cost = np.zeros(B)
        content_cost[cols] = push.content[cols] * push.content_cost[cols] / self.model.scale
        received = blk.member & (k_all > 0)[None, :] & (u_reach < push.reach[cols][None, :])
        k_recv = np.where(received, k_all.astype(f32)[None, :], f32(0))
        reads = self._reads(blk, k_recv)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = lambda k: np.where(k_all > 0, k[cols] / k_all, 0).astype(f32)[None, :]  # noqa: E731
            c_reads, q_reads, o_reads = reads * share(push.content), reads * share(push.coupon), reads * share(
                push.offer)
        sent, read = np.zeros(B), np.zeros(B)
        sent[cols] = k_recv.sum(axis=0, dtype=np.float64)
        read[cols] = reads.sum(axis=0, dtype=np.float64)
        check_cap(today.day, "messages read <= received", read, sent, [b.name for b in self.model.brands])
        t_priv = st.t_private[blk.index]
        ar.stamp(t_priv, (c_reads + q_reads) > 0, today.day)
        st.t_private[blk.index] = t_priv
        irritation = self._content_and_coupons(today, blk, push, received, k_recv - reads, c_reads, q_reads)
        # impulse orders from read messages (coupons weigh more while fresh); a message pulls forward
        # demand that exists: rarely bought categories respond little (S11)
        table = self.model.brand_table
        modes = [pc.modes[self.model.brands[b].strategy.mode] for b in cols]
        response = np.array([md.message_response for md in modes], f32)[None, :]
        pull = np.minimum(1.0, pc.pull_forward_days / table.interval[table.category[cols]]).astype(f32)[None, :]
        fatigue = st.coupon_fatigue[blk.index]
        h_resp = response * pull * (c_reads + f32(pc.coupon_response) * q_reads * np.exp(-fatigue))
        ri, rj = np.nonzero((u_resp < h_resp) & blk.member)
        carried = tuple(CarriedOffers(carrier=c, offers=tuple(offers), delivered=int(received[:, j].sum()),
                                      readers=blk.rows[np.flatnonzero(o_reads[:, j] > 0)])
                        for c, offers in push.offers_for.items() for j in np.flatnonzero(cols == c))
        self._group_activity(today, blk, push, c_reads, q_reads, o_reads)
        mutes, exits = self._tiers_mutes_exits(blk, c_reads, irritation, u_tier, u_mute, modes)
        return PoolDay(content_cost=content_cost, sent=sent, read=read, mutes=mutes, exits=exits,
                       respond_i=blk.rows[ri], respond_b=cols[rj], carried=carried)

    def _select(self, today: Today, cols: np.ndarray) -> _Block:
        """The members × pools block and its five uniforms a day per member of each pool.

        Counter-based (``kernels.member_uniforms``): a member's draws depend on (seed, day, consumer,
        brand) alone. Non-members' entries are 0 and every use of them is masked by membership
        (with k_recv = 0, reads = ⌊0 + 0⌋ = 0).
        """
        st = self.state
        rows = np.flatnonzero(ar.count_rows(st.tier[:, cols] > 0) > 0)
        index = np.ix_(rows, cols)
        tier = st.tier[index]
        draws = kernels.member_uniforms(self.message_key, today.day, rows, cols, tier)
        return _Block(rows=rows, cols=cols, index=index, tier=tier, member=(tier > 0) & ~st.muted[index],
                      draws=draws)

    def _reads(self, blk: _Block, k_recv: np.ndarray) -> np.ndarray:
        """Messages read: each message received is read with a probability that falls with the day's load."""
        st, pc = self.state, self.cfg.private
        group = st.group[blk.index]
        activity = np.zeros(blk.tier.shape, f32)
        for j, b in enumerate(blk.cols):
            if self.group_activity[b].size:
                g = group[:, j]
                activity[:, j] = np.where(g >= 0, self.group_activity[b][np.maximum(g, 0)], 0.0)
        attention = st.attention[blk.rows][:, None] if pc.attention_limit_enabled else np.float32(np.inf)
        m_total = k_recv.sum(axis=1)
        rho = pools.read_probability(attention, m_total[:, None], activity, blk.tier == 3,
                                     pc.tier3_read_bonus).astype(f32)
        return pools.stochastic_round(k_recv * rho, blk.draws[1]).astype(f32)

    def _content_and_coupons(self, today: Today, blk: _Block, push: Pushes, received: np.ndarray,
                             unread: np.ndarray, c_reads: np.ndarray, q_reads: np.ndarray) -> np.ndarray:
        """Content builds trust; coupons give discounts, coupon fatigue and irritation. Returns irritation."""
        st, pc, cols, t = self.state, self.cfg.private, blk.cols, today.day
        content_value = np.array([pc.modes[self.model.brands[b].strategy.mode].content_value for b in cols],
                                 f32)[None, :]
        coupon_val = np.array([self.model.brands[b].strategy.coupon_value for b in cols], f32)
        trust = st.trust[blk.index]
        trust += content_value * c_reads * (1 - trust)
        st.trust[blk.index] = trust
        ii, jj = np.nonzero(q_reads > 0)
        st.coupon[blk.rows[ii], cols[jj]] = coupon_val[jj]
        st.coupon_day[blk.rows[ii], cols[jj]] = t
        st.coupon_fatigue[blk.index] = st.coupon_fatigue[blk.index] + f32(pc.coupon_fatigue_per_coupon) * q_reads
        # a same-category partner's offer is a coupon for a substitute: members take it as spam
        # (Dorotic et al. 2021, docs/MODEL.md §11.3: same-category coalition partners cannibalise each other)
        k_coupon_recv = np.where(received, (push.coupon + push.rival)[cols].astype(f32)[None, :], f32(0))
        st.irritation *= f32(pc.irritation_decay)
        irritation = st.irritation[blk.index] + (f32(pc.irritation_per_coupon) * k_coupon_recv
                                                 + f32(pc.irritation_per_unread) * unread)
        st.irritation[blk.index] = irritation
        st.annoyance[blk.rows] += f32(pc.annoyance_per_unread) * unread.sum(axis=1)
        return irritation

    def _group_activity(self, today: Today, blk: _Block, push: Pushes, c_reads: np.ndarray, q_reads: np.ndarray,
                        o_reads: np.ndarray) -> None:
        """Group activity decays toward its floor; content and partner novelty lift it, spam lowers it."""
        cols = blk.cols
        k_offer, k_rival = push.offer[cols], push.rival[cols]
        rival_share = np.where(k_offer > 0, k_rival / np.maximum(k_offer, 1), 0).astype(f32)[None, :]
        spam_reads = q_reads + o_reads * rival_share  # once for all pools, not per pool
        group = self.state.group[blk.index]
        for j, b in enumerate(cols):
            G = self.group_counts[b].size
            if G == 0:
                continue
            g = group[:, j]
            inpool = g >= 0
            self.update_activity(int(b), np.bincount(g[inpool], c_reads[inpool, j], G),
                                 np.bincount(g[inpool], spam_reads[inpool, j], G),
                                 np.bincount(g[inpool], o_reads[inpool, j], G), push, today.activity_boost)

    def update_activity(self, b: int, content_reads: np.ndarray, spam_reads: np.ndarray, offer_reads: np.ndarray,
                        push: Pushes, boost: float) -> None:
        """Brand b's group activity after the day's reads per group (partners of another category add novelty)."""
        pc = self.cfg.private
        category = self.model.brand_table.category
        offers = push.offers_for.get(b, [])
        novelty = float(np.mean([a.novelty if category[p] != category[b] else 0.0
                                 for p, _, a in offers])) if offers else 0.0
        self.group_activity[b] = pools.update_activity(
            self.group_activity[b], self.group_counts[b], content_reads, spam_reads, offer_reads,
            decay=pc.activity_decay, floor=pc.activity_floor, boost=boost,
            from_content=pc.activity_from_content, from_spam=pc.activity_from_spam, novelty=novelty)

    def _tiers_mutes_exits(self, blk: _Block, c_reads: np.ndarray, irritation: np.ndarray, u_tier: np.ndarray,
                           u_mute: np.ndarray, modes: list) -> tuple[np.ndarray, np.ndarray]:
        """Members move between tiers, may mute; muted members may leave. Returns mutes and exits per brand."""
        st, pc, cols = self.state, self.cfg.private, blk.cols
        B = self.sent_before.size
        tier_up = np.array([md.tier_up for md in modes], f32)[None, :]
        allm = blk.tier > 0
        new_tier = pools.transitions(blk.tier, c_reads, irritation, u_tier, tier_up, pc.tier_down_rate)
        st.tier[blk.index] = np.where(allm, new_tier, blk.tier)
        muted = st.muted[blk.index]
        p_mute = pools.mute_probability(irritation, st.annoyance[blk.rows][:, None], pc.mute_rate,
                                        pc.mute_threshold)
        mute_now = blk.member & (u_mute < p_mute)
        exit_now = (muted & allm) & (u_mute < f32(pc.exit_rate_muted))
        st.muted[blk.index] = muted | mute_now
        mutes, exits = np.zeros(B), np.zeros(B)
        mutes[cols] = mute_now.sum(axis=0)
        exits[cols] = exit_now.sum(axis=0)
        for j in np.flatnonzero(exit_now.any(axis=0)):
            self.leave(blk.rows[np.flatnonzero(exit_now[:, j])], int(cols[j]))
        return mutes, exits

    # ------------------------------------------------------------------ membership
    def leave(self, who: np.ndarray, b: int) -> None:
        st = self.state
        g = st.group[who, b]
        self.group_counts[b] -= np.bincount(g[g >= 0], minlength=self.group_counts[b].size)
        st.tier[who, b] = 0
        st.muted[who, b] = False
        st.group[who, b] = -1

    def dissolve(self, b: int) -> None:
        """A brand that exits loses its pool."""
        who = np.flatnonzero(self.state.tier[:, b] > 0)
        if who.size:
            self.leave(who, b)

    def join(self, today: Today, orders: Orders) -> Joins:
        """Buyers of a brand running a pool may join it, within their channel slots and the pool's room."""
        st, pc, table = self.state, self.cfg.private, self.model.brand_table
        B = self.sent_before.size
        joins, incentives = np.zeros(B), np.zeros(B)
        o_i, o_b = orders.consumer, orders.brand
        pool_on = table.run_pool & today.alive
        cand = pool_on[o_b] & (st.tier[o_i, o_b] == 0)
        if not cand.any():
            return Joins(joins=joins, incentives=incentives)
        ci, cb = o_i[cand], o_b[cand]
        p_join = np.array([pools.join_probability(x, pc.join_base, pc.join_per_rmb, pc.join_max)
                           for x in table.join_incentive])
        # one counter-based uniform per (consumer, brand, day): the same for a consumer's two orders of a brand
        uu = kernels.pair_uniforms(self.joining_key, today.day, ci, cb, 0)
        acc = uu < p_join[cb]
        ci, cb, uu = ci[acc], cb[acc], uu[acc]
        # a free channel slot is needed: joins today count against it, smallest draw first
        order = np.lexsort((uu, ci))
        ci, cb, uu = ci[order], cb[order], uu[order]
        used = ar.count_rows(st.tier[ci] > 0)  # the accepting buyers' current memberships
        first = np.r_[True, ci[1:] != ci[:-1]]
        grp_start = np.maximum.accumulate(np.where(first, np.arange(ci.size), 0))
        ok = (np.arange(ci.size) - grp_start) < (st.slots[ci] - used)
        ci, cb, uu = ci[ok], cb[ok], uu[ok]
        members = ar.count_cols(st.tier > 0)
        for b in np.unique(cb):
            sel = np.flatnonzero(cb == b)
            room = max(0, int(table.capacity[b]) - int(members[b]))
            sel = sel[np.argsort(uu[sel], kind="stable")][:room]
            if sel.size == 0:
                continue
            who = ci[sel]
            self.add_members(who, int(b))
            joins[b] = who.size
            incentives[b] = who.size * table.join_incentive[b]
        return Joins(joins=joins, incentives=incentives)

    def add_members(self, who: np.ndarray, b: int) -> None:
        """New members at tier 1, in the first groups with room (new groups open at the initial activity)."""
        st = self.state
        gid, self.group_counts[b] = pools.assign_groups(self.group_counts[b], who.size, self.group_size)
        if self.group_activity[b].size < self.group_counts[b].size:
            extra = self.group_counts[b].size - self.group_activity[b].size
            self.group_activity[b] = np.r_[self.group_activity[b], np.full(extra, self.cfg.private.activity_initial)]
        st.tier[who, b] = 1
        st.muted[who, b] = False
        st.group[who, b] = gid
        st.irritation[who, b] = 0

    def census(self, today: Today) -> Census:
        """The day's members, counted in one pass over the pools' columns; ``member_seen`` stamped on the way."""
        st = self.state
        memberships = np.empty(st.n, np.int32)
        counts = kernels.census_rows(today.day, ACTIVE_DAYS, st.tier, st.t_private, st.member_seen, memberships)
        return Census(members=counts[0], tiers=counts[1:4], active=counts[4], above_top_tier=counts[5],
                      memberships=memberships)
