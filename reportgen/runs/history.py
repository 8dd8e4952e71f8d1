"""A training history the student gives with a trained model (--history): Keras'
`History.history` as JSON, or the CSV that `keras.callbacks.CSVLogger` writes.

Read into the Run's shape (runs/run.py): per-epoch lists loss, accuracy, val_loss,
val_accuracy (and lr when the file has it), epoch 1 first. Keras names accuracy after the
metric the model was compiled with (accuracy, acc, categorical_accuracy, ...): each is read as
accuracy. Anything that is not one history of equal-length, finite series is refused in one
line that names the file (and the row of a CSV).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from reportgen.errors import UserError

REQUIRED = ("loss", "accuracy", "val_loss", "val_accuracy")
OPTIONAL = ("lr", "learning_rate")
# The names Keras gives the accuracy metric, by how the model was compiled.
ACCURACY = ("accuracy", "acc", "categorical_accuracy", "sparse_categorical_accuracy")


def read_history(path: Path, shown: str | None = None) -> dict[str, list[float]]:
    """The history in the file (JSON or CSV, by its content). shown: the file as the user
    named it, for messages."""
    where = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"--history {where}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"--history {where}: cannot read it ({exc})") from None
    stripped = text.lstrip()
    raw = _from_json(stripped, where) if stripped.startswith("{") else _from_csv(text, where)
    return _checked(raw, where)


def _from_json(text: str, where: str) -> dict[str, Any]:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise UserError(f"--history {where}: not valid JSON ({exc})") from None
    if not all(isinstance(v, list) for v in raw.values()):
        raise UserError(
            f"--history {where}: a JSON history maps each metric to a list of per-epoch "
            "values, as Keras' History.history does"
        )
    return raw


def _from_csv(text: str, where: str) -> dict[str, Any]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "epoch" not in rows[0]:
        raise UserError(
            f"--history {where}: neither a History.history JSON nor a CSVLogger CSV "
            "(its first row names the columns, epoch first)"
        )
    header = rows[0]
    columns: dict[str, list[Any]] = {name: [] for name in header}
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise UserError(
                f"--history {where}, row {number}: {len(row)} values under {len(header)} columns"
            )
        for name, value in zip(header, row, strict=True):
            columns[name].append(_number(value, f"{where}, row {number}, column {name}"))
    epochs = columns.pop("epoch")
    if epochs != list(range(len(epochs))):
        raise UserError(
            f"--history {where}: the epochs are not 0, 1, 2, ... in order (a log appended to "
            "by two trainings?): keep the rows of one training"
        )
    return columns


def _number(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(f"--history {where}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise UserError(f"--history {where}: {value!r} is not a finite number")
    return number


def _renamed(raw: dict[str, Any]) -> dict[str, Any]:
    """Keras' accuracy names as accuracy (and val_ ones as val_accuracy)."""
    out: dict[str, Any] = {}
    for name, values in raw.items():
        base = name.removeprefix("val_")
        if base in ACCURACY:
            name = name[: len(name) - len(base)] + "accuracy"
        out.setdefault(name, values)
    return out


def _checked(raw: dict[str, Any], where: str) -> dict[str, list[float]]:
    named = _renamed(raw)
    missing = [name for name in REQUIRED if name not in named]
    if missing:
        raise UserError(
            f"--history {where}: no {', '.join(missing)} (it has {', '.join(raw) or 'nothing'}); "
            "the curves need the training and validation loss and accuracy of every epoch"
        )
    kept = [*REQUIRED, *(name for name in OPTIONAL if name in named)]
    history = {
        name: [_number(v, f"{where}: {name}, epoch {i + 1}") for i, v in enumerate(named[name])]
        for name in kept
    }
    lengths = {name: len(values) for name, values in history.items()}
    if len(set(lengths.values())) != 1:
        listed = ", ".join(f"{name} {n}" for name, n in lengths.items())
        raise UserError(
            f"--history {where}: the series have different lengths ({listed} epochs): "
            "give the history of one training"
        )
    if not lengths["loss"]:
        raise UserError(f"--history {where}: no epoch in it")
    if "learning_rate" in history:
        history.setdefault("lr", history.pop("learning_rate"))
    return history
