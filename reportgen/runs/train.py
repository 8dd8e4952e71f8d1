"""Training one run into a work folder, resumable from the checkpoint of its last epoch.

The recipe (runs/spec.py): AdamW (or SGD with Nesterov momentum), a linear warm-up then a
cosine decay to zero that always runs to its end, label smoothing, one random affine
augmentation per image, and flip test-time augmentation for the predictions. The run keeps
the weights of its last epoch: no checkpoint is chosen by any score.

Each epoch ends by writing checkpoint.keras (model and optimizer state) and checkpoint.json
(the epoch, the history so far) atomically, so a run killed at any moment resumes from its
last finished epoch. The finished folder holds a float32 copy of the model as model.keras,
whatever precision trained it.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reportgen.data.split import holdout
from reportgen.data.types import Dataset
from reportgen.files import write_bytes_atomic
from reportgen.progress import Reporter
from reportgen.runs import run as files
from reportgen.runs.pipeline import eval_dataset, predict_probs, train_dataset
from reportgen.runs.schedule import warmup_steps
from reportgen.runs.spec import TRAINING_CODE_VERSION, RunSpec
from reportgen.tfenv import choose_precision, device_description, hardware, strategy, tensorflow

if TYPE_CHECKING:
    from reportgen.runs.loop import Replan
    from reportgen.runs.plan import Pace

CHECKPOINT = "checkpoint.keras"
STATE = "checkpoint.json"


def write_json(path: Path, value: Any) -> None:
    write_bytes_atomic(path, json.dumps(value, indent=1, ensure_ascii=False).encode("utf-8"))


def save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.save(f, array, allow_pickle=False)


def steps_per_epoch(spec: RunSpec, n_train: int) -> int:
    return max(1, int(np.ceil(n_train / spec.batch_size)))


def split(spec: RunSpec, data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    return holdout(data.train.labels, spec.val_fraction, spec.split_seed)


def compiled_model(spec: RunSpec, mean: float | None, std: float | None) -> Any:
    """The spec's model, compiled with its optimizer and loss (the learning rate is set
    before each step by the training loop, from runs/schedule.py)."""
    import keras

    from reportgen.runs.models import build_model

    model = build_model(spec.model, mean, std)
    model.compile(
        optimizer=optimizer(spec),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=spec.label_smoothing),
        metrics=["accuracy"],
    )
    return model


def optimizer(spec: RunSpec) -> Any:
    import keras

    lr = spec.learning_rate
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
    workdir: Path,
    report: Reporter,
    label: str,
    on_step: Callable[[], None] | None = None,
    pace: Pace | None = None,
) -> None:
    """Train spec on data in workdir and write every run file except the manifest.
    on_step: called after every training batch (the plan's progress); pace: under a
    budget, how many epochs the run should have after each epoch (runs/plan.py)."""
    tensorflow()  # first, so that its start-up logs stay quiet
    import keras

    workdir.mkdir(parents=True, exist_ok=True)
    train_idx, val_idx = split(spec, data)
    x_train, y_train = data.train.images[train_idx], data.train.labels[train_idx]
    x_val, y_val = data.train.images[val_idx], data.train.labels[val_idx]
    mean = std = None
    if spec.normalize:
        mean, std = float(x_train.mean()), float(x_train.std()) or 1.0

    precision = choose_precision()
    keras.utils.set_random_seed(spec.seed)
    steps = steps_per_epoch(spec, len(y_train))
    keras.mixed_precision.set_global_policy(precision)
    try:
        model, state = _start_or_resume(spec, workdir, steps, mean, std, report, label)
        train_ds = train_dataset(
            x_train, y_train, spec.batch_size, spec.augment, spec.seed + state["epoch"]
        )
        val_ds = eval_dataset(x_val, y_val, 256, one_hot=True)
        replan = pace.replan if pace is not None else None
        datasets = (train_ds, val_ds)
        _train(model, spec, state, workdir, datasets, steps, report, label, on_step, replan)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    if pace is not None:
        state["budget"] = pace.describe()
    _finish(spec, data, model, state, workdir, (x_val, y_val, val_idx), mean, std, precision)


def _start_or_resume(
    spec: RunSpec,
    workdir: Path,
    steps: int,
    mean: float | None,
    std: float | None,
    report: Reporter,
    label: str,
) -> tuple[Any, dict[str, Any]]:
    import keras

    state = _read_state(workdir, spec)
    with strategy().scope():
        if state is None:
            return compiled_model(spec, mean, std), new_state(spec, steps)
        model = keras.saving.load_model(workdir / CHECKPOINT, safe_mode=True)
    state["resumed_at"].append(state["epoch"])
    report.log(f"{label}: resuming from the checkpoint of epoch {state['epoch']}")
    return model, state


def _train(
    model: Any,
    spec: RunSpec,
    state: dict[str, Any],
    workdir: Path,
    datasets: tuple[Any, Any],
    steps: int,
    report: Reporter,
    label: str,
    on_step: Callable[[], None] | None,
    replan: Replan | None,
) -> None:
    from reportgen.runs.loop import fit_epochs, save_checkpoint

    def checkpoint(s: dict[str, Any]) -> None:
        save_checkpoint(model, workdir / CHECKPOINT)
        write_json(workdir / STATE, s)

    fit_epochs(model, spec, state, datasets, steps, report, label, checkpoint, replan, on_step)


def _finish(
    spec: RunSpec,
    data: Dataset,
    model: Any,
    state: dict[str, Any],
    workdir: Path,
    val: tuple[np.ndarray, np.ndarray, np.ndarray],
    mean: float | None,
    std: float | None,
    precision: str,
) -> None:
    """The float32 copy of the final weights as model.keras, the predictions and metrics;
    the checkpoint is removed last."""
    from reportgen.runs.models import build_model

    final = build_model(spec.model, mean, std)
    final.set_weights(model.get_weights())
    final.save(workdir / files.MODEL_FILE)
    _write_results(spec, data, final, state, workdir, *val, precision)
    for name in (CHECKPOINT, STATE):
        (workdir / name).unlink(missing_ok=True)


def _read_state(workdir: Path, spec: RunSpec) -> dict[str, Any] | None:
    """The checkpoint's state, if the folder holds one for a schedule of spec.epochs."""
    path = workdir / STATE
    if not (path.exists() and (workdir / CHECKPOINT).exists()):
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if state.get("epochs") == spec.epochs else None


def checkpoint_epochs(workdir: Path) -> int | None:
    """The length of the interrupted run in workdir (as last re-planned), if it has a
    checkpoint: the planner keeps it, so that a resumed run finishes the schedule it had."""
    try:
        state = json.loads((workdir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    epochs = state.get("epochs")
    return int(epochs) if isinstance(epochs, int) and (workdir / CHECKPOINT).exists() else None


def write_predictions(
    spec: RunSpec,
    data: Dataset,
    model: Any,
    workdir: Path,
    x_val: np.ndarray,
    y_val: np.ndarray,
    val_idx: np.ndarray,
) -> dict[str, Any]:
    """The model's predictions on the hold-out and the labelled test sets, saved; returns
    what they measure (val_accuracy, val_accuracy_plain, tta_flip, test_accuracy)."""
    val_pred = predict_probs(model, x_val, tta_flip=spec.tta_flip)
    plain = predict_probs(model, x_val) if spec.tta_flip else val_pred
    save_npy(workdir / files.VAL_PRED_FILE, val_pred)
    save_npy(workdir / files.VAL_TRUE_FILE, y_val.astype(np.int64))
    save_npy(workdir / files.VAL_INDEX_FILE, val_idx.astype(np.int64))
    test_accuracy = {}
    for name, test in sorted(data.tests.items()):
        pred = predict_probs(model, test.images, tta_flip=spec.tta_flip)
        save_npy(workdir / f"test_pred_{name}.npy", pred)
        test_accuracy[name] = float((pred.argmax(1) == test.labels).mean())
    return {
        "val_accuracy": float((val_pred.argmax(1) == y_val).mean()),
        "val_accuracy_plain": float((plain.argmax(1) == y_val).mean()),
        "tta_flip": spec.tta_flip,
        "test_accuracy": test_accuracy,
    }


def write_environment(data: Dataset, workdir: Path, precision: str) -> None:
    import keras

    tf = tensorflow()
    write_json(
        workdir / files.ENV_FILE,
        {
            "reportgen_training_code": TRAINING_CODE_VERSION,
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "device": device_description(),
            "precision": precision,
            "data_source": data.source if data.synthetic else Path(data.source).name,
            "data_fingerprint": data.fingerprint,
        },
    )


def _write_results(
    spec: RunSpec,
    data: Dataset,
    model: Any,
    state: dict[str, Any],
    workdir: Path,
    x_val: np.ndarray,
    y_val: np.ndarray,
    val_idx: np.ndarray,
    precision: str,
) -> None:
    from reportgen.runs.models import param_counts

    measured = write_predictions(spec, data, model, workdir, x_val, y_val, val_idx)
    history = state["history"]
    best = int(np.argmin(history["val_loss"])) + 1
    metrics = {
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
        "n_train": len(data.train) - len(y_val),
        "n_val": len(y_val),
        "test_accuracy": measured["test_accuracy"],
    }
    write_json(workdir / files.SPEC_FILE, spec.with_(epochs=state["epoch"]).to_json())
    write_json(workdir / files.HISTORY_FILE, history)
    write_json(workdir / files.METRICS_FILE, metrics)
    write_environment(data, workdir, precision)
