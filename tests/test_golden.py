"""The golden regression file (tests/golden/golden.json): refactoring leaves every hash unchanged.

A deliberate model change regenerates the file (``python -m tests.golden --write``) in a commit of its
own that says why; any other difference is a behaviour change, named here down to the array or frame.
"""

import json

import numpy as np
import pytest

from tests import golden


@pytest.mark.parametrize("market", list(golden.MARKETS))
def test_run_matches_the_golden_file(market):
    doc = json.loads(golden.GOLDEN.read_text())
    expected = doc["markets"][market]
    got = golden.market_hashes(market)
    changed = [f"{part}.{key}" for part, keys in expected.items() for key, h in keys.items()
               if got.get(part, {}).get(key) != h]
    added = [f"{part}.{key}" for part, keys in got.items() for key in keys if key not in expected.get(part, {})]
    assert not changed and not added, (
        f"{market}: differs from the golden file in {changed[:12]}{' ...' if len(changed) > 12 else ''}"
        f"{'; not in the file: ' + str(added) if added else ''}"
        f" (the file was written with numpy {doc['_machine']['numpy']} on {doc['_machine'].get('simd', '?')},"
        f" this is numpy {np.__version__} on {golden.simd_level()})")


def test_the_golden_markets_exercise_what_they_claim():
    """The stressed market must keep exercising wear-out, adaptive brands, the alliance, the hosted pool,
    the entrant and the exit, or its hashes would guard less than they seem to."""
    import sim

    cfg, _ = golden.stressed_market()
    m = sim.TrafficModel(config=cfg, seed=np.random.SeedSequence([golden.SEED, 0]))
    start_share = [m.brands[b].private_share for b in (1, 3)]
    for _ in range(golden.DAYS):
        m.step()
    br = m.recorder.frame().query("entity_type == 'brand'").groupby("entity").sum(numeric_only=True)
    assert m.brands[9].exit_day is not None and 1 <= m.brands[9].exit_day <= golden.DAYS
    assert br.loc["focal_snacks_entrant1", "orders"] > 0  # the entrant sells after day 20
    assert br.loc[["snacks_02", "snacks_04", "accessories_11"], "orders_alliance"].sum() > 0
    assert m.platforms[0].hosted_reach(golden.DAYS) < 0.5 and br.loc["snacks_06", "pool_members"] > 0
    assert [m.brands[b].private_share for b in (1, 3)] != start_share  # the adaptive rule moved them
    # wear-out binds: more impressions wasted than the tolerance cap alone wastes in the default market
    assert (br["impressions_wasted"] / br["impressions_valid"].clip(lower=1)).max() > 0.3
