"""Private pools: joining, groups, operators, pushes, reading attention, tiers, mutes, exits."""

import numpy as np

import sim
from sim import pools
from tests.conftest import small_config


def test_groups_hold_at_most_group_size_and_fill_in_order():
    gid, counts = pools.assign_groups(np.array([498, 10]), 5, 500)
    assert gid.tolist() == [0, 0, 1, 1, 1]
    assert counts.tolist() == [500, 13]
    gid, counts = pools.assign_groups(np.zeros(0, np.int64), 1201, 500)
    assert counts.tolist() == [500, 500, 201]


def test_push_schedule_and_content_mix_are_exact_over_time():
    sent = [pools.scheduled(t, 0.7) for t in range(1, 101)]
    assert sum(sent) == 70
    content = 0
    before = 0
    for k in sent:
        content += pools.split_content(before, k, 0.25)
        before += k
    assert content == 17  # floor(70 * 0.25)


def _pool_market(strategy: str, days: int = 60, seed: int = 5, **ov):
    cfg = small_config(agents=2000, warmup=0, **{"brands.0.strategy": strategy, **ov})
    m = sim.TrafficModel(config=cfg, seed=seed)
    for _ in range(days):
        m.step()
    return m


def test_operator_capacity_caps_the_pool():
    m = _pool_market("private_cultivate", **{"strategies.private_cultivate.max_members": 40})
    d = m.recorder.frame()
    focal = d[(d["entity_type"] == "brand") & (d["brand_id"] == 0)]
    assert focal["pool_members"].max() == 40
    assert focal["pool_joins"].sum() >= 40


def test_a_muted_member_receives_nothing():
    m = _pool_market("private_harvest", days=20)
    st = m.state
    # mute every member of the focal brand, then step: its messages reach nobody
    members = st.tier[:, 0] > 0
    assert members.sum() > 10
    st.muted[members, 0] = True
    before = st.t_private[:, 0].copy()
    m.step()
    d = m.recorder.frame()
    last = d[(d["entity_type"] == "brand") & (d["brand_id"] == 0)].iloc[-1]
    assert last["messages_sent"] == 0 and last["messages_read"] == 0
    still_muted = st.muted[:, 0] & (st.tier[:, 0] > 0)
    assert (st.t_private[still_muted, 0] == before[still_muted]).all()


def test_harvesting_drives_more_mutes_and_exits_than_cultivating():
    def churn(strategy):
        tot = 0.0
        for seed in (1, 2):
            d = _pool_market(strategy, days=90, seed=seed).recorder.frame()
            f = d[(d["entity_type"] == "brand") & (d["brand_id"] == 0)]
            tot += (f["mutes"].sum() + f["pool_exits"].sum()) / max(f["pool_joins"].sum(), 1)
        return tot

    assert churn("private_harvest") > 2 * churn("private_cultivate")


def test_content_cultivation_builds_loyal_tiers():
    m = _pool_market("private_cultivate", days=120)
    assert (m.state.tier[:, 0] == 3).sum() > 0
    off = _pool_market("private_cultivate", days=120, **{"private.modes.expert.tier_up": 0.0})
    assert (off.state.tier[:, 0] == 3).sum() == 0


def test_group_saturation_more_pools_fewer_reads_per_member():
    def reads_per_member(share):
        cfg = small_config(agents=2000, warmup=90, **{"market.private_share": share,
                                                      "brands.0.strategy": "private_cultivate"})
        r = sim.run(cfg, seed=4, days=60)
        f = r.brand(0)
        return f["messages_read"].sum() / max(f["pool_members"].sum(), 1)

    assert reads_per_member(0.9) < 0.8 * reads_per_member(0.05)


def test_hosted_pool_loses_reach_when_throttled_owned_pool_keeps_it():
    def private_orders(location, reach_end):
        ov = {"strategies.private_cultivate.pool_location": location,
              "platforms.0.hosted_reach_end": reach_end, "platforms.0.hosted_throttle_days": 10}
        cfg = small_config(agents=2000, warmup=60, **{"brands.0.strategy": "private_cultivate", **ov})
        r = sim.run(cfg, seed=8, days=60)
        return r.brand(0)["messages_read"].iloc[20:].sum()

    assert private_orders("hosted", 0.05) < 0.3 * private_orders("hosted", 1.0)
    owned_throttled = private_orders("owned", 0.05)
    owned_free = private_orders("owned", 1.0)
    assert owned_throttled == owned_free  # the throttle does not touch an owned pool at all


def test_operating_modes_differ_in_capacity_and_depth():
    """Private partner (one-to-one, ~300 per operator) vs shopping assistant (thousands per operator)."""
    def pool(mode):
        ov = {"brands.0.strategy": "private_cultivate", "strategies.private_cultivate.mode": mode}
        m = _pool_market("private_cultivate", days=90, **ov)
        st = m.state
        members = st.tier[:, 0] > 0
        return m.brands[0].capacity, members.sum(), (st.tier[members, 0] >= 2).mean()

    cap_a, n_a, deep_a = pool("assistant")
    cap_p, n_p, deep_p = pool("partner")
    assert cap_p < cap_a
    assert n_p <= cap_p
    assert deep_p > deep_a  # one-to-one care moves members up the ladder faster


def test_holidays_wake_groups_up():
    def activity(holidays):
        ov = {"brands.0.strategy": "private_cultivate", "calendar.start_date": "2025-11-01"}
        if not holidays:
            ov["calendar.holidays"] = []
        m = sim.TrafficModel(config=small_config(agents=2000, warmup=60, **ov), seed=9)
        act = []
        for _ in range(12):
            m.step()
            act.append(float(np.mean(m.pools.group_activity[0])))
        return np.array(act)

    on, off = activity(True), activity(False)
    # 11.11 is reported day 11; its build-up starts on day 8
    assert on[8:11].mean() > off[8:11].mean() + 0.1
    assert abs(on[:5].mean() - off[:5].mean()) < 0.02
