"""Independent random streams per purpose, spawned from the run's seed (docs/MODEL.md §4).

Each PCG64 stream draws fixed-shape arrays every day whether or not they are used; the
counter-based purposes (``stream_key``) draw per (consumer, brand, day) by construction. Either
way a change in one brand's strategy moves nobody else's draws except through the model's own
mechanics (common random numbers across scenario arms).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Order matters: the i-th child of the run's SeedSequence feeds the i-th purpose. Append only.
PURPOSES = (
    "population",  # consumer traits at initialisation
    "graph",  # social graph generation
    "strategy",  # assignment of strategies to brands (market.private_share)
    "occasions",  # purchase occasions and organic search (counter-based: stream_key)
    "choice",  # logit brand choice (counter-based: stream_key)
    "auction",  # reserved for auction tie-breaking
    "delivery",  # ad impressions to consumers
    "attention",  # tolerance-cap priority and touch (click / word-of-mouth) draws
    "messages",  # private-channel reach, reading, response, tiers, mutes and exits (counter-based: stream_key)
    "wom",  # reserved for word-of-mouth extensions
    "joining",  # joining a pool after a purchase (counter-based: stream_key)
)


def seed_sequence(seed: int | Sequence[int] | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """The run's SeedSequence; replication k of a scenario passes ``[base_seed, k]``."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is None:
        return np.random.SeedSequence()
    return np.random.SeedSequence(seed)


def make_streams(ss: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One PCG64 generator per purpose, from ``ss.spawn`` in the fixed order of PURPOSES."""
    children = np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key).spawn(len(PURPOSES))
    return {name: np.random.Generator(np.random.PCG64(child)) for name, child in zip(PURPOSES, children, strict=True)}


def stream_key(ss: np.random.SeedSequence, purpose: str) -> np.ndarray:
    """A counter-based purpose's Philox key: two uint32 words (held in uint64) from the run's SeedSequence.

    The kernels draw the uniforms of pair (i, b) on day t as Philox4x32-10 of the counter (i, b, t, j)
    under this key, j = 0 for the first four words (docs/MODEL.md §4). The extra spawn-key word keeps
    the key apart from the purpose's PCG64 child, which ``make_streams`` still creates.
    """
    child = np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (PURPOSES.index(purpose), 0x9C))
    return child.generate_state(2, np.uint32).astype(np.uint64)
