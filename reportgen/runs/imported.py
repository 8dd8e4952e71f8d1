"""A model the student trained (--model my_model.keras) as a run in the store, nothing trained:
the model in reportgen's contract (runs/user_model.py) with the file's weights, its
predictions on reportgen's hold-out and labelled test sets, and the history the student gave
(--history; {} without one). The run folder has the files of a trained run (runs/run.py);
metrics.json says what is not known of a training that happened elsewhere (None) and what
the file's compile settings tell of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from reportgen.data.types import Dataset
from reportgen.progress import Reporter
from reportgen.runs.own import history_of
from reportgen.runs.spec import RunSpec
from reportgen.runs.train import HeldOut, held_out, predictions, run_contents
from reportgen.store.run_files import RunContents
from reportgen.tfenv import device_description, hardware, tensorflow

PRECISION = "float32"  # a loaded model predicts in the precision it was saved in
HINT_GAIN = 0.1  # suggest --model-input 0-1 when the model does this much better with it


def import_run(
    spec: RunSpec, data: Dataset, report: Reporter, label: str
) -> tuple[Any, RunContents]:
    """The imported run spec: the student's model (in reportgen's contract) and what the
    run's folder holds, for the store to write."""
    tensorflow()
    from reportgen.runs.models import build_model

    user = spec.model.user
    assert user is not None and spec.imported
    history = history_of(user)
    report.log(f"{label}: importing {Path(user.path).name} (trained elsewhere: nothing to train)")
    parts = held_out(spec, data)
    model = build_model(spec.model)
    predicted = predictions(spec, data, model, parts)
    _hint_input_scale(spec, parts, predicted.measured["val_accuracy"], report, label)
    metrics = predicted.measured | _metrics(spec, data, model, parts, predicted.val, history)
    return model, run_contents(spec, data, parts, predicted, history, metrics, PRECISION)


def _metrics(
    spec: RunSpec,
    data: Dataset,
    model: Any,
    parts: HeldOut,
    val_pred: np.ndarray,
    history: dict[str, list[float]],
) -> dict[str, Any]:
    """What is known of a training that happened elsewhere (None where nothing is)."""
    from reportgen.runs.models import param_counts
    from reportgen.runs.user_model import keras_config

    assert spec.model.user is not None
    return {
        "val_loss": cross_entropy(val_pred, parts.y_val),
        "train_accuracy_final": history["accuracy"][-1] if history else None,
        **_history_metrics(history),
        "train_seconds": None,
        "seconds_per_epoch": None,
        "params": param_counts(model),
        "precision": PRECISION,
        "device": device_description(),
        "hardware": hardware(),
        "resumed_at": [],
        "n_train": len(data.train) - len(parts.y_val),
        "n_val": len(parts.y_val),
        "imported": compile_facts(keras_config(spec.model.user.path)),
    }


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean categorical cross-entropy of predicted probabilities (no label smoothing)."""
    picked = probs[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.clip(picked, 1e-7, 1.0)))) if len(labels) else 0.0


def _history_metrics(history: dict[str, list[float]]) -> dict[str, Any]:
    if not history:
        return {"best_epoch": None, "min_val_loss": None, "epochs_run": None}
    best = int(np.argmin(history["val_loss"])) + 1
    return {
        "best_epoch": best,
        "min_val_loss": float(history["val_loss"][best - 1]),
        "epochs_run": len(history["val_loss"]),
    }


def compile_facts(config: dict[str, Any]) -> dict[str, Any]:
    """What the file's compile settings say of its training: the optimizer's class name, its
    learning rate (a number, or the name of its schedule) and the loss; None where unsaid."""
    compiled = config.get("compile_config") or {}
    optimizer = compiled.get("optimizer")
    name = rate = None
    if isinstance(optimizer, dict):
        name = optimizer.get("class_name")
        lr = (optimizer.get("config") or {}).get("learning_rate")
        rate = float(f"{lr:.6g}") if isinstance(lr, int | float) else None  # float32 noise off
    elif isinstance(optimizer, str):
        name = optimizer
    loss = compiled.get("loss")
    if isinstance(loss, dict):
        loss = (loss.get("config") or {}).get("name") or loss.get("class_name")
    return {
        "optimizer": name if isinstance(name, str) else None,
        "learning_rate": rate,
        "loss": loss if isinstance(loss, str) else None,
    }


def _hint_input_scale(
    spec: RunSpec, parts: HeldOut, accuracy: float, report: Reporter, label: str
) -> None:
    """A model trained on pixels / 255 but fed 0..255 guesses: say how to feed it."""
    from dataclasses import replace

    from reportgen.runs.models import build_model
    from reportgen.runs.pipeline import predict_probs

    user = spec.model.user
    x, y = parts.x_val, parts.y_val
    if user is None or user.input_scale != "0-255" or not len(y):
        return
    scaled = build_model(replace(spec.model, user=replace(user, input_scale="0-1")))
    other = float((predict_probs(scaled, x).argmax(1) == y).mean())
    if other > accuracy + HINT_GAIN:
        report.log(
            f"{label}: on pixels divided by 255 the model is right {other:.1%} of the time, "
            f"on raw pixels {accuracy:.1%}: if it was trained on pixels in 0..1, build with "
            "--model-input 0-1"
        )
