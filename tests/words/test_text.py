"""reportgen/words/text.py: the helpers that join and format the report's text."""

from __future__ import annotations

from reportgen.words.text import join_lines


def test_join_lines_keeps_paragraphs_and_lists():
    text = "第一句，\n第二句。\n\n1. one\n2. two\n\nEnd\nhere."
    assert join_lines(text) == "第一句，第二句。\n\n1. one\n2. two\n\nEnd here.\n"
    assert join_lines("a\nb") == "a b\n"
    assert join_lines("中文\nEnglish\nwords") == "中文English words\n"
