"""The question modules, one file each: questions/q<N>_<name>.py, found by their file name.
Each one has, read top to bottom:

MODULE = "q4_confusion"
TITLE = "..."                                     # for `reportgen list`
def runs(profile, config) -> dict[str, RunSpec]   # the runs it needs, as plain data
def params(profile, config) -> dict[str, Any]     # its section's settings, as plain data
def answer(ctx: Context) -> Section               # finished runs in, a section out

runs() and params() are hashed into the section's cache key, with the code the module
imports (found by reading it) and its words (words/<lang>/). So a module imports
TensorFlow, keras and scikit-learn only inside the functions that compute: computing a key
imports the module and must stay cheap. Their names (MODULES) come from reportgen.settings.course.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from reportgen.settings.course import MODULES, resolve

__all__ = ["MODULES", "load", "resolve"]


def load(module: str) -> ModuleType:
    return importlib.import_module(f"reportgen.questions.{resolve(module)}")
