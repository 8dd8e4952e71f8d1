"""The stratified hold-out: the validation set cut from the training data."""

from __future__ import annotations

import numpy as np

from reportgen.errors import UserError


def holdout(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted int64 (train_index, val_index) into labels, about fraction of each class in val.

    Stratified: each class gives round(fraction * count) examples, at least one when it has two
    or more and never all of them. Deterministic for a seed; the two parts are disjoint and
    cover every index.
    """
    if not 0.0 < fraction < 1.0:
        raise UserError(f"the hold-out fraction must be between 0 and 1, not {fraction}")
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be one-dimensional, got shape {labels.shape}")
    rng = np.random.default_rng(seed)
    train_parts, val_parts = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        count = len(members)
        take = min(max(int(np.floor(count * fraction + 0.5)), 1), count - 1) if count > 1 else 0
        val_parts.append(members[:take])
        train_parts.append(members[take:])
    return (
        np.sort(np.concatenate(train_parts)).astype(np.int64),
        np.sort(np.concatenate(val_parts)).astype(np.int64),
    )
