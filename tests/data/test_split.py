"""reportgen/data/split.py: the hold-out is stratified, deterministic, disjoint and complete."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.data.split import holdout
from reportgen.errors import UserError

pytestmark = pytest.mark.usefixtures("cache_dir")  # conftest.py: a cache folder per test


def test_holdout_is_stratified_deterministic_disjoint_complete() -> None:
    labels = np.repeat(np.arange(7), [100, 10, 50, 200, 3, 2, 1])
    np.random.default_rng(0).shuffle(labels)
    train, val = holdout(labels, 0.2, seed=7)
    assert train.dtype == np.int64 and val.dtype == np.int64
    assert np.all(np.diff(train) > 0) and np.all(np.diff(val) > 0)
    assert np.intersect1d(train, val).size == 0
    np.testing.assert_array_equal(np.union1d(train, val), np.arange(len(labels)))
    val_counts = np.bincount(labels[val], minlength=7)
    np.testing.assert_array_equal(val_counts, [20, 2, 10, 40, 1, 1, 0])
    again = holdout(labels, 0.2, seed=7)
    np.testing.assert_array_equal(again[1], val)
    assert not np.array_equal(holdout(labels, 0.2, seed=8)[1], val)


def test_holdout_edge_cases() -> None:
    train, val = holdout(np.array([], np.int64), 0.1, seed=0)
    assert train.size == 0 and val.size == 0
    train, val = holdout(np.array([3, 3]), 0.9, seed=0)
    assert len(train) == 1 and len(val) == 1
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(UserError, match="hold-out fraction"):
            holdout(np.array([1, 2]), bad, seed=0)
