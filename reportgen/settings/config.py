"""reportgen.toml, overridden by CLI flags. Unknown keys are errors, never ignored.

Its tables and keys are the typed, frozen dataclasses of reportgen/settings/table.py
(StudentConfig for [student], ...: a field per key, with its default, in the file's order),
and Config holds one of each and the project's root."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

from reportgen.errors import UserError, shown_value
from reportgen.settings.table import KEYS, SECTIONS, Config, StudentConfig, checked

# What the rest of reportgen imports from here (keys.RUN_VALUES and SECTION_VALUES stop at
# this module: the settings enter keys as values).
__all__ = ["CONFIG_FILE", "Config", "StudentConfig", "load_config", "overrides"]

CONFIG_FILE = "reportgen.toml"


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
