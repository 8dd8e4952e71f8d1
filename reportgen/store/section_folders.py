"""build/ on disk: each section's folder (section.json and its figures), written whole, and
what `clean` removes of build/ (only reportgen's part: build/ may be another tool's too)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from reportgen.store.files import write_bytes_atomic
from reportgen.store.paths import BUILT, SECTION_FILE


def read_section_text(folder: Path) -> str | None:
    """The section.json a section's folder holds, if it holds one."""
    try:
        return (folder / SECTION_FILE).read_text(encoding="utf-8")
    except OSError:
        return None


def write_section(folder: Path, make: Callable[[Path], str]) -> None:
    """The section made in a work folder beside `folder` (make(work) draws its figures there
    and returns its JSON), then moved into place whole, replacing an older copy."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        write_bytes_atomic(work / SECTION_FILE, make(work).encode("utf-8"))
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(work, folder)
        except OSError:  # another process wrote the same section meanwhile: same content
            if not (folder / SECTION_FILE).exists():
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
