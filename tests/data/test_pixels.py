"""reportgen/data/pixels.py: pixels and labels read back as written; a bad one is one line naming
its line and position (properties, hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from reportgen.data import pixels as pixel_parsing
from reportgen.errors import UserError
from tests.properties import QUICK, SLOW, TEXT, one_line_user_error

PIXELS = 48 * 48

LINES = np.array([2, 3, 5])  # line numbers in the file (a blank line skipped, say)


def _images(seed: int, n: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, PIXELS), dtype=np.uint8)


@st.composite
def written_rows(draw):
    """(images, their pixel strings): canonical, or with leading zeros, '+' signs, runs of
    spaces and tabs, and spaces around, which the format allows."""
    n = draw(st.integers(1, 3))
    images = _images(draw(st.integers(0, 2**32 - 1)), n)
    style = draw(st.sets(st.sampled_from(["zeros", "plus", "spaces", "around"])))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = []
    for image in images:
        tokens = [str(v) for v in image]
        if "zeros" in style:
            tokens = [
                t.zfill(int(w)) for t, w in zip(tokens, rng.integers(1, 5, PIXELS), strict=True)
            ]
        if "plus" in style:
            tokens = [
                ("+" + t) if p else t for t, p in zip(tokens, rng.random(PIXELS) < 0.1, strict=True)
            ]
        gaps = (
            rng.choice([" ", "  ", "\t", " \t "], PIXELS - 1)
            if "spaces" in style
            else [" "] * (PIXELS - 1)
        )
        row = tokens[0] + "".join(g + t for g, t in zip(gaps, tokens[1:], strict=True))
        rows.append(f"  {row} " if "around" in style else row)
    return images, rows


@SLOW
@given(written_rows())
def test_pixels_read_back_as_written(written):
    images, rows = written
    parsed = pixel_parsing.parse_pixels(rows, LINES, "train.csv", "feature")
    assert parsed.dtype == np.uint8 and parsed.shape == (len(rows), 48, 48)
    np.testing.assert_array_equal(parsed.reshape(len(rows), PIXELS), images)


BAD_TOKENS = st.one_of(
    st.integers(256, 10**30).map(str),
    st.integers(-(10**30), -1).map(str),
    st.sampled_from(["1.5", "0x10", "nan", "inf", "٣", "12a", "--1", "+", "1e2", "２"]),
)


@SLOW
@given(st.integers(0, 2), st.integers(0, PIXELS - 1), BAD_TOKENS, st.integers(0, 2**32 - 1))
@example(1, 0, "256", 0)
@example(2, PIXELS - 1, "-1", 0)
def test_a_bad_pixel_is_one_line_naming_its_line_and_position(row, position, token, seed):
    rows = [" ".join(map(str, image)) for image in _images(seed, 3)]
    tokens = rows[row].split(" ")
    tokens[position] = token
    rows[row] = " ".join(tokens)
    message = one_line_user_error(
        pixel_parsing.parse_pixels, rows, LINES, "train.csv", "feature", starts="train.csv: "
    )
    assert f"line {LINES[row]}: pixel {position + 1} is " in message, message


@SLOW
@given(st.integers(0, 2), st.integers(1, 40), st.booleans(), st.integers(0, 2**32 - 1))
def test_a_row_of_the_wrong_length_is_one_line_with_its_count(row, change, longer, seed):
    rows = [" ".join(map(str, image)) for image in _images(seed, 3)]
    tokens = rows[row].split(" ")
    tokens = tokens + ["7"] * change if longer else tokens[:-change]
    rows[row] = " ".join(tokens)
    message = one_line_user_error(
        pixel_parsing.parse_pixels, rows, LINES, "train.csv", "feature", starts="train.csv: "
    )
    assert f"line {LINES[row]}: {len(tokens)} pixels, expected {PIXELS}" in message


@QUICK
@given(
    st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["", " ", "  "])), min_size=1, max_size=3)
)
def test_labels_read_back_with_spaces_around(written):
    values = [f"{pad}{label}{pad}" for label, pad in written]
    parsed = pixel_parsing.parse_labels(values, LINES[: len(values)], "train.csv", "label")
    assert parsed.tolist() == [label for label, _ in written]


@QUICK
@given(TEXT.filter(lambda s: s.strip() not in {str(c) for c in range(7)}))
@example("7")
@example("-1")
@example("+3")  # a sign: an integer, in range
@example("٣")
@example("")
def test_any_other_label_is_one_line_or_a_class(value):
    try:
        parsed = pixel_parsing.parse_labels([value], LINES[:1], "train.csv", "label")
    except UserError as refused:
        assert "\n" not in str(refused) and str(refused).startswith("train.csv: line 2: ")
    else:
        assert 0 <= parsed[0] <= 6 and int(value.strip()) == parsed[0]
