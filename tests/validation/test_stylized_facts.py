"""The stylized facts at reduced size (what `sim validate --quick` runs), and their ablations.

Each fact runs its own experiment on the validation seed and passes on the docs/MODEL.md §1 rule
(the 95% CI of each quantity across replications inside its band; for a directional one, the
CI excludes zero and the mean effect reaches its declared minimum). Every fact is computed
once per session and shared. An ablation switches off one mechanism in every run of a fact's
experiment: the fact must then fail, while the parts of it that do not rest on the mechanism,
measured in the same runs, still hold. F11 and F13 (docking) are in test_docking.py.
"""

from __future__ import annotations

import pytest

from sim.validate.facts import FACTS, FactResult, facts_frame

pytestmark = pytest.mark.slow

WORKERS = 2  # the CI machine's cores; results do not depend on it

# Facts that do not hold yet, with what was measured (docs/MODEL.md §10). Strict: the test
# fails once a fact starts to hold, so that this list cannot go stale.
NOT_YET = {
    "F8": "the same-category claim needs full size and about 20 replications: at 10,000 agents on seed 1, 24 "
          "replications give -1.3% [-2.1%, -0.5%] (it holds; sim validate runs it so) but 6 give -1.1% [-3.6%, +1.3%]; "
          "with a replication sd of 1.9%, 80% power takes about 17, some 10 minutes of CI's 2 cores with the "
          "other two arms (docs/MODEL.md §10)",
}


@pytest.fixture(scope="session")
def fact():
    cache: dict[tuple, FactResult] = {}

    def get(fact_id: str, **overrides) -> FactResult:
        key = (fact_id, tuple(sorted(overrides.items())))
        if key not in cache:
            cache[key] = FACTS[fact_id](True, WORKERS, overrides or None)
        return cache[key]

    return get


def _table(r: FactResult) -> str:
    return facts_frame([r])[["quantity", "mean", "ci_low", "ci_high", "band", "pass"]].to_string()


def _check(r: FactResult, prefix: str):
    return next(c for c in r.checks if c.quantity.startswith(prefix))


# F1 and F12 read the same runs of rising_cac (sim.validate.runs shares them within a process): one xdist worker
SAME_RUNS = {"F1": "rising_cac", "F12": "rising_cac"}


def _marks(f: str) -> list:
    marks = [pytest.mark.xfail(strict=True, reason=NOT_YET[f])] if f in NOT_YET else []
    return marks + ([pytest.mark.xdist_group(SAME_RUNS[f])] if f in SAME_RUNS else [])


@pytest.mark.parametrize("fact_id", [pytest.param(f, marks=_marks(f)) for f in FACTS if f not in ("F11", "F13")])
def test_fact_holds_at_reduced_size(fact, fact_id):
    r = fact(fact_id)
    assert r.passed, f"{fact_id} {r.title}\n{_table(r)}"


def test_f3_needs_the_tolerance_cap(fact):
    """Without the cap nothing is wasted at any breadth; waste at low breadth (x ≤ 0.5) never rested on it."""
    r = fact("F3", **{"fatigue.enabled": False})
    assert not _check(r, "wasted share of valid impressions at x ≥ 2").passed, _table(r)
    assert _check(r, "wasted share of valid impressions at x ≤ 0.5").passed, _table(r)


def test_f4_needs_the_pool(fact):
    """Nobody joins: cultivation cannot lift repurchase over public only."""
    r = fact("F4", **{"private.join_max": 0.0})
    assert not _check(r, "repurchase gain over public_only").passed, _table(r)


def test_f6_needs_mutes_and_exits(fact):
    """With no mutes (hence no exits) spam costs no members: harvest no longer loses members faster.
    Its first-month win comes from coupons and still holds."""
    r = fact("F6", **{"private.mute_rate": 0.0})
    assert not _check(r, "log2 of mutes + exits").passed, _table(r)
    assert _check(r, "profit harvest − cultivate, days 1–30").passed, _table(r)


def test_f7_needs_shared_attention(fact):
    """If every pool had a member's whole attention, more pools would not dilute reading."""
    r = fact("F7", **{"private.attention_limit_enabled": False})
    assert not _check(r, "reads_per_member").passed, _table(r)


def test_f8_needs_the_alliance(fact):
    """With alliances off the complementary arm is solo: no partner sales, no lift in activity."""
    r = fact("F8", **{"alliances.enabled": False})
    assert not _check(r, "partner revenue").passed, _table(r)
    assert not _check(r, "pool_active complementary").passed, _table(r)


def test_f12_needs_the_adaptive_rule(fact):
    """With the rule off the same brands keep their starting share: their private share of spend
    no longer follows CAC (it still drifts a little, as value-capped bids leave ad budget unspent)."""
    r = fact("F12", **{"strategies.adaptive.adaptive": False})
    assert not r.passed, _table(r)


def test_f10_needs_quality_weighting(fact):
    """Quality weighting off in both arms: nothing left to compare. Concentration from exits and
    the sales feedback, and exits sorted by consumers' own taste for quality, still hold."""
    r = fact("F10", **{"platforms.0.quality_weight": 0.0})
    assert not _check(r, "HHI rise, weighting on − off").passed, _table(r)
    assert not _check(r, "exit-rate gap, weighting on − off").passed, _table(r)
    assert _check(r, "HHI of impressions, last − first").passed, _table(r)
    assert _check(r, "exit rate, bottom − top").passed, _table(r)
