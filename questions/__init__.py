"""The question modules. Each one has:

MODULE = "q4_confusion"
TITLE = "..."                                   # for `reportgen list`
def runs(profile, config) -> dict[str, RunSpec] # the runs it needs, as plain data
def answer(ctx: Context) -> Section             # finished runs in, a section out
"""

from __future__ import annotations

import importlib
from types import ModuleType

from reportgen.errors import UserError

MODULES: tuple[str, ...] = (
    "q1_cnn",
    "q2_dnn",
    "q3_augmentation",
    "q4_confusion",
    "q5_saliency",
    "q6_filters",
    "q7_lime",
    "q8_gradcam",
)


def resolve(name: str) -> str:
    """'q3' or 'q3_augmentation' -> 'q3_augmentation'; anything else is refused."""
    for module in MODULES:
        if name == module or name == module.split("_", 1)[0]:
            return module
    raise UserError(f"no module {name!r}: choose one of {', '.join(MODULES)} (or q1..q8)")


def load(module: str) -> ModuleType:
    return importlib.import_module(f"questions.{resolve(module)}")
