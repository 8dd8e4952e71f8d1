"""Every setting, one typed field each: the tables of reportgen.toml are the frozen dataclasses
below (StudentConfig for [student], ...), Config holds one of each, and a field's row (a
Setting in its metadata) gives its flag, its help line (the flag's help and the comment `init`
writes beside the key), what it takes (type, choices, range, suffixes) and what a wrong value
is told. From the fields follow the config file's parsing and checks (settings/config.py),
the flags (cli/main.py) and the reportgen.toml that init writes (project/init.py): a new
setting is a new field. One check for a value from the file and from its flag alike; a wrong
one is one line naming the key (or the flag), the value and what is expected."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from reportgen.errors import UserError
from reportgen.settings.durations import EXAMPLES, parse_budget
from reportgen.settings.own_model import INPUT_SCALES, SUFFIXES
from reportgen.settings.profiles import PROFILES
from reportgen.words.text import languages

STUDENT_ID = re.compile(r"^[A-Z][A-Z0-9]{8}$")
LANGS = languages()  # the folders of words/, each a language
TEXT: tuple[type, ...] = (str,)
NUMBER: tuple[type, ...] = (int, float)
ROW = "setting"  # a table's field: its Setting in the field's metadata

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting. flag is its option's name (student_id: --student-id). default: the value
    without the key and its flag; None: none (init writes `name = example`, commented)."""

    flag: str
    default: T
    help: str  # one line for the terminal: the flag's help, init's comment beside the key
    expected: str  # what a wrong value is told to be
    types: tuple[type, ...] = TEXT
    choices: tuple[str, ...] = ()
    between: tuple[float, float] | None = None
    suffixes: tuple[str, ...] = ()  # a path ends in one of these (or is empty: not given)
    required: bool = False  # not empty
    parse: Callable[[Any, str], T] | None = None  # (value, where) -> the value kept
    empty: str = ""  # what an empty value stands for
    example: str = ""  # a value to show, for a setting without a default

    def field(self) -> T:
        """The table's field of this setting: its default, the row in its metadata."""
        return dataclasses.field(default=self.default, metadata={ROW: self})

    @property
    def option(self) -> str:
        return f"--{self.flag.replace('_', '-')}"

    @property
    def flag_help(self) -> str:
        """The help line with what the flag's absence leaves: the empty value's meaning, or
        the default."""
        default = self.empty or (self.default if self.default not in ("", None) else "")
        return f"{self.help} (default: {default})" if default else self.help

    @property
    def comment(self) -> str:
        """The help line with what the empty value stands for, for reportgen.toml."""
        return f"{self.help}; empty: {self.empty}" if self.empty else self.help


def either(names: tuple[str, ...]) -> str:
    """("a", "b", "c") -> "a, b or c"."""
    return f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else "".join(names)


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
KERAS_ONLY = "with a trained .keras model: "


# The settings: a table of reportgen.toml per class, a key per field, in this order in the file
# and in --help.
@dataclass(frozen=True)
class StudentConfig:
    """[student]: who hands the report in (the title page)."""

    id: str = Setting(
        "student_id",
        "",
        "student ID, e.g. R05942017",
        "a student ID in quotes",
        parse=_student_id,
    ).field()
    name: str = Setting("name", "", "student name", TEXT_IN_QUOTES).field()
    department: str = Setting(
        "department", "", "department and year, e.g. 電機三", TEXT_IN_QUOTES
    ).field()


@dataclass(frozen=True)
class ReportConfig:
    """[report]: the course template, the language, the PDF."""

    template: str = Setting(
        "template",
        "ml2019",
        "course template: a name from `reportgen list templates`, or a .toml file",
        "a course template (reportgen list templates)",
        required=True,
        parse=_template,
    ).field()
    lang: str = Setting(
        "lang",
        "zh",
        f"language of the generated text: {either(LANGS)}",
        f"one of {', '.join(LANGS)}",
        choices=LANGS,
    ).field()
    output: str = Setting(
        "output",
        "Report.pdf",
        "where to write the PDF",
        "the PDF's path, like Report.pdf",
        required=True,
    ).field()


@dataclass(frozen=True)
class DataConfig:
    """[data]: what the models learn from."""

    path: str = Setting(
        "data",
        "",
        "training data: train.csv, fer2013.csv, either gzipped, or an image folder",
        "a path in quotes (empty: the embedded faces)",
        empty="the embedded synthetic faces",
    ).field()
    val_fraction: float = Setting(
        "val_fraction",
        0.1,
        "share of train held out for validation",
        "a number from 0.01 to 0.5",
        NUMBER,
        between=(0.01, 0.5),
    ).field()


@dataclass(frozen=True)
class TrainingConfig:
    """[training]: how much to train, and whose model."""

    profile: str = Setting(
        "profile",
        "quick",
        "how much to train: tiny for tests, quick for a demo, full for the hand-in",
        f"one of {', '.join(PROFILES)}",
        choices=(*PROFILES,),
    ).field()
    budget: str = Setting(
        "budget",
        "",
        "train the missing runs within this time on this machine, e.g. 45m, 2h",
        EXAMPLES,
        (str, int, float),
        parse=_budget,
        empty="the profile's epochs",
    ).field()
    model: str = Setting(
        "model",
        "",
        "your own CNN: a .py with build_model(input_shape, num_classes), or a trained .keras model",
        "a .py file with build_model(input_shape, num_classes) or a trained .keras model "
        "(model.save('my_model.keras'))",
        suffixes=SUFFIXES,
        empty="reportgen's own",
    ).field()
    history: str = Setting(
        "history",
        "",
        f"{KERAS_ONLY}its training curves (History.history as JSON, or CSVLogger's CSV)",
        "a path in quotes",
    ).field()
    model_input: str = Setting(
        "model_input",
        "0-255",
        f"{KERAS_ONLY}the pixel range it was trained on, {either(INPUT_SCALES)}",
        f"one of {', '.join(INPUT_SCALES)}",
        choices=INPUT_SCALES,
    ).field()


@dataclass(frozen=True)
class KaggleConfig:
    """[kaggle]: the student's scores, shown in q1 (None: not given)."""

    public: float | None = Setting(
        "kaggle_public",
        None,
        "your Kaggle public score, shown in q1",
        "a score from 0 to 1",
        NUMBER,
        between=(0, 1),
        example="0.70",
    ).field()
    private: float | None = Setting(
        "kaggle_private",
        None,
        "your Kaggle private score, shown in q1",
        "a score from 0 to 1",
        NUMBER,
        between=(0, 1),
        example="0.69",
    ).field()


@dataclass(frozen=True)
class ExplainConfig:
    """[explain]: what the explanations look at."""

    filter_layer: str = Setting(
        "filter_layer",
        "",
        "q6: the convolutional layer to visualize",
        "a layer's name in quotes",
        empty="a middle convolutional layer",
    ).field()


@dataclass(frozen=True)
class Config:
    """The settings: a field per table, in the file's order, and the project's root."""

    student: StudentConfig = field(default_factory=StudentConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    data: DataConfig = field(default_factory=DataConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    kaggle: KaggleConfig = field(default_factory=KaggleConfig)
    explain: ExplainConfig = field(default_factory=ExplainConfig)
    root: Path = field(default_factory=Path.cwd)

    @property
    def output_path(self) -> Path:
        return self.root / self.report.output

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def answers_dir(self) -> Path:
        return self.root / "answers"


def _tables() -> dict[str, type[Any]]:
    """Config's tables by name, in its order: its fields whose default is a dataclass."""
    found: dict[str, type[Any]] = {}
    for f in fields(Config):
        make = f.default_factory
        if isinstance(make, type) and is_dataclass(make):
            found[f.name] = make
    return found


# The tables by name, and every setting by (table, key): walked from the dataclasses.
SECTIONS: dict[str, type[Any]] = _tables()
KEYS: dict[tuple[str, str], Setting[Any]] = {
    (table, f.name): f.metadata[ROW] for table, cls in SECTIONS.items() for f in fields(cls)
}


def checked(key: Setting[Any], value: Any, where: str) -> Any:
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
