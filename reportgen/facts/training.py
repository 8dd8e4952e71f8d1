"""What a training history says: the best epoch, where overfitting starts, how fast the loss falls.

A history is the Run's per-epoch lists: loss, accuracy, val_loss, val_accuracy (epoch 1 first).
Epochs in the facts are 1-based, as the curves and the text number them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

# Validation loss must end this much (relative) above its minimum to count as having turned up;
# below it the curve has only flattened out.
RISE_TOLERANCE = 0.01
# "Within 5% of its minimum": how fast the loss falls.
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
    epoch_near_min: first epoch within 5% of the minimum validation loss; first_val_loss.
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
    }
