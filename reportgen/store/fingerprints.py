"""The data fingerprint cache on disk, in the user cache (reportgen.store.cachedir): the index
(fingerprints.json) and the parsed arrays of each data source (arrays-*.npz), each written
whole (temporary file + os.replace). reportgen/data/fingerprint.py decides what they hold."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from reportgen.store.files import atomic_path, write_bytes_atomic


def read_index(path: Path) -> dict[str, Any]:
    """The index, empty when it is missing or unreadable (the cache only saves time)."""
    try:
        index = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def write_index(path: Path, index: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, json.dumps(index, indent=1, sort_keys=True).encode())


def write_arrays(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, allow_pickle=False, **arrays)  # read back without pickle too


def remove_arrays(path: Path) -> None:
    path.unlink(missing_ok=True)
