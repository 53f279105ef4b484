"""The fast array idioms give what the obvious numpy idioms give."""

import numpy as np
import pytest

from sim import arrays as ar


@pytest.fixture(params=[0, 1, 2])
def data(request):
    rng = np.random.default_rng(request.param)
    n, b = 1000, 17
    mask = rng.random((n, b)) < 0.3
    days = rng.integers(-(2**30), 50, (n, b)).astype(np.int32)
    x = rng.random((n, b), dtype=np.float32)
    counts = rng.integers(0, 4, (n, b)).astype(np.float32)
    return mask, days, x, counts


def test_stamp_sets_masked_days_only(data):
    mask, days, _, _ = data
    want = days.copy()
    want[mask] = 60
    ar.stamp(days, mask, 60)
    assert np.array_equal(days, want)


def test_counts_and_sums_are_exact(data):
    mask, _, _, _ = data
    assert np.array_equal(ar.count_rows(mask), mask.sum(axis=1))
    assert np.array_equal(ar.count_cols(mask), mask.sum(axis=0))


def test_libm_gives_the_c_librarys_bits_broadcast():
    """Brand-sized powers and logs, and lognormal traits, are the C library's on every CPU (sim.arrays.libm)."""
    import math

    rng = np.random.default_rng(3)
    base, expo = rng.random(2000) * 5, rng.random(2000) * 3 - 1
    got = ar.libm(math.pow, base, expo)
    assert got.dtype == np.float64 and got.shape == (2000,)
    assert got.tobytes() == np.array([math.pow(x, y) for x, y in zip(base, expo, strict=True)]).tobytes()
    assert ar.libm(math.pow, base[:3], 0.5).tolist() == [math.sqrt(x) for x in base[:3]]  # a scalar broadcasts
    assert ar.libm(math.log, np.array([1.0, math.e])).tolist() == [0.0, 1.0]
