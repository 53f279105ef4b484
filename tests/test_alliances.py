"""Cross-brand alliances: offers only through allied pools, trust transfer, fees."""

import numpy as np

import sim
from sim import alliances
from sim.config import AllianceConfig
from sim.state import NEVER
from tests.conftest import small_config

ALLY = {"brands.0.strategy": "alliance_member", "brands.11.strategy": "alliance_member",
        "alliances.groups": [{"name": "snacks+accessories", "members": [0, 11], "offers_per_day": 0.5}]}


def _model(days=45, seed=2, **ov):
    m = sim.TrafficModel(config=small_config(agents=2000, warmup=30, **{**ALLY, **ov}), seed=seed)
    for _ in range(days):
        m.step()
    return m


def test_partner_offers_rotate_over_live_partners():
    a = AllianceConfig(members=[1, 2, 3], offers_per_day=1.0)
    assert alliances.partner_offers(a, 1, 5, {1, 2, 3}) in ([(2, 1)], [(3, 1)])
    sent = {}
    for t in range(1, 11):
        for p, n in alliances.partner_offers(a, 1, t, {1, 2, 3}):
            sent[p] = sent.get(p, 0) + n
    assert sent == {2: 5, 3: 5}
    assert alliances.partner_offers(a, 1, 5, {2, 3}) == []  # a dead carrier sends nothing


def test_alliance_offers_reach_only_members_of_allied_pools():
    m = _model()
    st = m.state
    touched = st.t_alliance > NEVER
    assert touched[:, [0, 11]].any()
    # no other brand ever gets an alliance touch
    others = np.setdiff1d(np.arange(m.n_brands), [0, 11])
    assert not touched[:, others].any()
    # offers for brand 11 went to people who are (or were) in brand 0's pool
    got_11 = touched[:, 11]
    assert (st.member_seen[got_11, 0] > NEVER).all()


def test_fees_flow_from_offering_to_carrying_brand():
    m = _model()
    led = m.ledger.to_frame(m.scale)
    fees = led[led["line"] == "alliance_fees"]
    assert len(fees) > 0
    assert set(fees["payer"]) <= {"brand:focal_snacks", "brand:accessories_11"}
    assert (fees["payer"] != fees["payee"]).all()


def test_trust_transfer_switch():
    on = _model(seed=3)
    off = _model(seed=3, **{"alliances.trust_transfer_enabled": False})
    got = on.state.t_alliance[:, 11] > NEVER
    assert on.state.trust[got, 11].mean() > off.state.trust[got, 11].mean()


def test_alliances_switched_off_send_nothing():
    m = _model(**{"alliances.enabled": False})
    assert (m.state.t_alliance == NEVER).all()
