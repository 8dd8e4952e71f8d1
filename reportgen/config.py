"""reportgen.toml, overridden by CLI flags. Unknown keys are errors, never ignored."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from reportgen.errors import UserError
from reportgen.profiles import PROFILES
from reportgen.text import languages

CONFIG_FILE = "reportgen.toml"
STUDENT_ID = re.compile(r"^[A-Z][A-Z0-9]{8}$")
LANGS = languages()  # the folders of templates/text with a words.toml


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
    budget: str = (
        ""  # e.g. "45m", "2h": plan the missing runs to end within it; "": the profile's epochs
    )
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


# The CLI flag for each key: (table, key) -> flag name.
FLAGS: dict[tuple[str, str], str] = {
    ("student", "id"): "student_id",
    ("student", "name"): "name",
    ("student", "department"): "department",
    ("report", "template"): "template",
    ("report", "lang"): "lang",
    ("report", "output"): "output",
    ("data", "path"): "data",
    ("data", "val_fraction"): "val_fraction",
    ("training", "profile"): "profile",
    ("training", "budget"): "budget",
    ("training", "model"): "model",
    ("training", "history"): "history",
    ("training", "model_input"): "model_input",
    ("kaggle", "public"): "kaggle_public",
    ("kaggle", "private"): "kaggle_private",
    ("explain", "filter_layer"): "filter_layer",
}


def load_config(root: Path, overrides: dict[str, Any] | None = None) -> Config:
    """Read root/reportgen.toml (if present), apply non-None flag overrides, validate."""
    path = root / CONFIG_FILE
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: not valid TOML: {exc}") from None
    tables: dict[str, Any] = {}
    known = {f.name: f for f in fields(Config) if f.name != "root"}
    for table, values in raw.items():
        if table not in known:
            raise UserError(f"{path}: unknown table [{table}] (known: {', '.join(known)})")
        if not isinstance(values, dict):
            raise UserError(f"{path}: [{table}] must be a table")
        cls = known[table].default_factory  # type: ignore[misc]
        names = {f.name for f in fields(cls)}
        for key in values:
            if key not in names:
                raise UserError(
                    f"{path}: unknown key {table}.{key} (known: {', '.join(sorted(names))})"
                )
        tables[table] = dict(values)
    for (table, key), flag in FLAGS.items():
        value = (overrides or {}).get(flag)
        if value is not None:
            tables.setdefault(table, {})[key] = value
    built = {name: f.default_factory(**tables.get(name, {})) for name, f in known.items()}  # type: ignore[misc]
    return validate(Config(root=root, **built), path)


def validate(config: Config, path: Path) -> Config:
    student = config.student
    if student.id:
        sid = str(student.id).strip().upper()
        if not STUDENT_ID.match(sid):
            raise UserError(
                f"student id {student.id!r} is not one letter then 8 letters or digits "
                "(like R05942017): set --student-id or student.id in reportgen.toml"
            )
        config = replace(config, student=replace(student, id=sid))
    if config.report.lang not in LANGS:
        raise UserError(f"--lang {config.report.lang!r}: choose one of {', '.join(LANGS)}")
    if config.training.profile not in PROFILES:
        raise UserError(
            f"--profile {config.training.profile!r}: choose one of {', '.join(PROFILES)}"
        )
    if config.training.budget:
        from reportgen.runs.plan import parse_budget

        parse_budget(config.training.budget, f"--budget (training.budget in {path.name})")
    frac = config.data.val_fraction
    if not isinstance(frac, float | int) or not 0.01 <= float(frac) <= 0.5:
        raise UserError(f"data.val_fraction {frac!r} in {path.name}: must be between 0.01 and 0.5")
    for name in ("public", "private"):
        score = getattr(config.kaggle, name)
        if score is not None and not (isinstance(score, float | int) and 0 <= score <= 1):
            raise UserError(f"kaggle.{name} {score!r} in {path.name}: must be between 0 and 1")
    return config
