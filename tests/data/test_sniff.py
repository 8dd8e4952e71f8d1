"""reportgen/data/sniff.py: any bytes are a format the loaders know, with its columns, or one line
that says why not (properties, hypothesis)."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from reportgen.data.sniff import COURSE_TEST, COURSE_TRAIN, FORMATS, KAGGLE, detect_csv
from reportgen.errors import UserError
from tests.properties import SLOW

KEY_NAMES = {"label", "id", "feature", "emotion", "pixels", "usage"}

EXTRA = st.text(
    st.characters(whitelist_categories=("L", "N"), whitelist_characters="_ -"),
    min_size=1,
    max_size=10,
).filter(lambda s: s.strip() and s.strip().lower() not in KEY_NAMES)


def _cased(name: str, how: int) -> str:
    return (name, name.upper(), name.capitalize())[how % 3]


@st.composite
def headers(draw):
    """(format, header line, {column: name as written}) of one accepted format."""
    fmt = draw(st.sampled_from(FORMATS))
    wanted = list(fmt.required) + [c for c in fmt.optional if draw(st.booleans())]
    written = {c: _cased(c, draw(st.integers(0, 2))) for c in wanted}
    names = list(written.values()) + draw(st.lists(EXTRA, max_size=3, unique_by=str.lower))
    names = draw(st.permutations(names))
    pad = draw(st.sampled_from(["", " ", "  "]))
    line = ",".join(f"{pad}{n}{pad}" for n in names)
    return fmt, line, {c: n.strip() for c, n in written.items()}


def _write(folder: Path, data: bytes, gzipped: bool) -> Path:
    path = folder / "data.csv"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


@SLOW
@given(
    headers(),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([b"", b"3,1 2 3\n"]),
)
def test_a_header_of_an_accepted_format_is_found_with_its_columns(
    header, newline, bom, gzipped, rows
):
    fmt, line, columns = header
    data = ("\ufeff" if bom else "").encode() + (line + newline).encode("utf-8") + rows
    with tempfile.TemporaryDirectory() as folder:
        found, named = detect_csv(_write(Path(folder), data, gzipped), "data.csv")
    assert found == fmt
    assert named == columns


@SLOW
@given(st.binary(max_size=200), st.booleans())
@example(b"", False)
@example(b"PK\x03\x04rest", False)
@example(b"\x1f\x8bnot gzip", False)
@example(b"1,2,3\n", False)
@example(b"\xff\xfe,label\n", False)
@example(b"label,emotion,pixels\n", True)
def test_any_bytes_are_a_format_or_one_line(data, gzipped):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), data, gzipped)
        try:
            fmt, columns = detect_csv(path, "data.csv")
        except UserError as refused:
            message = str(refused)
            assert "\n" not in message and message.startswith("data.csv: "), message
        else:
            assert fmt in (COURSE_TRAIN, COURSE_TEST, KAGGLE)
            assert set(fmt.required) <= set(columns)
