"""Read the CSV forms of FER2013: the course's train.csv and test.csv, Kaggle's fer2013.csv."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reportgen.data.pixels import (
    RowError,
    parse_choice,
    parse_ids,
    parse_labels,
    parse_pixels,
)
from reportgen.data.sniff import COURSE_TEST, COURSE_TRAIN, KAGGLE, CsvFormat, compression
from reportgen.data.types import LabelledImages, UnlabelledImages
from reportgen.errors import UserError

KAGGLE_USAGES = ("Training", "PublicTest", "PrivateTest")
_FIELDS_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_course_train(path: Path, shown: str) -> LabelledImages:
    columns, lines = read_columns(path, shown, COURSE_TRAIN)
    images, labels = _first_error_wins(
        lambda: parse_pixels(columns["feature"], lines, shown, "feature"),
        lambda: parse_labels(columns["label"], lines, shown, "label"),
    )
    return LabelledImages(images, labels)


def read_course_test(path: Path, shown: str) -> UnlabelledImages:
    columns, lines = read_columns(path, shown, COURSE_TEST)
    ids, images = _first_error_wins(
        lambda: parse_ids(columns["id"], lines, shown, "id"),
        lambda: parse_pixels(columns["feature"], lines, shown, "feature"),
    )
    return UnlabelledImages(ids, images)


def read_kaggle(path: Path, shown: str) -> tuple[LabelledImages, dict[str, LabelledImages]]:
    """Training rows as the training set, PublicTest and PrivateTest rows as two test sets.

    Without a Usage column (the Kaggle challenge's train.csv) every row is training data.
    """
    columns, lines = read_columns(path, shown, KAGGLE)
    has_usage = "Usage" in columns
    images, labels, usage = _first_error_wins(
        lambda: parse_pixels(columns["pixels"], lines, shown, "pixels"),
        lambda: parse_labels(columns["emotion"], lines, shown, "emotion"),
        lambda: (
            parse_choice(columns["Usage"], lines, shown, "Usage", KAGGLE_USAGES)
            if has_usage
            else None
        ),
    )
    if usage is None:
        return LabelledImages(images, labels), {}
    usage = np.array(usage)
    parts = {u: LabelledImages(images[usage == u], labels[usage == u]) for u in KAGGLE_USAGES}
    train = parts.pop("Training")
    if len(train) == 0:
        raise UserError(f"{shown}: no rows with Usage 'Training'")
    return train, {name: part for name, part in parts.items() if len(part)}


def _first_error_wins(*parsers: Callable[[], Any]) -> list[Any]:
    """Each parser's result; if some fail, the error of the earliest line."""
    results, errors = [], []
    for parse in parsers:
        try:
            results.append(parse())
        except RowError as e:
            errors.append(e)
    if errors:
        raise min(errors, key=lambda e: e.line)
    return results


def read_columns(path: Path, shown: str, fmt: CsvFormat) -> tuple[dict[str, list], np.ndarray]:
    """The format's columns as lists of str, and each row's line number (header = line 1).

    Blank lines are dropped; their line numbers still count.
    """
    wanted = {c.lower(): c for c in fmt.required + fmt.optional}
    try:
        frame = pd.read_csv(
            path,
            compression=compression(path),
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise UserError(f"{shown}: the file is empty") from None
    except pd.errors.ParserError as e:
        raise UserError(f"{shown}: {_describe_parser_error(e)}") from None
    except UnicodeDecodeError:
        raise UserError(f"{shown}: not UTF-8 text") from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise UserError(f"{shown}: a corrupt or truncated gzip file ({e})") from None
    except OSError as e:
        raise UserError(f"{shown}: cannot read: {e.strerror or e}") from None
    # All columns are read: with usecols pandas would let rows with extra fields through.
    names: dict[str, str] = {}
    for name in frame.columns:
        names.setdefault(wanted.get(str(name).strip().lower(), ""), name)
    names.pop("", None)
    frame = frame[list(names.values())].set_axis(list(names), axis=1)
    lines = np.arange(len(frame), dtype=np.int64) + 2
    filled = np.zeros(len(frame), bool)
    for name in frame.columns:
        filled |= frame[name].to_numpy() != ""
    if not filled.all():
        frame, lines = frame[filled], lines[filled]
    if len(frame) == 0:
        raise UserError(f"{shown}: a header but no data rows")
    return {name: frame[name].tolist() for name in frame.columns}, lines


def _describe_parser_error(error: Exception) -> str:
    found = _FIELDS_ERROR.search(str(error))
    if found:
        expected, line, saw = found.groups()
        return f"line {line}: {saw} fields, expected {expected} as in the header"
    return f"not a readable CSV ({str(error).strip()})"
