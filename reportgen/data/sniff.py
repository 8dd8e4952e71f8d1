"""Tell a CSV's format from its bytes: compression by magic number, kind by the header row."""

from __future__ import annotations

import csv
import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import UserError

GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_HEADER_LIMIT = 1 << 16  # bytes; a header row is short, a binary file has no newline


@dataclass(frozen=True)
class CsvFormat:
    """One accepted CSV layout: its name, the columns it needs, an optional one."""

    kind: str
    description: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return ",".join(self.required + self.optional)


COURSE_TRAIN = CsvFormat("course_train", "the course's train.csv", ("label", "feature"))
COURSE_TEST = CsvFormat("course_test", "the course's test.csv", ("id", "feature"))
KAGGLE = CsvFormat("kaggle", "Kaggle's fer2013.csv", ("emotion", "pixels"), ("Usage",))
FORMATS = (COURSE_TRAIN, COURSE_TEST, KAGGLE)
_EXPECTED = "; ".join(f"{f.header} ({f.description})" for f in FORMATS)


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


def compression(path: Path) -> str | None:
    """pandas' compression argument for this file, from its first bytes, not its name."""
    return "gzip" if is_gzip(path) else None


def read_header(path: Path, shown: str) -> list[str]:
    """The first row's column names, stripped; UserError for empty, archive or binary files."""
    head = _first_bytes(path, shown)
    if not head.strip():
        raise UserError(f"{shown}: the file is empty")
    if head.startswith(_ZIP_MAGIC):
        raise UserError(f"{shown}: a zip archive; extract it and give the CSV or folder inside")
    if len(head) >= 262 and head[257:262] == b"ustar":
        raise UserError(f"{shown}: a tar archive; extract it and give the CSV or folder inside")
    line = head.split(b"\n", 1)[0]
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{shown}: not a CSV text file; expected a header {_EXPECTED}") from None
    return [name.strip() for name in next(csv.reader([text.rstrip("\r")]), [])]


def _first_bytes(path: Path, shown: str) -> bytes:
    try:
        if is_gzip(path):
            with gzip.open(path, "rb") as f:
                return f.read(_HEADER_LIMIT)
        with open(path, "rb") as f:
            return f.read(_HEADER_LIMIT)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise UserError(f"{shown}: a corrupt or truncated gzip file ({e})") from None
    except OSError as e:
        raise UserError(f"{shown}: cannot read: {e.strerror or e}") from None


def detect_csv(path: Path, shown: str) -> tuple[CsvFormat, dict[str, str]]:
    """The file's format and, per required/optional column, its name as written in the header."""
    header = read_header(path, shown)
    by_lower = {name.lower(): name for name in header}
    if any(name.lower() in by_lower for name in ("label", "id", "feature")):
        candidates = [COURSE_TRAIN] if "label" in by_lower else []
        candidates += [COURSE_TEST] if "id" in by_lower else []
        fmt = (candidates or [COURSE_TRAIN])[0]
    elif any(name in by_lower for name in ("emotion", "pixels")):
        fmt = KAGGLE
    elif header and header[0].strip().isdigit():
        raise UserError(f"{shown}: no header row; the first line must be a header {_EXPECTED}")
    else:
        written = ",".join(header)
        written = written if len(written) <= 60 else written[:57] + "..."
        raise UserError(f"{shown}: unknown format: header {written!r} is none of {_EXPECTED}")
    missing = [c for c in fmt.required if c.lower() not in by_lower]
    if missing:
        raise UserError(
            f"{shown}: missing column {missing[0]!r}; expected the header {fmt.header!r}"
            f" ({fmt.description})"
        )
    columns = {c: by_lower[c.lower()] for c in fmt.required + fmt.optional if c.lower() in by_lower}
    return fmt, columns
