"""A finished run, as read back from its folder in the cache."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reportgen.runs.spec import RunSpec

if TYPE_CHECKING:
    import keras

# Files of a finished run folder. The manifest (checksums of all the others) is written last.
MODEL_FILE = "model.keras"
SPEC_FILE = "spec.json"
HISTORY_FILE = "history.json"
METRICS_FILE = "metrics.json"
ENV_FILE = "environment.json"
VAL_PRED_FILE = "val_pred.npy"  # float32 (N_val, 7) softmax probabilities
VAL_TRUE_FILE = "val_true.npy"  # int64 (N_val,)
VAL_INDEX_FILE = "val_index.npy"  # int64 (N_val,): rows of the training file held out
MANIFEST_FILE = "manifest.json"


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
    environment: dict[str, Any]
    val_pred: np.ndarray
    val_true: np.ndarray
    val_index: np.ndarray
    test_pred: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def read(cls, key: str, path: Path) -> Run:
        def load_json(name: str) -> Any:
            return json.loads((path / name).read_text(encoding="utf-8"))

        test_pred = {
            p.stem.removeprefix("test_pred_"): np.load(p, allow_pickle=False)
            for p in sorted(path.glob("test_pred_*.npy"))
        }
        return cls(
            key=key,
            path=path,
            spec=RunSpec.from_json(load_json(SPEC_FILE)),
            history=load_json(HISTORY_FILE),
            metrics=load_json(METRICS_FILE),
            environment=load_json(ENV_FILE),
            val_pred=np.load(path / VAL_PRED_FILE, allow_pickle=False),
            val_true=np.load(path / VAL_TRUE_FILE, allow_pickle=False),
            val_index=np.load(path / VAL_INDEX_FILE, allow_pickle=False),
            test_pred=test_pred,
        )

    @property
    def val_labels_pred(self) -> np.ndarray:
        return self.val_pred.argmax(axis=1)

    @cached_property
    def model(self) -> keras.Model:
        """The trained float32 model; input raw pixels (N, 48, 48, 1) in 0..255, output
        softmax probabilities. Its layer "logits" gives the scores before the softmax."""
        import keras

        return keras.saving.load_model(self.path / MODEL_FILE, safe_mode=True, compile=False)
