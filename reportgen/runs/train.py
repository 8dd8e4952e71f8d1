"""Training one run, resumable from the checkpoint of its last epoch.

The recipe (runs/spec.py): AdamW (or SGD with Nesterov momentum), a linear warm-up then a
cosine decay to zero that always runs to its end, label smoothing, one random affine
augmentation per image, and flip test-time augmentation for the predictions. The run keeps
the weights of its last epoch: no checkpoint is chosen by any score.

Training writes nothing itself: after each epoch it asks the store's Checkpoint to save the
model and the state (a run killed at any moment resumes from its last finished epoch), and
it returns a float32 copy of the final model, whatever precision trained it, with the run's
predictions, history and metrics, which the store writes (reportgen/store/run_files.py).
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reportgen import __version__
from reportgen.data.split import holdout
from reportgen.data.types import Dataset
from reportgen.progress import Reporter
from reportgen.runs.pipeline import eval_dataset, predict_probs, train_dataset
from reportgen.runs.schedule import warmup_steps
from reportgen.runs.spec import RunSpec
from reportgen.store.run_files import Checkpoint, RunContents
from reportgen.tfenv import choose_precision, device_description, hardware, strategy, tensorflow

if TYPE_CHECKING:
    from reportgen.runs.plan import Pace

EVAL_BATCH = 256


@dataclass(frozen=True)
class HeldOut:
    """The run's training part and its hold-out, and the training part's pixel statistics
    (None when the spec does not normalize)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    val_idx: np.ndarray
    mean: float | None
    std: float | None


@dataclass(frozen=True)
class Predictions:
    """A model's predictions on the hold-out and the labelled test sets, and what they
    measure (val_accuracy, val_accuracy_plain, tta_flip, test_accuracy)."""

    val: np.ndarray
    tests: dict[str, np.ndarray]
    measured: dict[str, Any]


def steps_per_epoch(spec: RunSpec, n_train: int) -> int:
    return max(1, int(np.ceil(n_train / spec.batch_size)))


def split(spec: RunSpec, data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    return holdout(data.train.labels, spec.val_fraction, spec.split_seed)


def held_out(spec: RunSpec, data: Dataset) -> HeldOut:
    train_idx, val_idx = split(spec, data)
    x_train, y_train = data.train.images[train_idx], data.train.labels[train_idx]
    mean = std = None
    if spec.normalize:
        mean, std = float(x_train.mean()), float(x_train.std()) or 1.0
    x_val, y_val = data.train.images[val_idx], data.train.labels[val_idx]
    return HeldOut(x_train, y_train, x_val, y_val, val_idx, mean, std)


def compiled_model(spec: RunSpec, mean: float | None, std: float | None, steps: int = 1) -> Any:
    """The spec's model, compiled with its optimizer and loss; the learning rate follows the
    run's schedule in the graph (runs/loop.RunSchedule, laid out for spec.epochs of `steps`
    steps; the training loop sets its length again when the run is re-planned)."""
    import keras

    from reportgen.runs.loop import RunSchedule
    from reportgen.runs.models import build_model

    total = spec.epochs * steps
    schedule = RunSchedule(
        spec.learning_rate, warmup_steps(spec.warmup_fraction, total), total, spec.schedule
    )
    model = build_model(spec.model, mean, std)
    model.compile(
        optimizer=optimizer(spec, schedule),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=spec.label_smoothing),
        metrics=["accuracy"],
    )
    return model


def optimizer(spec: RunSpec, lr: Any) -> Any:
    """spec's optimizer; lr: its learning rate (a number or a schedule)."""
    import keras

    if spec.optimizer == "adamw":
        return keras.optimizers.AdamW(learning_rate=lr, weight_decay=spec.weight_decay)
    if spec.optimizer == "sgd":
        wd = spec.weight_decay
        return keras.optimizers.SGD(learning_rate=lr, momentum=0.9, nesterov=True, weight_decay=wd)
    return keras.optimizers.Adam(learning_rate=lr)


def new_state(spec: RunSpec, steps: int) -> dict[str, Any]:
    """A run's state before its first epoch (the checkpoint's, once it has one)."""
    return {
        "epochs": spec.epochs,
        "planned_epochs": spec.epochs,  # the first plan; "epochs" follows the re-plans
        "warmup_steps": warmup_steps(spec.warmup_fraction, spec.epochs * steps),
        "epoch": 0,
        "history": {},
        "seconds": 0.0,
        "resumed_at": [],
    }


def train_run(
    spec: RunSpec,
    data: Dataset,
    checkpoint: Checkpoint,
    report: Reporter,
    label: str,
    on_step: Callable[[], None] | None = None,
    pace: Pace | None = None,
) -> tuple[Any, RunContents]:
    """Train spec on data (from the checkpoint, when it holds one of this schedule): the
    float32 model and the run's contents. on_step: called after every training batch (the
    plan's progress); pace: under a budget, how many epochs the run should have after each
    epoch (runs/plan.py)."""
    tensorflow()  # first, so that its start-up logs stay quiet
    import keras

    parts = held_out(spec, data)
    precision = choose_precision()
    keras.utils.set_random_seed(spec.seed)
    keras.mixed_precision.set_global_policy(precision)
    try:
        model, state = _fit(spec, parts, checkpoint, report, label, on_step, pace)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    if pace is not None:
        state["budget"] = pace.describe()
    final = _float32_copy(spec, model, parts)
    return final, _contents(spec, data, final, state, parts, precision)


def _fit(
    spec: RunSpec,
    parts: HeldOut,
    checkpoint: Checkpoint,
    report: Reporter,
    label: str,
    on_step: Callable[[], None] | None,
    pace: Pace | None,
) -> tuple[Any, dict[str, Any]]:
    """The model trained to the run's (possibly re-planned) length, and its state."""
    from reportgen.runs.loop import fit_epochs

    steps = steps_per_epoch(spec, len(parts.y_train))
    model, state = _start_or_resume(spec, checkpoint, steps, parts, report, label)
    train_ds = train_dataset(
        parts.x_train, parts.y_train, spec.batch_size, spec.augment, spec.seed + state["epoch"]
    )
    val_ds = eval_dataset(parts.x_val, parts.y_val, EVAL_BATCH, one_hot=True)
    replan = pace.replan if pace is not None else None

    def save(s: dict[str, Any]) -> None:
        checkpoint.save(model, s)

    fit_epochs(model, spec, state, (train_ds, val_ds), steps, report, label, save, replan, on_step)
    return model, state


def _start_or_resume(
    spec: RunSpec,
    checkpoint: Checkpoint,
    steps: int,
    parts: HeldOut,
    report: Reporter,
    label: str,
) -> tuple[Any, dict[str, Any]]:
    import keras

    state = checkpoint.state()
    if state is not None and state.get("epochs") != spec.epochs:
        state = None  # a checkpoint of another schedule: start again
    with strategy().scope():
        if state is None:
            model = compiled_model(spec, parts.mean, parts.std, steps)
            return model, new_state(spec, steps)
        model = keras.saving.load_model(checkpoint.model_path, safe_mode=True)
    state["resumed_at"].append(state["epoch"])
    report.log(f"{label}: resuming from the checkpoint of epoch {state['epoch']}")
    return model, state


def _float32_copy(spec: RunSpec, model: Any, parts: HeldOut) -> Any:
    """The final weights in a float32 model (whatever precision trained them)."""
    from reportgen.runs.models import build_model

    final = build_model(spec.model, parts.mean, parts.std)
    final.set_weights(model.get_weights())
    return final


def checkpoint_epochs(checkpoint: Checkpoint) -> int | None:
    """The length of the interrupted run (as last re-planned), if it has a checkpoint: the
    planner keeps it, so that a resumed run finishes the schedule it had."""
    state = checkpoint.state()
    epochs = state.get("epochs") if state is not None else None
    return epochs if isinstance(epochs, int) else None


def predictions(spec: RunSpec, data: Dataset, model: Any, parts: HeldOut) -> Predictions:
    """The model's predictions on the hold-out and the labelled test sets."""
    val_pred = predict_probs(model, parts.x_val, tta_flip=spec.tta_flip)
    plain = predict_probs(model, parts.x_val) if spec.tta_flip else val_pred
    tests, test_accuracy = {}, {}
    for name, test in sorted(data.tests.items()):
        tests[name] = predict_probs(model, test.images, tta_flip=spec.tta_flip)
        test_accuracy[name] = float((tests[name].argmax(1) == test.labels).mean())
    measured = {
        "val_accuracy": float((val_pred.argmax(1) == parts.y_val).mean()),
        "val_accuracy_plain": float((plain.argmax(1) == parts.y_val).mean()),
        "tta_flip": spec.tta_flip,
        "test_accuracy": test_accuracy,
    }
    return Predictions(val_pred, tests, measured)


def environment(data: Dataset, precision: str) -> dict[str, Any]:
    """Where and with what the run was made (environment.json)."""
    import keras

    return {
        "reportgen": __version__,
        "tensorflow": tensorflow().__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "device": device_description(),
        "precision": precision,
        "data_source": data.source if data.synthetic else Path(data.source).name,
        "data_fingerprint": data.fingerprint,
    }


def run_contents(
    spec: RunSpec,
    data: Dataset,
    parts: HeldOut,
    predicted: Predictions,
    history: dict[str, Any],
    metrics: dict[str, Any],
    precision: str,
) -> RunContents:
    """What the run's folder holds, the model aside (train_run's and an imported run's)."""
    return RunContents(
        spec=spec.to_json(),
        history=history,
        metrics=metrics,
        environment=environment(data, precision),
        val_pred=predicted.val,
        val_true=parts.y_val.astype(np.int64),
        val_index=parts.val_idx.astype(np.int64),
        test_pred=predicted.tests,
    )


def _contents(
    spec: RunSpec,
    data: Dataset,
    model: Any,
    state: dict[str, Any],
    parts: HeldOut,
    precision: str,
) -> RunContents:
    predicted = predictions(spec, data, model, parts)
    metrics = _metrics(spec, data, model, state, parts, predicted, precision)
    trained = spec.with_(epochs=state["epoch"])
    return run_contents(trained, data, parts, predicted, state["history"], metrics, precision)


def _metrics(
    spec: RunSpec,
    data: Dataset,
    model: Any,
    state: dict[str, Any],
    parts: HeldOut,
    predicted: Predictions,
    precision: str,
) -> dict[str, Any]:
    from reportgen.runs.models import param_counts

    history, measured = state["history"], predicted.measured
    best = int(np.argmin(history["val_loss"])) + 1
    return {
        "val_accuracy": measured["val_accuracy"],
        "val_accuracy_plain": measured["val_accuracy_plain"],
        "tta_flip": spec.tta_flip,
        "val_loss": float(history["val_loss"][-1]),
        "train_accuracy_final": float(history["accuracy"][-1]),
        "best_epoch": best,  # lowest validation loss; informative, the kept weights are the last
        "min_val_loss": float(history["val_loss"][best - 1]),
        "epochs_run": state["epoch"],
        "planned_epochs": state.get("planned_epochs", state["epoch"]),  # before any re-plan
        "budget": state.get("budget"),  # {text, seconds, share} when a budget planned it
        "train_seconds": float(state["seconds"]),
        "cpu_seconds": float(state.get("cpu_seconds", 0.0)),  # of this process, all threads
        "seconds_per_epoch": float(np.mean(history["epoch_seconds"])),
        "params": param_counts(model),
        "precision": precision,
        "device": device_description(),
        "hardware": hardware(),
        "resumed_at": state["resumed_at"],
        "n_train": len(data.train) - len(parts.y_val),
        "n_val": len(parts.y_val),
        "test_accuracy": measured["test_accuracy"],
    }
