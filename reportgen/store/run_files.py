"""What a run's folder holds, written and read in one place: the model, the predictions, the
spec, history, metrics and environment (RunContents, as training returns them), and the
checkpoint the trainer asks for after each epoch.

Part of every run key (reportgen.store.keys.TRAINING): what is on disk for a key is what the
trainer returned, as written here.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reportgen.store.files import atomic_path, write_bytes_atomic

# A finished run's folder.
MODEL_FILE = "model.keras"
SPEC_FILE = "spec.json"
HISTORY_FILE = "history.json"
METRICS_FILE = "metrics.json"
ENV_FILE = "environment.json"
VAL_PRED_FILE = "val_pred.npy"  # float32 (N_val, 7) softmax probabilities
VAL_TRUE_FILE = "val_true.npy"  # int64 (N_val,)
VAL_INDEX_FILE = "val_index.npy"  # int64 (N_val,): rows of the training file held out
TEST_PRED_PREFIX = "test_pred_"  # test_pred_<set>.npy: predictions on a labelled test set
MANIFEST_FILE = "manifest.json"  # checksums of all the others
# In runs/.partial/<key>/ while a run trains: the model and optimizer, the state after it.
CHECKPOINT_FILE = "checkpoint.keras"
CHECKPOINT_STATE = "checkpoint.json"


def predictions_file(name: str) -> str:
    return f"{TEST_PRED_PREFIX}{name}.npy"


@dataclass
class RunContents:
    """A run as its folder holds it, but for the model (model.keras, loaded when asked)."""

    spec: dict[str, Any]  # RunSpec.to_json(), with the epochs it trained
    history: dict[str, list[float]]
    metrics: dict[str, Any]
    environment: dict[str, Any]
    val_pred: np.ndarray
    val_true: np.ndarray
    val_index: np.ndarray
    test_pred: dict[str, np.ndarray] = field(default_factory=dict)

    def documents(self) -> dict[str, Any]:
        return {
            SPEC_FILE: self.spec,
            HISTORY_FILE: self.history,
            METRICS_FILE: self.metrics,
            ENV_FILE: self.environment,
        }

    def arrays(self) -> dict[str, np.ndarray]:
        named = {VAL_PRED_FILE: self.val_pred, VAL_TRUE_FILE: self.val_true}
        named[VAL_INDEX_FILE] = self.val_index
        return named | {predictions_file(n): a for n, a in sorted(self.test_pred.items())}


def write_run(folder: Path, model: Any, contents: RunContents) -> None:
    """Every file of a run into folder (made if missing) but the manifest. model: the Keras
    model, saved as it is."""
    folder.mkdir(parents=True, exist_ok=True)
    model.save(model_file(folder))
    for name, array in contents.arrays().items():
        save_array(folder / name, array)
    for name, value in contents.documents().items():
        write_json(folder / name, value)


def read_run(folder: Path) -> RunContents:
    def document(name: str) -> Any:
        return json.loads((folder / name).read_text(encoding="utf-8"))

    def array(name: str) -> np.ndarray:
        return np.load(folder / name, allow_pickle=False)

    test_pred = {
        p.stem.removeprefix(TEST_PRED_PREFIX): array(p.name)
        for p in sorted(folder.glob(predictions_file("*")))
    }
    return RunContents(
        spec=document(SPEC_FILE),
        history=document(HISTORY_FILE),
        metrics=document(METRICS_FILE),
        environment=document(ENV_FILE),
        val_pred=array(VAL_PRED_FILE),
        val_true=array(VAL_TRUE_FILE),
        val_index=array(VAL_INDEX_FILE),
        test_pred=test_pred,
    )


def model_file(folder: Path) -> Path:
    return folder / MODEL_FILE


def write_json(path: Path, value: Any) -> None:
    write_bytes_atomic(path, json.dumps(value, indent=1, ensure_ascii=False).encode("utf-8"))


def save_array(path: Path, array: np.ndarray) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.save(f, array, allow_pickle=False)


@dataclass(frozen=True)
class Checkpoint:
    """A training's checkpoint in its work folder: the model with its optimizer's state, and
    the state after its last epoch (epochs, history, seconds), each written whole."""

    folder: Path

    @property
    def model_path(self) -> Path:
        return self.folder / CHECKPOINT_FILE

    def save(self, model: Any, state: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.model_path.with_name("tmp-" + CHECKPOINT_FILE)  # Keras wants .keras
        model.save(tmp)
        os.replace(tmp, self.model_path)
        write_json(self.folder / CHECKPOINT_STATE, state)

    def state(self) -> dict[str, Any] | None:
        """The state of the last epoch saved, if the folder holds a whole checkpoint."""
        if not self.model_path.exists():
            return None
        try:
            state = json.loads((self.folder / CHECKPOINT_STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def remove(self) -> None:
        for name in (CHECKPOINT_FILE, CHECKPOINT_STATE):
            (self.folder / name).unlink(missing_ok=True)
