"""Differential test: the array engine and the per-agent reference (sim/reference/) agree.

The reference plugs into the engine's consumer-update slot; everything brand-side is shared.

Both run the same small market (every mechanism on, an alliance of three pool brands added,
400 consumers, 90 days, warm-up 0) over
the same replication seeds, so each pair shares its population, social graph and brands and
differs only in the consumer update and its random draws. For each key metric the paired
difference across replications must be within what chance allows: |mean| ≤ t · s.e., with t
the two-sided quantile at a family-wise 1 % over the metrics (Bonferroni). The tolerance cap
is made to bind (mean tolerance 4 brands) so that the comparison can see it; the second test
breaks that one rule in the engine alone and checks that the comparison fails.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import sim
from sim.model import TrafficModel
from sim.reference import ReferenceConsumers

# Both tests read one set of reference runs: keep them on one xdist worker (make test: --dist loadgroup)
pytestmark = pytest.mark.xdist_group("differential")

AGENTS, DAYS, REPLICATIONS = 400, 90, 10
METRICS = ("orders", "new_customers", "clicks", "impressions_valid", "impressions_wasted", "messages_read",
           "pool_joins", "orders_paid", "orders_private", "orders_alliance", "orders_organic", "alliance_fee_income")
ALPHA = 0.01


def _config():
    # an alliance of three pool brands (two categories), so that partner offers are compared too
    return sim.with_overrides(sim.default_config(), {
        "population.agents": AGENTS, "run.warmup_days": 0, "run.days": DAYS, "fatigue.tolerance_mean": 4,
        "alliances.groups": [{"members": [4, 11, 2]}]})


def _summary(model: TrafficModel) -> dict[str, float]:
    df = model.recorder.frame()
    brands = df[df["entity_type"] == "brand"]
    out = {k: float(brands[k].sum()) for k in METRICS}
    out["pool_members_end"] = float(brands.loc[brands["day"] == brands["day"].max(), "pool_members"].sum())
    return out


def _runs(consumer_update=None) -> list[dict[str, float]]:
    """The market's replications with the engine's consumer update, or the one given (the reference)."""
    cfg = _config()
    out = []
    for k in range(REPLICATIONS):
        slot = {} if consumer_update is None else {"consumer_update": consumer_update}
        model = TrafficModel(cfg, seed=[7, k], **slot)
        for _ in range(DAYS):
            model.step()
        out.append(_summary(model))
    return out


def _disagreements(engine: list[dict[str, float]], reference: list[dict[str, float]]) -> dict[str, str]:
    """Metrics whose paired engine − reference difference is beyond chance (family-wise ALPHA)."""
    names = list(engine[0])
    t_crit = stats.t.ppf(1 - ALPHA / (2 * len(names)), REPLICATIONS - 1)
    bad = {}
    for name in names:
        d = np.array([e[name] - r[name] for e, r in zip(engine, reference, strict=True)])
        se = d.std(ddof=1) / np.sqrt(d.size)
        ref_mean = np.mean([r[name] for r in reference])
        if abs(d.mean()) > t_crit * se:
            bad[name] = f"engine − reference {d.mean():+.1f} (reference {ref_mean:.1f}), s.e. {se:.1f}, t {t_crit:.2f}"
    return bad


@pytest.fixture(scope="module")
def reference_runs():
    return _runs(ReferenceConsumers)


@pytest.mark.slow
def test_engine_agrees_with_the_per_agent_reference(reference_runs):
    engine = _runs()
    assert not _disagreements(engine, reference_runs)
    # the comparison is not vacuous: the metrics are large enough to be measured
    assert min(np.mean([r[k] for r in reference_runs]) for k in ("orders", "impressions_wasted", "pool_joins")) > 50
    assert np.mean([r["orders_alliance"] for r in reference_runs]) > 5


@pytest.mark.slow
def test_the_comparison_detects_an_engine_that_ignores_the_tolerance_cap(reference_runs, monkeypatch):
    from sim.engine import kernels

    exposure_rows = kernels.exposure_rows

    def no_cap(*args):  # argument 5 is fatigue_on: every brand that reaches a consumer is attended
        return exposure_rows(*args[:5], False, *args[6:])

    monkeypatch.setattr(kernels, "exposure_rows", no_cap)
    broken = _runs()
    bad = _disagreements(broken, reference_runs)
    assert "impressions_wasted" in bad, bad
