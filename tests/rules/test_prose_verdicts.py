"""The prose chooses its sentences by verdict name and compares no number: a verdict is
decided once, in Python (reportgen/measure/), and each language only says it. Every
comparison in words/<lang>/*.md.j2 is `in`/`not in`, or `==`/`!=` against a string."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from reportgen.words.text import PROSE_SUFFIX, TEXT_DIR

ORDER = {"lt", "gt", "lteq", "gteq"}
EQUALITY = {"eq", "ne"}
PROSE = sorted(TEXT_DIR.glob(f"*/*{PROSE_SUFFIX}"))


def numeric_comparisons(source: str) -> list[str]:
    """Each comparison of the template that compares numbers, as Jinja parsed it."""
    found = []
    for compare in jinja2.Environment().parse(source).find_all(nodes.Compare):
        operands = [compare.expr, *(op.expr for op in compare.ops)]
        strings = any(isinstance(o, nodes.Const) and isinstance(o.value, str) for o in operands)
        for op in compare.ops:
            if op.op in ORDER or (op.op in EQUALITY and not strings):
                found.append(f"line {compare.lineno}: {op.op}")
    return found


@pytest.mark.parametrize("path", PROSE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_prose_compares_no_number(path: Path):
    assert numeric_comparisons(path.read_text(encoding="utf-8")) == []


def test_the_check_sees_a_numeric_comparison():
    assert numeric_comparisons("{% if a.delta > 0.005 %}x{% endif %}") == ["line 1: gt"]
    assert numeric_comparisons("{% if n == 1 %}x{% endif %}") == ["line 1: eq"]
    assert numeric_comparisons("{{ 'a' if x.best == y.best }}") == ["line 1: eq"]
    assert numeric_comparisons('{% if v.name == "gains" and c in v.subjects %}{% endif %}') == []
