"""A full disk is the user's to fix, not a bug: one line saying what was being written where.

Whatever was writing (a checkpoint, a run folder, a figure, the PDF) writes whole files or
none (temporary file, then rename), and training checkpoints each finished epoch, so nothing
finished is lost: the same command, run again once there is space, goes on from there.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterable
from pathlib import Path

from reportgen.files import human_size

_FULL = (errno.ENOSPC, errno.EDQUOT)
_MESSAGES = ("No space left on device", "Disk quota exceeded")


def disk_full_error(exc: BaseException) -> BaseException | None:
    """The error in exc's chain (itself, its cause or context) that says the disk is full.
    Libraries that wrap the OSError (HDF5, TensorFlow's file system) keep its message."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL:
            return current
        if any(m in str(current) for m in _MESSAGES):
            return current
        current = current.__cause__ or current.__context__
    return None


def disk_full_message(error: BaseException, folders: Iterable[Path], command: str) -> str:
    """One line: what was being written (the file, else the fullest of the folders the
    command writes to), the space left there, and that finished epochs are kept."""
    filename = getattr(error, "filename", None)
    if filename:
        what = str(filename)
        where = Path(filename).parent
    else:
        where = min(folders, key=_free, default=Path.cwd())
        what = f"into {where}"
    return (
        f"no space left on device while writing {what} ({human_size(_free(where))} free there): "
        f"free some space and run `reportgen {command}` again; finished epochs are kept "
        "and training resumes from the last one"
    )


def _free(folder: Path) -> int:
    """Free bytes on folder's file system (its nearest existing parent's)."""
    for candidate in (folder, *folder.absolute().parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return 0
