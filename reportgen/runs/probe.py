"""How fast this machine trains a run: a few real training steps, timed (the planner's input).

A probe builds the run's model, traces it, times steps on the run's own data with its own
augmentation, a validation pass and a checkpoint, and returns a Cost. Runs that differ only in
what does not change their speed (seed, normalization, role) share one probe.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from reportgen.data.types import Dataset
from reportgen.runs.plan import Cost
from reportgen.runs.spec import RunSpec
from reportgen.store.run_files import Checkpoint
from reportgen.tfenv import choose_precision, tensorflow

WINDOWS = 3  # timed windows of training steps: the fastest counts (a busy moment slows one)
WINDOW_SECONDS = 1.5  # each, after tracing
EVAL_SAMPLE = 512  # images timed for the validation pass

Measure = Callable[[RunSpec, Dataset], Cost]


def speed_signature(spec: RunSpec) -> tuple:
    """What a run's speed depends on: runs with equal signatures share a probe."""
    return (spec.model, spec.batch_size, spec.augment is not None, spec.tta_flip, spec.val_fraction)


def measure(spec: RunSpec, data: Dataset, clock: Callable[[], float] = time.perf_counter) -> Cost:
    """The Cost of spec on data here: seconds per epoch and once per run."""
    tensorflow()
    import keras

    from reportgen.runs.train import compiled_model, split, steps_per_epoch

    train_idx, val_idx = split(spec, data)
    steps = steps_per_epoch(spec, len(train_idx))
    keras.mixed_precision.set_global_policy(choose_precision())
    try:
        keras.utils.set_random_seed(spec.seed)
        start = clock()
        model = compiled_model(spec, 128.0, 64.0)
        step, tracing = _step_seconds(model, spec, data, train_idx, steps, clock, start)
        per_image = _predict_seconds(model, spec, data.train.images[val_idx[:EVAL_SAMPLE]], clock)
        with tempfile.TemporaryDirectory() as tmp:  # an epoch's checkpoint, timed
            t0 = clock()
            Checkpoint(Path(tmp)).save(model, {})
            save = clock() - t0
    finally:
        keras.mixed_precision.set_global_policy("float32")
    n_tests = sum(len(t) for t in data.tests.values())
    views = 2 if spec.tta_flip else 1
    epoch = steps * step + len(val_idx) * per_image + save
    predictions = (len(val_idx) * (2 * views + 1) + n_tests * views) * per_image
    return Cost(epoch=float(epoch), fixed=float(tracing + predictions + save))


def _step_seconds(
    model: Any,
    spec: RunSpec,
    data: Dataset,
    train_idx: np.ndarray,
    steps: int,
    clock: Callable[[], float],
    start: float,
) -> tuple[float, float]:
    """Seconds a training step (the fastest of WINDOWS timed windows), and the tracing's."""
    from reportgen.runs.pipeline import train_dataset

    sample = train_idx[: spec.batch_size * 8]
    x, y = data.train.images[sample], data.train.labels[sample]
    ds = train_dataset(x, y, spec.batch_size, spec.augment, spec.seed).repeat()
    model.fit(ds, steps_per_epoch=2, epochs=1, verbose=0, shuffle=False)  # tracing
    traced = clock()
    model.fit(ds, steps_per_epoch=2, epochs=1, verbose=0, shuffle=False)
    step = (clock() - traced) / 2
    n = max(2, min(steps, math.ceil(WINDOW_SECONDS / max(step, 1e-6))))
    for _ in range(WINDOWS):
        t0 = clock()
        model.fit(ds, steps_per_epoch=n, epochs=1, verbose=0, shuffle=False)
        step = min(step, (clock() - t0) / n)
    return step, max(0.0, traced - start - 2 * step)


def _predict_seconds(
    model: Any, spec: RunSpec, images: np.ndarray, clock: Callable[[], float]
) -> float:
    """Seconds a prediction takes per image and view."""
    from reportgen.runs.pipeline import predict_probs

    predict_probs(model, images[:8])  # tracing
    t0 = clock()
    predict_probs(model, images)
    return (clock() - t0) / max(1, len(images))


def measure_all(
    specs: dict[str, RunSpec], data: Dataset, measure_one: Measure = measure
) -> dict[str, Cost]:
    """A Cost for every run, one probe per speed signature."""
    by_signature: dict[tuple, Cost] = {}
    costs = {}
    for key, spec in specs.items():
        sig = speed_signature(spec)
        if sig not in by_signature:
            by_signature[sig] = measure_one(spec, data)
        costs[key] = by_signature[sig]
    return costs
