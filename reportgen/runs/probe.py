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

from reportgen.data.types import Dataset
from reportgen.runs.plan import Cost
from reportgen.runs.spec import RunSpec
from reportgen.tfenv import choose_precision, tensorflow

PROBE_SECONDS = 4.0  # timed training steps per probe, after tracing
EVAL_SAMPLE = 512  # images timed for the validation pass

Measure = Callable[[RunSpec, Dataset], Cost]


def speed_signature(spec: RunSpec) -> tuple:
    """What a run's speed depends on: runs with equal signatures share a probe."""
    return (spec.model, spec.batch_size, spec.augment is not None, spec.tta_flip, spec.val_fraction)


def measure(spec: RunSpec, data: Dataset, clock: Callable[[], float] = time.perf_counter) -> Cost:
    """The Cost of spec on data here: seconds per epoch and once per run."""
    tensorflow()
    import keras

    from reportgen.runs.pipeline import predict_probs, train_dataset
    from reportgen.runs.train import compiled_model, split, steps_per_epoch

    train_idx, val_idx = split(spec, data)
    steps = steps_per_epoch(spec, len(train_idx))
    sample = train_idx[: spec.batch_size * 8]
    x, y = data.train.images[sample], data.train.labels[sample]
    keras.mixed_precision.set_global_policy(choose_precision())
    try:
        keras.utils.set_random_seed(spec.seed)
        start = clock()
        model = compiled_model(spec.with_(epochs=max(spec.epochs, 1)), 128.0, 64.0, steps)
        ds = train_dataset(x, y, spec.batch_size, spec.augment, spec.seed).repeat()
        model.fit(ds, steps_per_epoch=2, epochs=1, verbose=0, shuffle=False)
        t0 = clock()
        model.fit(ds, steps_per_epoch=2, epochs=1, verbose=0, shuffle=False)
        step = (clock() - t0) / 2
        n = max(2, min(steps, math.ceil(PROBE_SECONDS / max(step, 1e-6))))
        t0 = clock()
        model.fit(ds, steps_per_epoch=n, epochs=1, verbose=0, shuffle=False)
        step = (clock() - t0) / n
        tracing = t0 - start - 4 * step
        eval_images = data.train.images[val_idx[:EVAL_SAMPLE]]
        predict_probs(model, eval_images[:8])  # trace
        t0 = clock()
        predict_probs(model, eval_images)
        per_image = (clock() - t0) / max(1, len(eval_images))
        with tempfile.TemporaryDirectory() as tmp:
            t0 = clock()
            model.save(Path(tmp) / "probe.keras")
            save = clock() - t0
    finally:
        keras.mixed_precision.set_global_policy("float32")
    views = 2 if spec.tta_flip else 1
    n_tests = sum(len(t) for t in data.tests.values())
    epoch = steps * step + len(val_idx) * per_image + save
    fixed = max(tracing, 0.0) + (len(val_idx) * (views + 1) + n_tests * views) * per_image + save
    return Cost(epoch=float(epoch), fixed=float(fixed))


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
