"""Word of mouth and referral rewards over the social graph."""

import numpy as np
import pytest

import sim
from sim import wom
from sim.graph import SocialGraph, build_graph, csr_from_edges
from sim.state import NEVER
from tests.conftest import small_config


def test_hazard_is_linear_in_the_neighbour_share():
    # path 0-1-2: node 1 has neighbours 0 and 2
    indptr, indices = csr_from_edges(3, np.array([0, 1]), np.array([1, 2]))
    g = SocialGraph(3, indptr, indices)
    src = np.array([[1.0], [0.0], [0.0]], np.float32)  # node 0 is a customer
    share = g.neighbour_share(src)
    h = share * wom.brand_rate(rate=0.2, referral_boost=0.0, reward=np.zeros(1))  # as the touch kernel multiplies
    assert h[:, 0].tolist() == pytest.approx([0.0, 0.1, 0.0])
    # a referral reward raises the rate proportionally
    h2 = share * wom.brand_rate(rate=0.2, referral_boost=0.05, reward=np.array([10.0]))
    assert h2[1, 0] == pytest.approx(0.15)


def test_complete_graph_is_bass_mean_field():
    g = build_graph("complete", 1000, np.random.default_rng(0))
    src = np.zeros((1000, 1), np.float32)
    src[:250] = 1
    h = g.neighbour_share(src) * wom.brand_rate(rate=0.4, referral_boost=0.0, reward=np.zeros(1))
    assert np.allclose(h, 0.4 * 0.25)


def _wom_touches(enabled: bool, reward: float = 0.0, seed: int = 1):
    cfg = small_config(agents=2000, warmup=30, **{"wom.enabled": enabled, "wom.rate": 0.05,
                                                  "strategies.public_only.referral_reward": reward})
    m = sim.TrafficModel(config=cfg, seed=seed)
    for _ in range(30):
        m.step()
    return m


def test_word_of_mouth_switch_removes_wom_touches_and_orders():
    on = _wom_touches(True)
    off = _wom_touches(False)
    assert (on.state.t_wom > NEVER).sum() > 100
    assert (off.state.t_wom == NEVER).all()
    d = off.recorder.frame()
    assert d.loc[d["entity_type"] == "brand", "orders_wom"].sum() == 0


def test_referral_rewards_are_paid_and_raise_word_of_mouth():
    base = _wom_touches(True, 0.0, seed=2)
    paid = _wom_touches(True, 20.0, seed=2)
    assert (paid.state.t_wom > NEVER).sum() > 1.3 * (base.state.t_wom > NEVER).sum()
    led = paid.ledger.to_frame(paid.scale)
    ref = led[led["line"] == "referral"]
    assert ref["amount"].sum() > 0 and (ref["payee"] == "consumers").all()


@pytest.mark.parametrize("kind", ["small_world", "scale_free"])
def test_incremental_neighbour_share_matches_the_full_product(kind, monkeypatch):
    # a source that gains and loses a few entries each day, as customers and loyal members do
    rng = np.random.default_rng(3)
    g = build_graph(kind, 3000, np.random.default_rng(4), mean_degree=8)
    full_products = []
    real = SocialGraph.neighbour_share
    monkeypatch.setattr(SocialGraph, "neighbour_share", lambda self, x: full_products.append(1) or real(self, x))
    share = wom.NeighbourShare(g, refresh=1000)
    src = (rng.random((3000, 5)) < 0.1).astype(np.float32)
    for day in range(40):
        flip = rng.random(src.shape) < 0.002
        src = np.where(flip, np.float32(3) * (src == 0), src).astype(np.float32)
        got = share.neighbour_share(src).copy()
        n_before = len(full_products)
        assert np.allclose(got, g.neighbour_share(src), atol=1e-5), day
        del full_products[n_before:]  # the check's own product
    # only the first day multiplied in full; the other 39 followed the day's changes
    assert len(full_products) == 1
