"""F11 Bass docking and F13 auction docking: the model's own code against analytic results."""

import numpy as np
import pytest

import sim
from sim.model import TrafficModel
from sim.validate.docking import auction_docking, bass_analytic, bass_config, bass_docking

pytestmark = pytest.mark.slow


def test_bass_recursion_by_hand():
    f = bass_analytic(0.1, 0.5, 3)
    f1 = 0.1
    f2 = f1 + (0.1 + 0.5 * f1) * (1 - f1)
    assert f[:2] == pytest.approx([f1, f2])


# docs/MODEL.md §8 (size of the Bass docking check): n = 20,000 in CI, fewer (p, q) points
@pytest.mark.parametrize("p,q", [(0.005, 0.8), (0.05, 0.1)])
def test_bass_docking_within_0_02(p, q):
    d = bass_docking(p, q, n=20_000, days=75, seed=11, replications=20)
    assert (d["simulated"] - d["analytic"]).abs().max() <= 0.02
    assert d["simulated"].is_monotonic_increasing


def test_bass_docking_fails_without_word_of_mouth():
    """Ablation: with word of mouth off the curve is pure innovation (1 - (1-p)^t), far from Bass."""
    cfg = sim.with_overrides(bass_config(0.01, 0.5, 5000), {"wom.enabled": False})
    m = TrafficModel(config=cfg, seed=1)
    sim_f = []
    for _ in range(40):
        m.step()
        sim_f.append((m.state.orders[:, 0] > 0).mean())
    assert np.max(np.abs(np.array(sim_f) - bass_analytic(0.01, 0.5, 40))) > 0.2


def test_bass_docking_goes_through_the_ordinary_engine():
    cfg = bass_config(0.03, 0.38, 1000)
    r = sim.run(cfg, seed=2, days=30)
    b = r.brand(0)
    # advertising buys one impression per person per day and every first order is a new customer
    assert b["impressions_valid"].iloc[0] == 1000
    assert b["new_customers"].sum() == (r.orders.groupby("consumer").size() > 0).sum()


def test_auction_docking_within_0_01():
    d = auction_docking(range(2, 13), slots=3, rounds=20_000, seed=3)
    assert set(d["bidders"]) == set(range(2, 13))
    assert d.groupby("bidders")["position"].max().to_dict() == {n: min(3, n - 1) for n in range(2, 13)}
    assert (d["simulated"] - d["analytic"]).abs().max() <= 0.01
    one = d[d["position"] == 1].set_index("bidders")["simulated"]
    assert one[2] == pytest.approx(1 / 3, abs=0.01) and one[10] == pytest.approx(0.82, abs=0.01)
