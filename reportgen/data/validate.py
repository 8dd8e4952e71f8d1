"""Is a training set usable? At least two classes, each with enough rows to hold one out.

The stratified hold-out (split.holdout) puts at least one image of every class with two or
more into the validation set and keeps at least one for training; a class with a single
image could only be trained on, and a set of one class teaches nothing to compare. Refused
here, before any training, in one line that says what is missing.
"""

from __future__ import annotations

import numpy as np

from reportgen.data.classes import CLASS_NAMES, NUM_CLASSES
from reportgen.errors import UserError

MIN_CLASSES = 2
MIN_PER_CLASS = 2  # one to train on, one held out for validation


def _named(label: int) -> str:
    return f"class {label} ({CLASS_NAMES[label]})"


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def check_training_labels(labels: np.ndarray, shown: str) -> None:
    """UserError naming `shown` when the labels cannot train and validate a classifier."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=NUM_CLASSES)
    present = np.flatnonzero(counts)
    if len(present) == 0:
        raise UserError(f"{shown}: no training rows")
    if len(present) < MIN_CLASSES:
        label = int(present[0])
        raise UserError(
            f"{shown}: all {int(counts[label]):,} training rows are {_named(label)}; "
            f"training needs at least {MIN_CLASSES} classes"
        )
    few = [int(k) for k in present if counts[k] < MIN_PER_CLASS]
    if few:
        listed = ", ".join(f"{_named(k)} has {_rows(int(counts[k]))}" for k in few)
        raise UserError(
            f"{shown}: too few rows to hold out a validation set: {listed}; each class needs "
            f"at least {MIN_PER_CLASS} (one to train on, one to validate)"
        )
