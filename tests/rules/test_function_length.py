"""Every function of the package reads in one screen: at most 40 lines, its signature and
docstring included."""

from __future__ import annotations

import ast

import pytest

from reportgen import PACKAGE_DIR

MAX_LINES = 40
FILES = sorted(PACKAGE_DIR.rglob("*.py"))


def long_functions(source: str) -> list[str]:
    tree = ast.parse(source)
    return [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_LINES
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(PACKAGE_DIR).as_posix())
def test_no_function_is_longer_than_forty_lines(path):
    assert long_functions(path.read_text(encoding="utf-8")) == []


def test_the_count_takes_the_whole_function():
    body = "\n".join(f"    x = {i}" for i in range(39))
    assert long_functions(f"def f():\n{body}\n") == []
    assert long_functions(f"def f():\n{body}\n    return x\n") == ["f: 41 lines"]
