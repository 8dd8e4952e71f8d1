"""reportgen.toml, overridden by CLI flags. Unknown keys are errors, never ignored.

Its tables and keys are the rows of reportgen/settings/table.py: each table is a frozen
dataclass (StudentConfig for [student], ...) whose fields are its keys with their defaults, in
the rows' order, and Config holds one of each and the project's root."""

from __future__ import annotations

import argparse
import operator
import tomllib
from dataclasses import field, make_dataclass
from functools import reduce
from pathlib import Path
from typing import Any

from reportgen.errors import UserError, shown_value
from reportgen.settings.table import KEYS, Setting, checked

CONFIG_FILE = "reportgen.toml"


def _section(table: str) -> type:
    """The frozen dataclass of one table: a field per key, its default the row's."""
    rows = [
        (name, _kept_type(s), field(default=s.default))
        for (t, name), s in KEYS.items()
        if t == table
    ]
    cls = make_dataclass(f"{table.capitalize()}Config", rows, frozen=True)
    cls.__module__ = __name__  # make_dataclass's own module otherwise (Python 3.11)
    return cls


def _kept_type(setting: Setting) -> Any:
    """The type of the value kept: the default's, or any the key takes (None: not given)."""
    if setting.default is None:
        return reduce(operator.or_, (*setting.types, type(None)))
    return type(setting.default)


class _Folders:
    """What a project's root holds besides its settings."""

    root: Path

    @property
    def output_path(self) -> Path:
        return self.root / self.report.output  # type: ignore[attr-defined]

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def answers_dir(self) -> Path:
        return self.root / "answers"


# The tables, in the order of their first row.
SECTIONS: dict[str, type] = {table: _section(table) for table in dict.fromkeys(t for t, _ in KEYS)}
# Each by its name, as a class statement would leave it (pickle finds a class by its name).
globals().update({cls.__name__: cls for cls in SECTIONS.values()})
StudentConfig = SECTIONS["student"]  # the render's title page builds one
Config = make_dataclass(
    "Config",
    [
        *((name, cls, field(default_factory=cls)) for name, cls in SECTIONS.items()),
        ("root", Path, field(default_factory=Path.cwd)),
    ],
    bases=(_Folders,),
    frozen=True,
)
Config.__module__ = __name__


def load_config(root: Path, overrides: dict[str, Any] | None = None) -> Config:
    """Read root/reportgen.toml (if present), apply the non-None flag overrides, check every
    value (reportgen/settings/table.py): a wrong one is a UserError naming the key or the flag."""
    path = root / CONFIG_FILE
    raw = _read(path)
    tables: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for (table, key), spec in KEYS.items():
        flagged = (overrides or {}).get(spec.flag)
        if flagged is not None:
            where = f"{spec.option} {shown_value(flagged)}"
            tables[table][key] = checked(spec, flagged, where)
        elif key in raw.get(table, {}):
            value = raw[table][key]
            where = f"{_shown(path)}: {table}.{key} = {shown_value(value)}"
            tables[table][key] = checked(spec, value, where)
    built = {name: cls(**tables[name]) for name, cls in SECTIONS.items()}
    return Config(root=root, **built)


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given as flags: argparse leaves every flag not given None."""
    return {k: v for k, v in vars(args).items() if v is not None}


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
        if table not in SECTIONS:
            raise UserError(f"{where}: unknown table [{table}] (known: {', '.join(SECTIONS)})")
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
