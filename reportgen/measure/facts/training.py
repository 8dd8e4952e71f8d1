"""What a training run says in numbers: its history (the best epoch, where overfitting
starts, how fast the loss falls), how it was set up, what it measured, its model.

A history is the Run's per-epoch lists: loss, accuracy, val_loss, val_accuracy (epoch 1 first).
Epochs in the facts are 1-based, as the curves and the text number them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from reportgen.data.classes import IMAGE_SIZE
from reportgen.settings.durations import budget_text
from reportgen.settings.recipe import TRAINING_SHARE, WARMUP_START
from reportgen.tfenv import tensorflow

if TYPE_CHECKING:
    from reportgen.runs.run import Run
    from reportgen.runs.spec import AugmentSpec

# Validation loss must end this much (relative) above its minimum to count as having turned up;
# below it the curve has only flattened out.
RISE_TOLERANCE = 0.01
# How fast the loss falls: the first epoch within this much (relative) of its minimum.
NEAR_MIN = 0.05


def best_epoch(val_loss: Sequence[float]) -> int:
    """The epoch of the lowest validation loss (the first one on a tie)."""
    return int(np.argmin(np.asarray(val_loss, dtype=float))) + 1


def overfit_epoch(
    loss: Sequence[float], val_loss: Sequence[float], tolerance: float = RISE_TOLERANCE
) -> int | None:
    """The epoch after which the model overfits, or None when the history shows no overfitting.

    It is the epoch of the lowest validation loss, provided that (a) later epochs exist, all of
    them above that minimum by construction, (b) the validation loss ends more than `tolerance`
    (relative) above the minimum, so a flat curve does not count, and (c) the training loss
    still falls after it: the model keeps fitting the training set while generalizing worse.
    """
    loss_a = np.asarray(loss, dtype=float)
    val_a = np.asarray(val_loss, dtype=float)
    if len(val_a) < 2 or len(loss_a) != len(val_a):
        return None
    m = int(np.argmin(val_a))
    if m == len(val_a) - 1:
        return None
    low = val_a[m]
    if val_a[-1] - low <= tolerance * abs(low):
        return None
    if loss_a[m + 1 :].min() >= loss_a[m]:
        return None
    return m + 1


def epoch_near_min(values: Sequence[float], within: float = NEAR_MIN) -> int:
    """The first epoch whose value is within `within` (relative) of the curve's minimum."""
    a = np.asarray(values, dtype=float)
    low = a.min()
    return int(np.argmax(a <= low + within * abs(low))) + 1


def history_facts(history: dict[str, list[float]]) -> dict[str, Any]:
    """Everything the text says about one history. Keys:

    epochs: epochs run; best_epoch: lowest validation loss; min_val_loss;
    val_accuracy_at_best, train_accuracy_at_best, loss_at_best (training loss); max_val_accuracy and its epoch;
    final_* (last epoch) loss, val_loss, accuracy, val_accuracy; final_gap: train minus
    validation accuracy at the last epoch; overfit_epoch (None when not overfitting);
    val_loss_rise: relative rise of the validation loss from its minimum to the last epoch;
    epoch_near_min: first epoch within near_min (relative) of the minimum validation loss;
    first_val_loss.
    """
    loss = [float(v) for v in history["loss"]]
    val_loss = [float(v) for v in history["val_loss"]]
    acc = [float(v) for v in history["accuracy"]]
    val_acc = [float(v) for v in history["val_accuracy"]]
    best = best_epoch(val_loss)
    low = min(val_loss)
    max_val_acc_epoch = int(np.argmax(val_acc)) + 1
    return {
        "epochs": len(val_loss),
        "best_epoch": best,
        "min_val_loss": low,
        "first_val_loss": val_loss[0],
        "val_accuracy_at_best": val_acc[best - 1],
        "train_accuracy_at_best": acc[best - 1],
        "loss_at_best": loss[best - 1],
        "max_val_accuracy": val_acc[max_val_acc_epoch - 1],
        "max_val_accuracy_epoch": max_val_acc_epoch,
        "final_loss": loss[-1],
        "final_val_loss": val_loss[-1],
        "final_accuracy": acc[-1],
        "final_val_accuracy": val_acc[-1],
        "final_gap": acc[-1] - val_acc[-1],
        "overfit_epoch": overfit_epoch(loss, val_loss),
        "val_loss_rise": (val_loss[-1] - low) / abs(low) if low else 0.0,
        "epoch_near_min": epoch_near_min(val_loss),
        "near_min": NEAR_MIN,
    }


# --- how a run was trained, and what it measured ---------------------------------------

LOSS = "categorical_crossentropy"  # what reportgen.runs.train compiles every model with
FLIP_PROBABILITY = 0.5  # reportgen.runs.augment mirrors half the images


def pixel_range(images: np.ndarray) -> list[int]:
    """The range the pixels' type can hold: [0, 255] for the uint8 images of the data."""
    info = np.iinfo(np.asarray(images).dtype)
    return [int(info.min), int(info.max)]


def normalization_stats(run: Run, train_images: np.ndarray) -> tuple[float, float] | None:
    """The training set's pixel mean and std the run normalizes with: from the model's
    "normalize" layer, else recomputed from the training rows (all rows not held out)."""
    if not run.spec.normalize:
        return None
    tensorflow()  # imported quietly before the run's model loads keras
    try:
        layer = run.model.get_layer("normalize")
        mean = float(np.asarray(layer.mean).ravel()[0])
        std = float(np.sqrt(np.asarray(layer.variance).ravel()[0]))
        return mean, std
    except (ValueError, AttributeError, IndexError):
        keep = np.ones(len(train_images), dtype=bool)
        keep[run.val_index] = False
        x = train_images[keep]
        return float(x.mean()), float(x.std()) or 1.0


def augment_facts(spec: AugmentSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {
        "flip": spec.flip,
        "flip_probability": FLIP_PROBABILITY,
        "shift": spec.shift,
        "shift_pixels": round(spec.shift * IMAGE_SIZE, 1),
        "rotation_degrees": spec.rotation_degrees,
        "zoom": spec.zoom,
    }


def has_batch_norm(run: Run) -> bool:
    """Whether every convolution of the run's model is followed by batch normalization:
    reportgen's models as their spec says, the student's own as its layers say."""
    if run.spec.model.user is None:
        return run.spec.model.batch_norm
    tensorflow()
    import keras

    from reportgen.measure.explain.model import conv_block, conv_layer_names

    model = run.model
    return all(
        any(isinstance(model.get_layer(n), keras.layers.BatchNormalization) for n in block)
        for block in (conv_block(model, name) for name in conv_layer_names(model))
    )


def setup_facts(run: Run, train_images: np.ndarray) -> dict[str, Any]:
    """How the run was trained, from its spec and model."""
    spec = run.spec
    stats = normalization_stats(run, train_images)
    lr = run.history.get("lr") or [spec.learning_rate]
    return {
        "optimizer": spec.optimizer,
        "learning_rate": spec.learning_rate,
        "weight_decay": spec.weight_decay if spec.optimizer != "adam" else None,
        "schedule": spec.schedule,
        "warmup_fraction": spec.warmup_fraction if spec.schedule == "cosine" else 0.0,
        "warmup_start": WARMUP_START * spec.learning_rate,
        "final_learning_rate": float(lr[-1]),
        "loss": LOSS,
        "label_smoothing": spec.label_smoothing,
        "batch_size": spec.batch_size,
        "epochs": spec.epochs,
        "seed": spec.seed,
        "batch_norm": has_batch_norm(run),
        "normalize": spec.normalize,
        "norm_mean": stats[0] if stats else None,
        "norm_std": stats[1] if stats else None,
        "pixel_range": pixel_range(train_images),
        "augment": augment_facts(spec.augment),
        "val_fraction": spec.val_fraction,
        "tta_flip": spec.tta_flip,
    }


def same_recipe(a: Run, b: Run) -> bool:
    """Whether two runs were trained alike but for the model and the length of training."""
    drop = ("model", "role", "epochs", "name")
    return {k: v for k, v in a.spec.to_json().items() if k not in drop} == {
        k: v for k, v in b.spec.to_json().items() if k not in drop
    }


def test_set_order(name: str) -> tuple[int, str]:
    """Kaggle's PublicTest before its PrivateTest, then any other test set by name."""
    return ({"PublicTest": 0, "PrivateTest": 1}.get(name, 2), name)


def _or_none(kind: type, value: Any) -> Any:
    return None if value is None else kind(value)


# "What a longer budget would change" is said for a budget this many times the one used.
LONGER_BUDGET = 4


def budget_facts(run: Run) -> dict[str, Any] | None:
    """How a budget planned the run (None without one): the budget as given, the run's
    share of it, the epochs first planned and those the plan corrected them to, and about
    how many epochs LONGER_BUDGET times that budget would have given it."""
    m = run.metrics
    budget = m.get("budget")
    if not budget:
        return None
    longer = budget["seconds"] * LONGER_BUDGET
    return {
        "text": budget["text"],
        "share": float(budget["share"]),
        "planned_epochs": int(m.get("planned_epochs") or m["epochs_run"]),
        "epochs": int(m["epochs_run"]),
        "longer_text": budget_text(longer),
        "longer_epochs": int(budget["share"] * TRAINING_SHARE * longer / m["seconds_per_epoch"]),
    }


def result_facts(run: Run, n_images: int) -> dict[str, Any]:
    """What the run measured: accuracies, time and hardware, parameters, the split's sizes
    (n_images: the training file's labelled images). val_accuracy is that of the kept
    (last-epoch) model's predictions, with flip test-time augmentation when tta_flip;
    val_accuracy_plain without it. An imported run (a model the student trained) has no
    time of training (None), nor anything its history would tell when it came without one;
    `imported` holds what its file's compile settings say (None for a run trained here)."""
    m = run.metrics
    tests = m.get("test_accuracy") or {}
    accuracy = run.history.get("accuracy")
    return {
        "val_accuracy": float(m["val_accuracy"]),
        "val_accuracy_plain": float(m.get("val_accuracy_plain", m["val_accuracy"])),
        "tta_flip": bool(m.get("tta_flip", False)),
        "val_loss": float(m["val_loss"]),
        "final_train_accuracy": float(accuracy[-1]) if accuracy else None,
        "best_epoch": _or_none(int, m["best_epoch"]),
        "epochs_run": _or_none(int, m["epochs_run"]),
        "train_seconds": _or_none(float, m["train_seconds"]),
        "seconds_per_epoch": _or_none(float, m["seconds_per_epoch"]),
        "imported": m.get("imported"),
        "budget": budget_facts(run),
        "params": {k: int(v) for k, v in m["params"].items()},
        "hardware": dict(m["hardware"]),
        "precision": str(m["precision"]),
        "n_train": int(m.get("n_train", n_images - len(run.val_true))),
        "n_val": int(m.get("n_val", len(run.val_true))),
        "test_accuracy": [
            {"name": k, "accuracy": float(tests[k])} for k in sorted(tests, key=test_set_order)
        ],
    }


# The per-epoch lists a history's figure is drawn from.
CURVES = ("loss", "val_loss", "accuracy", "val_accuracy")


def curve_lists(history: dict[str, list[float]]) -> dict[str, list[float]]:
    """The history's curves (CURVES) as plain lists of floats, for its figure."""
    return {k: [float(v) for v in history[k]] for k in CURVES}


def run_facts(run: Run, train_images: np.ndarray) -> dict[str, Any]:
    """One trained model in numbers: run_key, layers (facts.model.layer_rows), architecture,
    structure (facts.model.structure_facts, for the student's own CNN; else None), results
    (result_facts), history (history_facts) and curves (curve_lists); the last two None for a
    model imported without its history."""
    from reportgen.measure.facts.model import architecture_facts, layer_rows, structure_facts

    tensorflow()  # imported quietly before the run's model loads keras
    rows = layer_rows(run.model)
    own = run.spec.model.user is not None and run.spec.model.kind == "cnn"
    return {
        "run_key": run.key,
        "layers": rows,
        "architecture": architecture_facts(rows, run.model),
        "structure": structure_facts(run.model) if own else None,
        "results": result_facts(run, len(train_images)),
        "history": history_facts(run.history) if run.history else None,
        "curves": curve_lists(run.history) if run.history else None,
    }
