"""The student's own model as run specs see it (--model, --history, --model-input): which
file, what it holds (its sha256), how its runs use it. Plain Python: declaring runs hashes the
files and reads the history, but builds no model (runs/user_model.py does, with keras).

    --model models/my_cnn.py   an architecture: every CNN run trains build_model(...) here
    --model my_model.keras     a trained model: the CNN run is imported (its predictions
                               computed, its curves read from --history); the runs that must
                               train (q3's four) train its architecture from fresh weights
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Literal

from reportgen.errors import UserError
from reportgen.runs.history import read_history
from reportgen.runs.spec import UserModel
from reportgen.settings.own_model import INPUT_SCALES, SUFFIXES
from reportgen.store.files import sha256_file


@dataclass(frozen=True)
class OwnModel:
    """The runs' view of --model: `trained` for the CNN run (the .keras file's weights when
    it has them), `architecture` for runs that train it from fresh weights; `epochs`: the
    imported history's length (0 without one or for a .py)."""

    trained: UserModel
    architecture: UserModel
    epochs: int


def own_model(model: str, root: Path, history: str = "", input_scale: str = "0-255") -> OwnModel:
    """The configured files, checked and hashed (each hash read once per file version).
    model, history: as configured, relative to root unless absolute."""
    path = _resolve(model, root)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = (
            " (save a trained model with model.save('my_model.keras'))" if suffix == ".h5" else ""
        )
        raise UserError(
            f"--model {model}: give a .py file with build_model(input_shape, num_classes) "
            f"or a trained .keras model{hint}"
        )
    if not path.is_file():
        raise UserError(f"--model {model}: no such file")
    if input_scale not in INPUT_SCALES:
        raise UserError(f"--model-input {input_scale!r}: choose one of {', '.join(INPUT_SCALES)}")
    fmt: Literal["py", "keras"] = "py" if suffix == ".py" else "keras"
    if fmt == "py" and (history or input_scale != "0-255"):
        flag = "--history" if history else "--model-input"
        raise UserError(
            f"{flag} goes with a trained model (--model X.keras): {model} is trained here, "
            "from its build_model, and has curves of its own"
        )
    architecture = UserModel(sha256=file_sha256(path), format=fmt, path=str(path))
    if fmt == "py":
        return OwnModel(architecture, architecture, 0)
    trained = replace(architecture, weights="trained", input_scale=input_scale)  # type: ignore[arg-type]
    if not history:
        return OwnModel(trained, architecture, 0)
    hpath = _resolve(history, root)
    epochs = len(_history(hpath, history, *_stamp(hpath))["loss"])
    trained = replace(trained, history_sha256=file_sha256(hpath), history_path=str(hpath))
    return OwnModel(trained, architecture, epochs)


def _resolve(given: str, root: Path) -> Path:
    path = Path(given).expanduser()
    return path if path.is_absolute() else root / path


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def file_sha256(path: Path) -> str:
    return _sha256(path, *_stamp(path))


@cache
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    return sha256_file(path)  # once per version of the file (its stamp is in the cache key)


@cache
def _history(path: Path, shown: str, mtime_ns: int, size: int) -> dict[str, list[float]]:
    return read_history(path, shown)


def history_of(user: UserModel) -> dict[str, list[float]]:
    """The imported run's history ({} without one), read and checked."""
    if not user.history_path:
        return {}
    path = Path(user.history_path)
    if file_sha256(path) != user.history_sha256:
        raise UserError(f"--history {path}: the file changed while reportgen ran; run again")
    return _history(path, str(path), *_stamp(path))
