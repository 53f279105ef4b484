"""The pools' member kernel (sim.engine.member_rows, kernels.pool_rows): reading, effects, tiers, mutes, exits."""

import os
import subprocess
import sys

import numba as nb
import numpy as np
import pytest

from sim.engine import kernels, member_rows
from sim.engine.member_rows import COEF, GROUP_SUMS, SUMS, TERMS
from sim.state import NEVER

f32 = np.float32
KEY = np.array([11, 12], np.uint64)


@nb.njit
def _read_probability(attention, received, activity, loyal, bonus):
    return member_rows.read_probability(attention, received, activity, loyal, bonus)


@nb.njit
def _tier_moves(tier, content_read, irritation, u, tier_up, down_rate):
    out = np.empty_like(tier)
    for x in range(tier.size):
        out[x] = member_rows.tier_move(tier[x], content_read[x], irritation[x], u[x], tier_up, down_rate)
    return out


def test_reading_attention_is_shared_across_brands():
    assert _read_probability(f32(3), f32(2), f32(1), False, 0.3) == 1  # 2 messages, attention for 3
    assert _read_probability(f32(3), f32(12), f32(1), False, 0.3) == f32(0.25)  # 12 messages share it
    assert _read_probability(f32(3), f32(12), f32(0.5), True, 0.3) == f32(0.125 * 1.3)  # group and loyalty
    assert _read_probability(f32(np.inf), f32(50), f32(0.9), True, 0.3) == 1  # limit off, capped at 1


def test_tier_transitions_up_with_content_down_with_irritation():
    n = 20_000
    tier = np.full(n, 2, np.int8)
    u = np.random.default_rng(0).random(n).astype(f32)
    up = _tier_moves(tier, np.full(n, 2, f32), np.zeros(n, f32), u, f32(0.1), f32(0.05))
    # binomial proportions: 5 standard errors of 20,000 draws
    assert (up == 3).mean() == pytest.approx(1 - 0.9**2, abs=5 * np.sqrt(0.19 * 0.81 / n))
    assert set(np.unique(up)) <= {2, 3}
    down = _tier_moves(tier, np.zeros(n, f32), np.full(n, 4, f32), u, f32(0.1), f32(0.05))
    assert (down == 1).mean() == pytest.approx(0.2, abs=5 * np.sqrt(0.2 * 0.8 / n))
    assert set(np.unique(down)) <= {1, 2}
    top = _tier_moves(np.full(n, 3, np.int8), np.full(n, 5, f32), np.zeros(n, f32), u, f32(0.9), f32(0.05))
    bottom = _tier_moves(np.ones(n, np.int8), np.zeros(n, f32), np.full(n, 100, f32), u, f32(0.1), f32(0.05))
    assert (top == 3).all() and (bottom == 1).all()


def _market(N=6, J=2, seed=None):
    """State, terms and coefficients of a small market: every consumer a member of pool 0 and pool 1."""
    st = {
        "tier": np.ones((N, J), np.int8), "muted": np.zeros((N, J), bool), "group": np.zeros((N, J), np.int32),
        "attention": np.full(N, 100, f32), "trust": np.full((N, J), 0.5, f32), "coupon": np.zeros((N, J), f32),
        "coupon_day": np.full((N, J), NEVER, np.int32), "coupon_fatigue": np.zeros((N, J), f32),
        "irritation": np.zeros((N, J), f32), "annoyance": np.zeros(N, f32),
        "t_private": np.full((N, J), NEVER, np.int32),
    }
    terms = {name: np.zeros(J, f32) for name in TERMS}
    terms.update(k_all=np.full(J, 3, f32), reach=np.ones(J, f32), content_value=np.full(J, 0.1, f32),
                 coupon_value=np.full(J, 5, f32), tier_up=np.full(J, 0.1, f32))
    coef = dict.fromkeys(COEF, 0.0)
    coef.update(coupon_fatigue_per_coupon=0.5, irritation_per_coupon=0.2, irritation_per_unread=0.1,
                annoyance_per_unread=0.01, exit_rate_muted=0.0)
    if seed is not None:  # a varied market for the property tests
        rng = np.random.default_rng(seed)
        st["tier"] = rng.choice(np.array([0, 1, 2, 3], np.int8), (N, J))
        st["muted"] = rng.random((N, J)) < 0.2
        st["group"] = np.where(st["tier"] > 0, rng.integers(0, 3, (N, J)), -1).astype(np.int32)
        st["attention"] = rng.lognormal(0.5, 0.5, N).astype(f32)
        st["irritation"] = rng.random((N, J)).astype(f32)
        terms.update(k_all=rng.integers(1, 5, J).astype(f32), reach=np.full(J, 0.8, f32),
                     content_share=np.full(J, 0.5, f32), coupon_share=np.full(J, 0.3, f32),
                     offer_share=np.full(J, 0.2, f32), coupon_or_rival=np.full(J, 2, f32),
                     response=np.full(J, 0.05, f32), rival_share=np.full(J, 0.5, f32))
        coef.update(coupon_response=2.0, tier_down_rate=0.05, mute_rate=0.1, mute_threshold=0.5,
                    exit_rate_muted=0.1)
    return st, np.array([terms[k] for k in TERMS], f32), np.array([coef[k] for k in COEF], f32)


def _run(st, terms, coef, rows, day=7, activity=None, attention_on=True):
    J = terms.shape[1]
    activity = np.ones(3 * J) if activity is None else activity
    respond, offer_read = (np.zeros((rows.size, J), bool) for _ in range(2))
    sums, group_sums = kernels.pool_rows(
        day, KEY, rows, np.arange(J), terms, coef, attention_on, 0.3, activity, np.arange(J) * 3, st["tier"],
        st["muted"], st["group"], st["attention"], st["trust"], st["coupon"], st["coupon_day"],
        st["coupon_fatigue"], st["irritation"], st["annoyance"], st["t_private"], respond, offer_read)
    return dict(zip(SUMS, sums, strict=True)), dict(zip(GROUP_SUMS, group_sums, strict=True)), respond, offer_read


def test_members_read_content_and_coupons_and_muted_members_get_nothing():
    st, terms, coef = _market(N=3)
    terms[TERMS.index("content_share"), 0] = 1  # pool 0 sends 3 content messages, pool 1 three coupons
    terms[TERMS.index("coupon_share"), 1] = 1
    terms[TERMS.index("coupon_or_rival"), 1] = 3
    st["muted"][2, :] = True  # consumer 2 muted both pools
    st["attention"][1] = 3  # consumer 1 can read 3 of her 6 messages: each read with probability 1/2
    sums, group_sums, _, _ = _run(st, terms, coef, np.arange(3))
    # consumer 0 reads all 6: trust in pool 0 rises by 0.1 · 3 · (1 − 0.5), a coupon of 5 from pool 1
    assert st["trust"][0].tolist() == [f32(0.5) + f32(0.3) * f32(0.5), 0.5]
    assert st["coupon"][0].tolist() == [0, 5] and st["coupon_day"][0].tolist() == [NEVER, 7]
    assert st["coupon_fatigue"][0].tolist() == [0, 1.5] and (st["t_private"][0] == 7).all()
    assert st["irritation"][0].tolist() == [0, f32(0.2) * 3]  # coupons irritate, read content does not
    assert sums["sent"].tolist() == [6, 6] and sums["received"].tolist() == [2, 2]
    # consumer 1: ⌊1.5 + u⌋ reads of each pool, the rest unread (irritation and annoyance)
    r1 = 3 - (st["irritation"][1] - f32(0.2) * np.array([0, 3], f32)) / f32(0.1)
    assert set(np.round(r1, 4).tolist()) <= {1, 2} and sums["read"].tolist() == (3 + r1).tolist()
    assert st["annoyance"][1] == pytest.approx(0.01 * (6 - r1.sum()))
    # consumer 2 is muted: nothing received, nothing changed
    assert st["t_private"][2].tolist() == [NEVER, NEVER] and st["irritation"][2].tolist() == [0, 0]
    assert group_sums["content_reads"].tolist() == [3 + r1[0], 0, 0, 0, 0, 0]


def test_muted_members_leave_their_group_at_the_exit_rate():
    st, terms, coef = _market(N=4)
    st["muted"][:2, 1] = True
    st["group"][:, 1] = [0, 2, 2, 1]
    coef[COEF.index("exit_rate_muted")] = 1.0
    sums, group_sums, _, _ = _run(st, terms, coef, np.arange(4))
    assert st["tier"][:, 1].tolist() == [0, 0, 1, 1] and st["group"][:, 1].tolist() == [-1, -1, 2, 1]
    assert not st["muted"][:, 1].any() and sums["exits"].tolist() == [0, 2]
    assert group_sums["exits"].tolist() == [0, 0, 0, 1, 0, 1]  # groups 0 and 2 of pool 1


def test_a_members_day_is_hers_whoever_else_is_a_member():
    """A member's draws and outcome depend on her row alone: the same in the whole market and on her own."""
    st, terms, coef = _market(N=3000, J=4, seed=3)
    alone = {k: v.copy() for k, v in st.items()}
    rows = np.flatnonzero((st["tier"] > 0).any(axis=1))
    _, _, respond, offer_read = _run(st, terms, coef, rows)
    some = rows[rows % 7 == 0]
    _, _, respond_some, offer_some = _run(alone, terms, coef, some)
    for name in ("tier", "muted", "group", "trust", "coupon", "coupon_fatigue", "irritation", "annoyance"):
        assert np.array_equal(alone[name][some], st[name][some]), name
    assert np.array_equal(respond_some, respond[rows % 7 == 0]) and respond.any()
    assert np.array_equal(offer_some, offer_read[rows % 7 == 0]) and offer_read.any()


RUN = """
import hashlib, numba, sys
import numpy as np
from tests.test_member_rows import _market, _run
numba.set_num_threads(int(sys.argv[1]))
st, terms, coef = _market(N=5000, J=5, seed=4)
out = _run(st, terms, coef, np.flatnonzero((st["tier"] > 0).any(axis=1)), activity=np.linspace(0.2, 1, 15))
h = hashlib.sha256()
for a in [*st.values(), *out[0].values(), *out[1].values(), out[2], out[3]]:
    h.update(np.ascontiguousarray(a).tobytes())
print(numba.get_num_threads(), h.hexdigest())
"""


def test_the_pool_kernel_gives_the_same_day_on_one_and_two_threads():
    out = [subprocess.run([sys.executable, "-c", RUN, str(t)], capture_output=True, text=True, check=True,
                          env={**os.environ, "NUMBA_NUM_THREADS": "2"}).stdout.split() for t in (1, 2)]
    assert [o[0] for o in out] == ["1", "2"] and out[0][1] == out[1][1]
