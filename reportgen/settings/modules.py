"""The names of the question modules, found from their file names alone: questions/q<N>_<name>.py,
in number order. Nothing is imported, so a course template can name its modules (and be
checked) below the modules themselves."""

from __future__ import annotations

import re

from reportgen import PACKAGE_DIR
from reportgen.errors import UserError

QUESTIONS_DIR = PACKAGE_DIR / "questions"
_NAME = re.compile(r"^q(\d+)_[a-z0-9_]+$")


def _discover() -> tuple[str, ...]:
    names = [p.stem for p in QUESTIONS_DIR.glob("q*.py") if _NAME.match(p.stem)]
    return tuple(sorted(names, key=lambda n: int(_NAME.match(n)[1])))  # type: ignore[index]


MODULES: tuple[str, ...] = _discover()


def resolve(name: str) -> str:
    """'q3' or 'q3_augmentation' -> 'q3_augmentation'; anything else is refused."""
    for module in MODULES:
        if name == module or name == module.split("_", 1)[0]:
            return module
    short = [m.split("_", 1)[0] for m in MODULES]
    raise UserError(
        f"no module {name!r}: choose one of {', '.join(MODULES)} (or {short[0]}..{short[-1]})"
    )
