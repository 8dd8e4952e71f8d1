"""Parse and validate CSV text columns: pixel strings, labels, ids.

Every parser takes the column's values (str, in file order), the line number of each value in the
file (header = line 1) and the path for messages. Pixels take a fast vectorised path that only
accepts text it can prove well formed; anything else goes to a row-by-row scan, which is the
authority: it either finds the first bad row or parses what the fast path would not (extra
spaces, leading zeros).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np

from reportgen.data.classes import IMAGE_SIZE, NUM_CLASSES, PIXELS
from reportgen.errors import UserError


class RowError(UserError):
    """Bad data on one line of a file; line lets a caller report the first of several."""

    def __init__(self, path: str, line: int, what: str) -> None:
        super().__init__(f"{path}: line {line}: {what}")
        self.line = line


# Joined between rows for the fast path; a pixel can never be 999, so it marks row ends.
_ROW_END = 999
_INTEGER = re.compile(r"[+-]?[0-9]+")


def parse_pixels(values: Sequence[str], lines: np.ndarray, path: str, column: str) -> np.ndarray:
    """uint8 images (N, 48, 48) from strings of 2304 space-separated ints 0..255."""
    if len(values) == 0:
        return np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), np.uint8)
    fast = _parse_pixels_fast(values)
    if fast is None:
        fast = _parse_pixels_slow(values, lines, path, column)
    return fast.reshape(len(values), IMAGE_SIZE, IMAGE_SIZE)


def _parse_pixels_fast(values: Sequence[str]) -> np.ndarray | None:
    """(N, 2304) uint8, or None unless every row is exactly 2304 canonical ints joined by one space.

    One C parse of all rows joined with a row-end marker, then proofs: the marker sits at every
    row end (right count per row), the values are in range, and the text is exactly as long as the
    values written without sign or leading zeros plus one separator each (no signs, no overflowed
    tokens, no extra characters).
    """
    n = len(values)
    try:
        joined = f" {_ROW_END} ".join(values) + f" {_ROW_END}"
    except TypeError:  # a missing value
        return None
    if "+" in joined or "-" in joined:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            flat = np.fromstring(joined, dtype=np.int16, sep=" ")
        except (ValueError, DeprecationWarning, UnicodeError):
            return None
    del joined
    if flat.size != n * (PIXELS + 1):
        return None
    table = flat.reshape(n, PIXELS + 1)
    if not np.all(table[:, PIXELS] == _ROW_END):
        return None
    pixels = table[:, :PIXELS]
    if pixels.min() < 0 or pixels.max() > 255:
        return None
    digits = pixels.size + np.count_nonzero(pixels >= 10) + np.count_nonzero(pixels >= 100)
    if sum(map(len, values)) != digits + n * (PIXELS - 1):
        return None
    return pixels.astype(np.uint8)


def _parse_pixels_slow(
    values: Sequence[str], lines: np.ndarray, path: str, column: str
) -> np.ndarray:
    out = np.empty((len(values), PIXELS), np.uint8)
    for i, value in enumerate(values):
        line = int(lines[i])
        tokens = value.split() if isinstance(value, str) else []
        if not tokens:
            raise RowError(path, line, f"'{column}' is empty (expected {PIXELS} pixels)")
        if len(tokens) != PIXELS:
            raise RowError(path, line, f"{len(tokens)} pixels, expected {PIXELS}")
        plain = "".join(tokens)
        if plain.isascii() and plain.isdigit():
            row = np.fromstring(" ".join(tokens), dtype=np.int64, sep=" ")
        else:
            row = np.array([_pixel_int(t, k, path, line) for k, t in enumerate(tokens)], np.int64)
        bad = np.flatnonzero((row < 0) | (row > 255))
        if bad.size:
            k = int(bad[0])
            raise RowError(path, line, f"pixel {k + 1} is {tokens[k]}, outside 0..255")
        out[i] = row
    return out


def _pixel_int(token: str, k: int, path: str, line: int) -> int:
    if not (token.isascii() and _INTEGER.fullmatch(token)):
        raise RowError(path, line, f"pixel {k + 1} is {token!r}, not a number")
    return max(-1, min(int(token), 256))  # clipped: only in-range or not matters


def parse_labels(values: Sequence[str], lines: np.ndarray, path: str, column: str) -> np.ndarray:
    """int64 labels 0..6 (surrounding spaces allowed)."""
    canonical = {str(c): c for c in range(NUM_CLASSES)}
    if set(values) <= canonical.keys():
        return np.fromiter(map(canonical.__getitem__, values), np.int64, count=len(values))
    out = np.empty(len(values), np.int64)
    for i, value in enumerate(values):
        out[i] = _label_int(value, path, int(lines[i]), column)
    return out


def _label_int(value: str, path: str, line: int, column: str) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise RowError(path, line, f"'{column}' is empty (expected a class 0..{NUM_CLASSES - 1})")
    if not (text.isascii() and _INTEGER.fullmatch(text)):
        raise RowError(path, line, f"{column} {text!r} is not an integer 0..{NUM_CLASSES - 1}")
    label = int(text)
    if not 0 <= label < NUM_CLASSES:
        raise RowError(path, line, f"{column} {label} is outside 0..{NUM_CLASSES - 1}")
    return label


def parse_ids(values: Sequence[str], lines: np.ndarray, path: str, column: str) -> np.ndarray:
    """int64 ids, unique, as written in the course's test.csv."""
    out = np.empty(len(values), np.int64)
    seen: dict[int, int] = {}
    for i, value in enumerate(values):
        line = int(lines[i])
        text = value.strip() if isinstance(value, str) else ""
        if not (text.isascii() and _INTEGER.fullmatch(text)):
            raise RowError(path, line, f"{column} {text!r} is not an integer")
        ident = int(text)
        if not -(2**63) <= ident < 2**63:
            raise RowError(path, line, f"{column} {text} is too large")
        if ident in seen:
            raise RowError(path, line, f"{column} {ident} repeats line {seen[ident]}")
        seen[ident] = line
        out[i] = ident
    return out


def parse_choice(
    values: Sequence[str], lines: np.ndarray, path: str, column: str, choices: Sequence[str]
) -> list[str]:
    """Each value as spelled in choices (matched case-insensitively, spaces stripped)."""
    by_lower = {c.lower(): c for c in choices}
    out = []
    for i, value in enumerate(values):
        text = value.strip() if isinstance(value, str) else ""
        choice = by_lower.get(text.lower())
        if choice is None:
            what = f"{column} {text!r} is not one of {', '.join(choices)}"
            raise RowError(path, int(lines[i]), what)
        out.append(choice)
    return out
