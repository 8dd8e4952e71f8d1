"""The question modules, one file each: questions/q<N>_<name>.py, found by their file name.
Each one has, read top to bottom:

MODULE = "q4_confusion"
TITLE = "..."                                     # for `reportgen list`
def runs(profile, config) -> dict[str, RunSpec]   # the runs it needs, as plain data
def params(profile, config) -> dict[str, Any]     # its section's settings, as plain data
def answer(ctx: Context) -> Section               # finished runs in, a section out

runs() and params() are hashed into the section's cache key, with the code the module
imports (found by reading it) and its words (templates/text/<lang>/). So a module imports
TensorFlow, keras and scikit-learn only inside the functions that compute: computing a key
imports the module and must stay cheap.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

from reportgen.errors import UserError

_NAME = re.compile(r"^q(\d+)_[a-z0-9_]+$")


def _discover() -> tuple[str, ...]:
    names = [p.stem for p in Path(__file__).parent.glob("q*.py") if _NAME.match(p.stem)]
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


def load(module: str) -> ModuleType:
    return importlib.import_module(f"reportgen.questions.{resolve(module)}")
