"""Writing files whole or not at all, a file's checksum, output folders, and quieting a
library's logger."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from reportgen.errors import UserError


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read a MiB at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def kept_mode(target: Path) -> int:
    """The mode target has (or a new file gets under the umask): mkstemp's 0600 would hide it."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside target: renamed over target when the block ends well, removed
    when it raises, so readers see the old file or the new one, never half of one."""
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, kept_mode(target))
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def output_folder(target: Path, flag: str) -> Path:
    """Make the folder an output file goes into (with its parents), as every command that
    writes a file given on the command line does; UserError naming the flag if it cannot."""
    folder = Path(target).parent
    if Path(target).is_dir():
        raise UserError(f"{target} is a folder: give the file's path (from {flag})")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(f"{target}: {folder} is a file, not a folder (from {flag})") from None
    except OSError as exc:
        raise UserError(
            f"{target}: cannot make the folder {folder}: {exc.strerror or exc} (from {flag})"
        ) from None
    return folder


def human_size(n: float) -> str:
    """Bytes for people: 512 B, 3.4 MiB, 1.2 GiB."""
    if n < 1024:
        return f"{n:.0f} B"
    for unit in ("KiB", "MiB", "GiB"):
        n /= 1024
        if n < 1024 or unit == "GiB":
            break
    return f"{n:.1f} {unit}"


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


@contextlib.contextmanager
def quiet_logger(name: str, level: int = logging.ERROR) -> Iterator[None]:
    """Only records at `level` or above from logger `name` inside the block (libraries that log
    each repair or fallback; we report those ourselves, once)."""
    logger = logging.getLogger(name)
    previous = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(previous)
