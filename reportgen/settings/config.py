"""reportgen.toml, overridden by CLI flags. Unknown keys are errors, never ignored."""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from reportgen.errors import UserError, shown_value
from reportgen.settings.table import KEYS, checked

CONFIG_FILE = "reportgen.toml"


@dataclass(frozen=True)
class StudentConfig:
    id: str = ""
    name: str = ""
    department: str = ""


@dataclass(frozen=True)
class ReportConfig:
    template: str = "ml2019"
    lang: str = "zh"
    output: str = "Report.pdf"


@dataclass(frozen=True)
class DataConfig:
    path: str = ""  # empty: the embedded synthetic faces
    val_fraction: float = 0.1


@dataclass(frozen=True)
class TrainingConfig:
    profile: str = "quick"
    budget: str = ""  # e.g. "45m", "2h": plan the missing runs to end within it; "": none
    model: str = ""  # the student's own CNN: a .py with build_model, or a trained .keras
    history: str = ""  # a trained model's History.history JSON or CSVLogger CSV
    model_input: str = "0-255"  # the pixel range a trained model expects: "0-255" or "0-1"


@dataclass(frozen=True)
class KaggleConfig:
    """Scores a student got from Kaggle, shown beside the validation accuracy in q1."""

    public: float | None = None
    private: float | None = None


@dataclass(frozen=True)
class ExplainConfig:
    filter_layer: str = ""  # q6: empty picks a middle convolutional layer


@dataclass(frozen=True)
class Config:
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


def load_config(root: Path, overrides: dict[str, Any] | None = None) -> Config:
    """Read root/reportgen.toml (if present), apply the non-None flag overrides, check every
    value (reportgen/settings/table.py): a wrong one is a UserError naming the key or the flag."""
    path = root / CONFIG_FILE
    raw = _read(path)
    tables: dict[str, dict[str, Any]] = {name: {} for name in _TABLES}
    for (table, key), spec in KEYS.items():
        flagged = (overrides or {}).get(spec.flag)
        if flagged is not None:
            where = f"--{spec.flag.replace('_', '-')} {shown_value(flagged)}"
            tables[table][key] = checked(spec, flagged, where)
        elif key in raw.get(table, {}):
            value = raw[table][key]
            where = f"{_shown(path)}: {table}.{key} = {shown_value(value)}"
            tables[table][key] = checked(spec, value, where)
    built = {name: cls(**tables[name]) for name, cls in _TABLES.items()}
    return Config(root=root, **built)


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given as flags: argparse leaves every flag not given None."""
    return {k: v for k, v in vars(args).items() if v is not None}


_TABLES = {f.name: f.default_factory for f in fields(Config) if f.name != "root"}  # type: ignore[misc]


def _read(path: Path) -> dict[str, Any]:
    """The file's tables, every table and key known; {} without a file."""
    if not path.exists():
        return {}
    where = _shown(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{where}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise UserError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    for table, values in raw.items():
        if table not in _TABLES:
            raise UserError(f"{where}: unknown table [{table}] (known: {', '.join(_TABLES)})")
        if not isinstance(values, dict):
            raise UserError(f"{where}: [{table}] must be a table, not {shown_value(values)}")
        names = sorted(key for t, key in KEYS if t == table)
        for key in values:
            if key not in names:
                raise UserError(f"{where}: unknown key {table}.{key} (known: {', '.join(names)})")
    return raw


def _shown(path: Path) -> str:
    """The file as the user would name it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
