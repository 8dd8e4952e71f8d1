"""The data's fingerprint (a hash of the arrays, not of the path) and the cache that saves it.

The cache lives in reportgen's cache folder (reportgen.store.cachedir: REPORTGEN_CACHE_DIR, else
the platform's user cache folder): fingerprints.json maps a key (a content key, store.keys, of
what is loaded, the loader's code and form, and the resolved path) to the source's stamp (size,
mtime_ns and a key of each file's name, size, mtime and inode), the fingerprint and the name of
an .npz holding the parsed arrays (named by the key), so a second load of unchanged files reads
the .npz instead of parsing. Every write is atomic (temporary file + os.replace); a cache that
cannot be read or written is ignored: it only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reportgen.data.types import LabelledImages, UnlabelledImages
from reportgen.store.cachedir import cache_root
from reportgen.store.fingerprints import read_index, remove_arrays, write_arrays, write_index
from reportgen.store.keys import content_key
from reportgen.store.paths import FINGERPRINT_INDEX, arrays_file

INDEX_NAME = FINGERPRINT_INDEX
MAX_ENTRIES = 8  # npz files kept; each holds one data source's arrays (~80 MB for FER2013)
# What every data fingerprint hashes first: fixed, not a version (changing it would change
# every run key with no change to the data); the cache's entries are keyed by the loader's
# code instead (data/loader.py).
_FINGERPRINT_TAG = b"reportgen data fingerprint v1\n"


def fingerprint_dataset(
    train: LabelledImages | None,
    tests: Mapping[str, LabelledImages] | None = None,
    unlabelled: UnlabelledImages | None = None,
) -> str:
    """sha256 (hex) of train, each test set in name order, then the unlabelled ids and images."""
    arrays: list[tuple[str, np.ndarray]] = []
    if train is not None:
        arrays += [("train.images", train.images), ("train.labels", train.labels)]
    tests = tests or {}
    for name in sorted(tests):
        arrays += [(f"tests.{name}.images", tests[name].images)]
        arrays += [(f"tests.{name}.labels", tests[name].labels)]
    if unlabelled is not None:
        arrays += [("unlabelled.ids", unlabelled.ids), ("unlabelled.images", unlabelled.images)]
    return hash_arrays(_FINGERPRINT_TAG, arrays)


def hash_arrays(tag: bytes, arrays: Iterable[tuple[str, np.ndarray]]) -> str:
    """sha256 (hex) of a tag and named arrays: each one's name, dtype, shape and bytes
    (little-endian, so the same data hashes the same on every machine)."""
    digest = hashlib.sha256(tag)
    for name, array in arrays:
        array = np.ascontiguousarray(array)
        array = array.astype(array.dtype.newbyteorder("<"), copy=False)
        digest.update(f"{name} {array.dtype.str} {array.shape}\n".encode())
        digest.update(array.data.cast("B"))
    return digest.hexdigest()


def cache_dir() -> Path:
    return cache_root()


def source_stamp(files: Sequence[Path]) -> dict[str, int | str]:
    """What must stay the same for a cached result to hold: every file's size and mtime.

    size is the total, mtime_ns the newest; listing is the key of each file's absolute path,
    size, mtime and inode, so a renamed, added, removed or replaced file changes the stamp.
    """
    stats = [(os.path.abspath(path), os.stat(path)) for path in files]
    listed = [[name, st.st_size, st.st_mtime_ns, st.st_ino] for name, st in stats]
    return {
        "files": len(files),
        "size": sum(st.st_size for _, st in stats),
        "mtime_ns": max((st.st_mtime_ns for _, st in stats), default=0),
        "listing": content_key("data-stamp", {"files": listed}),
    }


@dataclass(frozen=True)
class CacheHit:
    fingerprint: str
    arrays: dict[str, np.ndarray] | None  # None when the .npz is gone or unreadable


def lookup(key: str, stamp: Mapping[str, Any], *, arrays: bool = True) -> CacheHit | None:
    """The cached fingerprint (and arrays, if saved and wanted) for key, if stamp still
    matches."""
    directory = cache_dir()
    entry = _read_index(directory).get(key)
    if not isinstance(entry, dict) or entry.get("stamp") != dict(stamp):
        return None
    fingerprint = entry.get("fingerprint")
    if not isinstance(fingerprint, str):
        return None
    if not arrays:
        return CacheHit(fingerprint, None)
    return CacheHit(fingerprint, _read_arrays(directory, entry.get("arrays"), fingerprint))


def store(
    key: str,
    stamp: Mapping[str, Any],
    fingerprint: str,
    arrays: Mapping[str, np.ndarray] | None = None,
) -> None:
    """Record key's fingerprint (and arrays) under stamp; silently does nothing on OS errors."""
    directory = cache_dir()
    try:
        npz = None
        if arrays is not None:
            npz = arrays_file(key).name
            write_arrays(directory / npz, {**arrays, "_fingerprint": np.array(fingerprint)})
        index = _read_index(directory)
        index[key] = {
            "stamp": dict(stamp),
            "fingerprint": fingerprint,
            "arrays": npz,
            "written": time.time(),
        }
        _evict(directory, index)
        write_index(directory / INDEX_NAME, index)
    except OSError:
        pass


def _read_index(directory: Path) -> dict[str, Any]:
    return read_index(directory / INDEX_NAME)


def _read_arrays(directory: Path, name: object, fingerprint: str) -> dict[str, np.ndarray] | None:
    if not isinstance(name, str):
        return None
    try:
        with np.load(directory / name, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, KeyError):
        return None
    stored = arrays.pop("_fingerprint", None)
    return arrays if stored is not None and str(stored) == fingerprint else None


def _evict(directory: Path, index: dict[str, Any]) -> None:
    """Keep the newest MAX_ENTRIES entries; delete the others' npz files."""
    by_age = sorted(index, key=lambda k: _written(index[k]), reverse=True)
    for key in by_age[MAX_ENTRIES:]:
        entry = index.pop(key)
        name = entry.get("arrays") if isinstance(entry, dict) else None
        if isinstance(name, str) and name not in _npz_names(index):
            with contextlib.suppress(OSError):
                remove_arrays(directory / name)


def _written(entry: object) -> float:
    written = entry.get("written") if isinstance(entry, dict) else None
    return float(written) if isinstance(written, int | float) else 0.0


def _npz_names(index: Mapping[str, Any]) -> set[str | None]:
    return {e.get("arrays") for e in index.values() if isinstance(e, dict)}
