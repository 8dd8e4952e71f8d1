"""build/ on disk: each measurement's folder (measured.json and arrays.npz: what a question
measured, in no language), each presented section's folder (section.json and its figures, in
one language), both written whole, and what `clean` removes of build/ (only reportgen's
part: build/ may be another tool's too)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from reportgen.store.files import write_bytes_atomic
from reportgen.store.paths import BUILT, SECTION_FILE

MEASURED_FILE = "measured.json"
ARRAYS_FILE = "arrays.npz"


def measured_folder(build: Path, module: str, key: str) -> Path:
    """build/measured/<module>/<key>/: a question's measurement, shared by every language."""
    return build / "measured" / module / key


def read_measured(folder: Path) -> tuple[str, dict[str, np.ndarray]] | None:
    """The measurement's JSON and arrays, if the folder holds a whole one."""
    try:
        text = (folder / MEASURED_FILE).read_text(encoding="utf-8")
        with np.load(folder / ARRAYS_FILE, allow_pickle=False) as arrays:
            return text, {name: arrays[name] for name in arrays.files}
    except (OSError, ValueError):
        return None


def write_measured(folder: Path, text: str, arrays: dict[str, np.ndarray]) -> None:
    """The measurement written into a work folder beside `folder`, then moved into place."""
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)  # read back without pickle too

    def make(work: Path) -> dict[str, bytes]:
        return {MEASURED_FILE: text.encode("utf-8"), ARRAYS_FILE: buffer.getvalue()}

    _write_whole(folder, make, MEASURED_FILE)


def read_section_text(folder: Path) -> str | None:
    """The section.json a section's folder holds, if it holds one."""
    try:
        return (folder / SECTION_FILE).read_text(encoding="utf-8")
    except OSError:
        return None


def write_section(folder: Path, make: Callable[[Path], str]) -> None:
    """The section made in a work folder beside `folder` (make(work) draws its figures there
    and returns its JSON), then moved into place whole, replacing an older copy."""
    _write_whole(folder, lambda work: {SECTION_FILE: make(work).encode("utf-8")}, SECTION_FILE)


def _write_whole(folder: Path, make: Callable[[Path], dict[str, bytes]], last: str) -> None:
    """make(work) fills a work folder beside `folder` (and returns files to write there);
    the work folder then replaces `folder` whole. `last`: the file whose presence says a
    folder is whole (another process may have put the same content in place meanwhile)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        for name, data in make(work).items():
            write_bytes_atomic(work / name, data)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(work, folder)
        except OSError:
            if not (folder / last).exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def remove_built(build: Path) -> list[Path]:
    """What reportgen wrote under build/ removed, and build/ when nothing else is left in
    it; returns the folders removed."""
    removed = []
    for name in BUILT:
        folder = build / name
        if folder.is_dir():
            shutil.rmtree(folder)
            removed.append(folder)
    with contextlib.suppress(OSError):
        build.rmdir()
    return removed
