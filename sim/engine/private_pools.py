"""Private pools: pushes, reading within attention, tiers, mutes, exits, joining and group activity.

docs/MODEL.md §3 steps 4 and 7, §9 "Private pools". The component owns the pools' group state
(members per group, group activity, messages pushed so far) and the counter-based message and
joining draws. Like a mesa-frames agent set, each day it selects the block it acts on (pool
members × brands with members) and updates only that block.
"""

from __future__ import annotations

import numpy as np

from .. import arrays as ar
from .. import pools
from ..invariants import check_cap
from ..rng import stream_key
from . import kernels, member_rows
from .component import Component
from .records import CarriedOffers, Census, Joins, Orders, PoolDay, Pushes, Today

f32 = np.float32
ACTIVE_DAYS = 7  # a member is active in the brand's pool if she read one of its messages in the last 7 days


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
        """Pushes reach members, who read within attention; content, coupons and spam take effect.

        One pass over every pair decays coupon fatigue and irritation and finds the members; one pass
        over each member's row in the pools with members does the rest (``kernels.pool_rows``).
        """
        st, pc = self.state, self.cfg.private
        B = self.sent_before.size
        is_member, members = kernels.pool_decay_rows(st.tier, st.coupon_fatigue, st.irritation,
                                                     f32(pc.coupon_fatigue_decay), f32(pc.irritation_decay))
        cols = np.flatnonzero(members)
        if cols.size == 0:
            return PoolDay(*(np.zeros(B) for _ in range(5)))
        rows = np.flatnonzero(is_member)
        push = self.pushes(today)
        offsets = np.cumsum([0] + [self.group_activity[b].size for b in cols])
        activity = np.concatenate([self.group_activity[b] for b in cols] + [np.zeros(1)])  # never empty
        respond = np.empty((rows.size, cols.size), bool)
        offer_read = np.empty((rows.size, cols.size), bool)
        sums, group_sums = kernels.pool_rows(
            today.day, self.message_key, rows, cols, self._terms(push, cols), self._coef(), pc.attention_limit_enabled,
            pc.tier3_read_bonus, activity, offsets[:-1], st.tier, st.muted, st.group, st.attention, st.trust,
            st.coupon, st.coupon_day, st.coupon_fatigue, st.irritation, st.annoyance, st.t_private, respond,
            offer_read)
        sent, read, received, mutes, exits = (np.zeros(B) for _ in range(5))
        for total, row in zip((sent, read, received, mutes, exits), sums, strict=True):
            total[cols] = row
        check_cap(today.day, "messages read <= received", read, sent, [b.name for b in self.model.brands])
        for j, b in enumerate(cols):
            g = slice(offsets[j], offsets[j + 1])
            if g.stop > g.start:  # activity moves with the day's reads, then muted members who left go
                self.update_activity(int(b), *group_sums[:3, g], push, today.activity_boost)
                self.group_counts[b] -= group_sums[3, g].astype(np.int64)
        content_cost = np.zeros(B)
        content_cost[cols] = push.content[cols] * push.content_cost[cols] / self.model.scale
        ri, rj = np.nonzero(respond)
        carried = tuple(CarriedOffers(carrier=c, offers=tuple(offers), delivered=int(received[c]),
                                      readers=rows[np.flatnonzero(offer_read[:, j])])
                        for c, offers in push.offers_for.items() for j in np.flatnonzero(cols == c))
        return PoolDay(content_cost=content_cost, sent=sent, read=read, mutes=mutes, exits=exits,
                       respond_i=rows[ri], respond_b=cols[rj], carried=carried)

    def _coef(self) -> np.ndarray:
        """The day's scalars of ``member_rows.member_row``, float32 in the order of ``member_rows.COEF``."""
        pc = self.cfg.private
        return np.array([getattr(pc, name) for name in member_rows.COEF], f32)

    def _terms(self, push: Pushes, cols: np.ndarray) -> np.ndarray:
        """The pools' terms of ``member_rows.member_row``, (len(TERMS), J) float32 in the order of ``TERMS``."""
        pc, table, brands = self.cfg.private, self.model.brand_table, self.model.brands
        k_all = push.all[cols]
        modes = [pc.modes[brands[b].strategy.mode] for b in cols]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = [np.where(k_all > 0, k[cols] / k_all, 0).astype(f32) for k in (push.content, push.coupon,
                                                                                   push.offer)]
        k_offer, k_rival = push.offer[cols], push.rival[cols]
        # a message pulls forward demand that exists: rarely bought categories respond little (S11)
        pull = np.minimum(1.0, pc.pull_forward_days / table.interval[table.category[cols]]).astype(f32)
        response = np.array([md.message_response for md in modes], f32) * pull
        terms = {
            "k_all": k_all.astype(f32),
            "reach": push.reach[cols],
            "content_share": share[0], "coupon_share": share[1], "offer_share": share[2],
            # a same-category partner's offer is a coupon for a substitute: members take it as spam
            # (Dorotic et al. 2021, docs/MODEL.md §11.3: same-category coalition partners cannibalise each other)
            "coupon_or_rival": (push.coupon + push.rival)[cols].astype(f32),
            "content_value": np.array([md.content_value for md in modes], f32),
            "coupon_value": np.array([brands[b].strategy.coupon_value for b in cols], f32),
            "response": response,
            "rival_share": np.where(k_offer > 0, k_rival / np.maximum(k_offer, 1), 0).astype(f32),
            "tier_up": np.array([md.tier_up for md in modes], f32),
        }
        return np.array([terms[name] for name in member_rows.TERMS], f32)

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
        p_join = pools.join_probability(table.join_incentive, pc.join_base, pc.join_per_rmb, pc.join_max)
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
