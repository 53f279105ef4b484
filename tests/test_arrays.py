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
    mask, _, _, counts = data
    assert np.array_equal(ar.count_rows(mask), mask.sum(axis=1))
    assert np.array_equal(ar.count_cols(mask), mask.sum(axis=0))
    assert np.array_equal(ar.sum_rows_int(counts), counts.sum(axis=1))
    exact = counts.sum(axis=0, dtype=np.float64)
    assert np.array_equal(ar.sum_cols_counts(counts, 3), exact)
    # a bound past float32's exact range takes the float64 path, with the same sums
    assert np.array_equal(ar.sum_cols_counts(counts, 2.0**24), exact)
