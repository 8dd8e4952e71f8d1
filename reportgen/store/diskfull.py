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

from reportgen.store.files import human_size

_FULL = (errno.ENOSPC, errno.EDQUOT)
_MESSAGES = ("No space left on device", "Disk quota exceeded")


def disk_full_error(exc: BaseException) -> BaseException | None:
    """The error in exc's chain (itself, its causes and contexts) that says the disk is full:
    the OSError if there is one (it may name the file), else one whose message says so
    (libraries that wrap the OSError, HDF5 or TensorFlow's file system, keep its words)."""
    chain = list(_chain(exc))
    for error in chain:
        if isinstance(error, OSError) and error.errno in _FULL:
            return error
    return next((e for e in chain if any(m in str(e) for m in _MESSAGES)), None)


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


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
