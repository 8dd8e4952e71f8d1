"""A finished run, as read back from its folder in the cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reportgen.runs.spec import RunSpec
from reportgen.store.run_files import model_file, read_run

if TYPE_CHECKING:
    import keras


@dataclass
class Run:
    """history: per-epoch lists (loss, accuracy, val_loss, val_accuracy, lr, epoch_seconds).
    metrics: val_accuracy (with flip TTA when tta_flip), val_accuracy_plain, tta_flip,
    val_loss (last epoch), best_epoch (lowest validation loss, 1-based), epochs_run,
    train_seconds, seconds_per_epoch, params {trainable, non_trainable, total}, precision,
    device, hardware {kind, count, names}, test_accuracy {set name: accuracy}.
    """

    key: str
    path: Path
    spec: RunSpec
    history: dict[str, list[float]]
    metrics: dict[str, Any]
    val_pred: np.ndarray
    val_true: np.ndarray
    val_index: np.ndarray
    test_pred: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def read(cls, key: str, path: Path) -> Run:
        contents = read_run(path)
        return cls(
            key=key,
            path=path,
            spec=RunSpec.from_json(contents.spec),
            history=contents.history,
            metrics=contents.metrics,
            val_pred=contents.val_pred,
            val_true=contents.val_true,
            val_index=contents.val_index,
            test_pred=contents.test_pred,
        )

    @property
    def val_labels_pred(self) -> np.ndarray:
        return self.val_pred.argmax(axis=1)

    @cached_property
    def model(self) -> keras.Model:
        """The trained float32 model; input raw pixels (N, 48, 48, 1) in 0..255, output
        softmax probabilities. Its layer "logits" gives the scores before the softmax."""
        import keras

        return keras.saving.load_model(model_file(self.path), safe_mode=True, compile=False)
