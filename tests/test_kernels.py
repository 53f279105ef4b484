"""The fused kernels' random numbers and threads (sim.engine.kernels, docs/MODEL.md §4)."""

import json
import os
import subprocess
import sys

import numpy as np

from sim.engine import kernels
from sim.state import NEVER


def test_philox_matches_the_published_known_answers():
    """Random123's known-answer vectors for Philox4x32-10 (kat_vectors: zeros, ones, digits of π)."""
    f = kernels.philox_block
    assert f(0, 0, 0, 0, 0, 0) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)
    m = 0xFFFFFFFF
    assert f(m, m, m, m, m, m) == (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)
    assert f(0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344, 0xA4093822, 0x299F31D0) == (
        0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)


def test_a_pair_draws_the_same_uniform_whatever_the_population():
    key = np.array([5, 6], np.uint64)
    i, b = np.divmod(np.arange(40 * 7), 7)
    small = kernels.pair_uniforms(key, 12, i[:70], b[:70], 0)
    big = kernels.pair_uniforms(key, 12, i, b, 0)
    assert np.array_equal(small, big[:70])
    other_day = kernels.pair_uniforms(key, 13, i, b, 0)
    assert not np.array_equal(big, other_day)
    u = kernels.pair_uniforms(key, 1, *np.divmod(np.arange(200_000), 20), 1)
    # 200,000 uniforms: mean 1/2 within 5 standard errors (sd 1/√12), and all in [0, 1)
    assert abs(u.mean() - 0.5) < 5 * (12 ** -0.5) / np.sqrt(u.size)
    assert u.min() >= 0 and u.max() < 1


def test_touch_kernel_touches_clicks_and_forgets():
    N, B = 4, 2
    f = np.float32
    wom_share = np.array([[0.5, 0], [0, 0], [0, 0], [0, 0]], f)  # half of consumer 0's neighbours buy brand 0
    wom_rate = np.array([2, 2], f)  # so consumer 0 hears of brand 0 for sure
    effective = np.zeros((N, B), f)
    effective[3] = 1  # consumer 3 saw one effective ad of each brand: paid hazard ctr = 0.1
    offer_read = np.zeros((N, B), bool)
    offer_read[2, 1] = True  # consumer 2 read brand 1's partner offer
    orders = np.zeros((N, B), np.int32)
    orders[1, 0] = 1  # consumer 1 is brand 0's customer: no forgetting
    awareness = np.full((N, B), 0.5, f)
    t_wom = np.full((N, B), NEVER, np.int32)
    touched, clicked, impulse = (np.empty((N, B), bool) for _ in range(3))
    touch_draw = np.full((N, B), 0.5, f)
    touch_draw[3] = [0.04, 0.07]  # both below 0.1: clicks; 0.04 < impulse rate 0.5 × 0.1, 0.07 is not
    kernels.touch_rows(4, f(0.1), f(0.5), wom_share, wom_rate, effective, touch_draw, offer_read, np.full(B, 0.5, f),
                       np.ones(B, bool), f(0.9), np.zeros(N, f), orders, awareness, t_wom, touched, clicked, impulse)
    assert touched.tolist() == [[True, False], [False, False], [False, True], [True, True]]
    assert clicked.tolist() == [[False, False]] * 3 + [[True, True]]  # no paid hazard without effective ads
    assert impulse.tolist() == [[False, False]] * 3 + [[True, False]]
    assert (t_wom[3] == NEVER).all()  # a click is not a word-of-mouth touch
    assert t_wom[0, 0] == 4 and (t_wom.ravel()[1:] == NEVER).all()
    assert (awareness[3] == 1).all()
    assert awareness[0, 0] == 1
    assert awareness[1, 0] == f(0.5)  # a customer does not forget
    assert awareness[2, 1] == f(0.5)  # touched by the offer: no forgetting today
    assert awareness[1, 1] == f(0.5) * f(0.9)


RUN = """
import hashlib, numba, sys
import sim
from tests.conftest import small_config
numba.set_num_threads(int(sys.argv[1]))
r = sim.run(small_config(agents=3000, warmup=10, **{"ads.wearout_frequency": 0.5}), seed=4, days=15)
h = hashlib.sha256(r.daily.to_csv().encode() + r.summary.to_csv().encode()).hexdigest()
print(numba.get_num_threads(), h)
"""


def test_results_are_the_same_on_one_and_two_threads():
    """Counter-based draws and independent rows: the thread count changes nothing (docs/MODEL.md §4)."""
    out = []
    for threads in (1, 2):
        env_run = subprocess.run([sys.executable, "-c", RUN, str(threads)], capture_output=True, text=True,
                                 check=True, env={**os.environ, "NUMBA_NUM_THREADS": "2"})
        out.append(env_run.stdout.split())
    assert [o[0] for o in out] == ["1", "2"]
    assert out[0][1] == out[1][1]


def test_census_counts_members_tiers_and_active_readers_and_stamps_membership():
    from sim.engine.kernels import census_rows

    rng = np.random.default_rng(5)
    N, B, day = 3000, 7, 40
    tier = rng.choice(np.array([0, 0, 0, 1, 2, 3], np.int8), (N, B))
    t_private = rng.integers(20, 41, (N, B)).astype(np.int16)
    member_seen = np.full((N, B), -5, np.int16)
    memberships = np.empty(N, np.int32)
    counts = census_rows(day, 7, tier, t_private, member_seen, memberships)
    assert counts[0].tolist() == (tier > 0).sum(axis=0).tolist()
    for k in (1, 2, 3):
        assert counts[k].tolist() == (tier == k).sum(axis=0).tolist()
    assert counts[4].tolist() == ((tier > 0) & (day - t_private < 7)).sum(axis=0).tolist()
    assert not counts[5].any()
    assert memberships.tolist() == (tier > 0).sum(axis=1).tolist()
    assert (member_seen == np.where(tier > 0, day, -5)).all()


def test_reach_breadth_counts_the_brands_that_reached_each_consumer_in_the_window():
    rng = np.random.default_rng(8)
    last_reached = rng.integers(30, 61, (500, 9)).astype(np.int32)
    last_reached[::4] = NEVER  # never reached: breadth 0
    breadth = np.empty(500, np.int64)
    kernels.reach_breadth_rows(60, 7, last_reached, breadth)
    assert breadth.tolist() == ((60 - last_reached) < 7).sum(axis=1).tolist()
    assert (breadth[::4] == 0).all() and breadth.max() > 3


LOADED_THEN_RUN = """
import json
from numba.core.registry import CPUDispatcher
from sim.bench import load_kernels
from sim.config import default_config, with_overrides
from sim.engine import kernels
from sim.model import TrafficModel

def compiled():
    return {n: len(f.signatures) for n, f in vars(kernels).items() if isinstance(f, CPUDispatcher)}

load_kernels()
before = compiled()
model = TrafficModel(with_overrides(default_config(), {"population.agents": 3000, "run.warmup_days": 0}), seed=1)
for _ in range(20):
    model.step()
print(json.dumps([before, compiled()]))
"""


def test_bench_loads_every_kernel_a_run_calls_before_timing():
    """`sim bench` times runs after load_kernels(); a kernel first compiled inside a timed run (pool_rows,
    which waits for pools to have members, once did) would count ~10 s of compiling as simulation."""
    proc = subprocess.run([sys.executable, "-c", LOADED_THEN_RUN], capture_output=True, text=True,
                          env={**os.environ, "NUMBA_NUM_THREADS": "1"}, check=True)
    before, after = json.loads(proc.stdout.strip().splitlines()[-1])
    assert after == before
    assert before["pool_rows"] >= 1 and before["exposure_rows"] >= 1
