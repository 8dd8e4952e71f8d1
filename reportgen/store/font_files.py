"""The font files reportgen cuts or copies out of the CJK collection: the report's subsets
in build/fonts (the newest kept, the others pruned) and whole faces in the user cache."""

from __future__ import annotations

import os
from pathlib import Path

from reportgen.store.files import write_bytes_atomic

KEEP_SUBSETS = 16  # newest subset files kept in a cache folder
FULL_SUFFIX = "-full"  # a whole face's file name ends so (never pruned)


def cached_font(target: Path) -> Path | None:
    """target if it is there (marked as used, so that pruning keeps it)."""
    if not target.is_file():
        return None
    os.utime(target)
    return target


def write_font(target: Path, data: bytes, *, prune: bool) -> Path:
    """The font file, written whole; prune: the folder's oldest subsets removed after."""
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, data)
    if prune:
        prune_subsets(target.parent)
    return target


def prune_subsets(folder: Path) -> None:
    subsets = [p for p in folder.glob("*.otf") if not p.stem.endswith(FULL_SUFFIX)]
    subsets.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in subsets[KEEP_SUBSETS:]:
        old.unlink(missing_ok=True)
