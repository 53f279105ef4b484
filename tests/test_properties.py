"""Property-based: invariants hold over random valid configurations (the model checks them daily)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import sim

STRATS = ["public_only", "private_cultivate", "private_harvest", "hybrid", "alliance_member", "adaptive"]


@given(
    agents=st.integers(50, 400),
    n_brands=st.integers(1, 8),
    strategies=st.lists(st.sampled_from(STRATS), min_size=8, max_size=8),
    tolerance=st.floats(0, 30),
    ivt=st.floats(0, 0.9),
    reserve=st.floats(0, 200),
    scale=st.sampled_from([1.0, 3.0, 50.0]),
    kind=st.sampled_from(["small_world", "scale_free", "community", "complete"]),
    cash=st.floats(0, 50_000),
    seed=st.integers(0, 2**31 - 1),
)
def test_invariants_hold_for_random_markets(agents, n_brands, strategies, tolerance, ivt, reserve, scale, kind,
                                            cash, seed):
    cfg = sim.default_config()
    ov = {"population.agents": agents, "run.warmup_days": 5, "fatigue.tolerance_mean": tolerance,
          "platforms.0.invalid_traffic_share": ivt, "platforms.1.reserve_cpm": reserve,
          "population.scale": scale, "graph.kind": kind, "graph.communities": 3}
    for i in range(len(cfg.brands)):
        ov[f"brands.{i}.strategy"] = strategies[i % len(strategies)]
    ov["brands.1.initial_cash"] = cash
    cfg = sim.with_overrides(cfg, ov)
    m = sim.TrafficModel(config=cfg, seed=seed, n_brands=n_brands)
    for _ in range(8):
        m.step()  # raises InvariantError on any violation
    d = m.recorder.frame()
    num = d.select_dtypes("number").to_numpy(float)
    assert not np.isinf(num).any()
    led = m.ledger.to_frame(m.scale)
    assert abs(led.groupby("payee")["amount"].sum().sub(led.groupby("payer")["amount"].sum(), fill_value=0).sum()) \
        <= 1e-9 * max(led["amount"].abs().sum(), 1)
    assert (m.state.tier >= 0).all() and (m.state.tier <= 3).all()
    assert ((m.state.tier > 0).sum(axis=1) <= m.state.slots).all()
