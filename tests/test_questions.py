"""The question modules read top to bottom: found by file name, each with runs(), params()
and answer(ctx), every function short (tests/test_function_length.py)."""

from __future__ import annotations

import ast
import inspect

import pytest

from reportgen import PACKAGE_DIR, questions
from reportgen.settings.config import load_config
from reportgen.settings.profiles import PROFILES

FILES = sorted((PACKAGE_DIR / "questions").glob("*.py"))


def test_the_modules_are_found_by_their_file_names_in_number_order():
    found = [p.stem for p in FILES if p.stem.startswith("q")]
    assert list(questions.MODULES) == sorted(found, key=lambda n: int(n[1:].split("_")[0]))
    assert questions.resolve("q7") == "q7_lime"


@pytest.mark.parametrize("module", questions.MODULES)
def test_each_module_declares_its_runs_and_settings_as_plain_data(module, tmp_path):
    mod = questions.load(module)
    assert module == mod.MODULE and mod.TITLE
    assert list(inspect.signature(mod.answer).parameters) == ["ctx"]
    config = load_config(tmp_path, {"profile": "tiny"})
    for profile in PROFILES.values():
        params = mod.params(profile, config)
        assert isinstance(params, dict)
        assert ast.literal_eval(repr(params)) == params  # numbers, strings, lists: data
        assert mod.runs(profile, config)
