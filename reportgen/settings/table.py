"""What each key of reportgen.toml takes, as a table: its flag, its type and range, what a
wrong value is told. One check for a value from the file and from its flag alike; a wrong one
is one line naming the key (or the flag), the value and what is expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.errors import UserError
from reportgen.settings.durations import EXAMPLES, parse_budget
from reportgen.settings.own_model import INPUT_SCALES, SUFFIXES
from reportgen.settings.profiles import PROFILES
from reportgen.words.text import languages

STUDENT_ID = re.compile(r"^[A-Z][A-Z0-9]{8}$")
LANGS = languages()  # the folders of templates/text with a words.toml
TEXT: tuple[type, ...] = (str,)
NUMBER: tuple[type, ...] = (int, float)


@dataclass(frozen=True)
class Key:
    """One key: flag is its option's name (student_id: --student-id)."""

    flag: str
    expected: str  # what a wrong value is told to be
    types: tuple[type, ...] = TEXT
    choices: tuple[str, ...] = ()
    between: tuple[float, float] | None = None
    suffixes: tuple[str, ...] = ()  # a path ends in one of these (or is empty: not given)
    required: bool = False  # not empty
    parse: Callable[[Any, str], Any] | None = None  # (value, where) -> the value kept


def _student_id(value: str, where: str) -> str:
    sid = value.strip().upper()
    if sid and not STUDENT_ID.match(sid):
        raise UserError(
            f"{where}: expected a student ID, one letter then 8 letters or digits (R05942017)"
        )
    return sid


def _budget(value: str | int | float, where: str) -> str:
    if value != "":  # empty: no budget (the profile's epochs)
        parse_budget(value, where)
    return str(value)


def _template(value: str, where: str) -> str:
    from reportgen.settings.course import load_template, template_ids

    if value.endswith(".toml"):
        if not Path(value).is_file():
            raise UserError(f"{where}: no such file")
    elif value not in template_ids():
        raise UserError(f"{where}: expected one of {', '.join(template_ids())}, or a .toml file")
    load_template(value)  # its content: a refusal names the template's file
    return value


TEXT_IN_QUOTES = "text in quotes"
KEYS: dict[tuple[str, str], Key] = {
    ("student", "id"): Key("student_id", "a student ID in quotes", parse=_student_id),
    ("student", "name"): Key("name", TEXT_IN_QUOTES),
    ("student", "department"): Key("department", TEXT_IN_QUOTES),
    ("report", "template"): Key(
        "template", "a course template (reportgen list templates)", required=True, parse=_template
    ),
    ("report", "lang"): Key("lang", f"one of {', '.join(LANGS)}", choices=LANGS),
    ("report", "output"): Key("output", "the PDF's path, like Report.pdf", required=True),
    ("data", "path"): Key("data", "a path in quotes (empty: the embedded faces)"),
    ("data", "val_fraction"): Key(
        "val_fraction", "a number from 0.01 to 0.5", NUMBER, between=(0.01, 0.5)
    ),
    ("training", "profile"): Key("profile", f"one of {', '.join(PROFILES)}", choices=(*PROFILES,)),
    ("training", "budget"): Key("budget", EXAMPLES, (str, int, float), parse=_budget),
    ("training", "model"): Key(
        "model",
        "a .py file with build_model(input_shape, num_classes) or a trained .keras model "
        "(model.save('my_model.keras'))",
        suffixes=SUFFIXES,
    ),
    ("training", "history"): Key("history", "a path in quotes"),
    ("training", "model_input"): Key(
        "model_input", f"one of {', '.join(INPUT_SCALES)}", choices=INPUT_SCALES
    ),
    ("kaggle", "public"): Key("kaggle_public", "a score from 0 to 1", NUMBER, between=(0, 1)),
    ("kaggle", "private"): Key("kaggle_private", "a score from 0 to 1", NUMBER, between=(0, 1)),
    ("explain", "filter_layer"): Key("filter_layer", "a layer's name in quotes"),
}


def checked(key: Key, value: Any, where: str) -> Any:
    """The value kept for key (an int given for a float stays a number), or a UserError:
    `where: expected ...` (where names the key or the flag, and the value)."""
    if isinstance(value, bool) or not isinstance(value, key.types):
        raise UserError(f"{where}: expected {key.expected}")
    if isinstance(value, str):
        _text(value, where)
        if key.required and not value.strip():
            raise UserError(f"{where}: expected {key.expected}, not nothing")
        if key.choices and value not in key.choices:
            raise UserError(f"{where}: expected {key.expected}")
        if value and key.suffixes and Path(value).suffix.lower() not in key.suffixes:
            raise UserError(f"{where}: expected {key.expected}")
    elif key.between is not None:
        low, high = key.between
        if not low <= value <= high:  # NaN is not either
            raise UserError(f"{where}: expected {key.expected}")
    return key.parse(value, where) if key.parse else value


def _text(value: str, where: str) -> None:
    """Text a file can hold: UTF-8 (a shell can pass other bytes), no NUL (no path has one)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"{where}: expected UTF-8 text (it has bytes that are not)") from None
    if "\0" in value:
        raise UserError(f"{where}: expected text without a NUL character")
