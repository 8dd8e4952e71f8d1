"""reportgen/render/fonts.py: CJK subsets cached by character set (reportgen/store/font_files.py),
a clear error without a CJK font, and matplotlib drawing Chinese with it."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest

from reportgen.errors import UserError
from reportgen.plots.style import cjk_family, figure_style
from reportgen.render import fonts
from tests.hand_made_report import tiny_figure


def test_subset_is_cached_by_character_set(tmp_path, monkeypatch):
    written = []

    def spy(target, data, *, prune):
        written.append(target)
        return fonts_write(target, data, prune=prune)

    fonts_write = fonts.write_font
    monkeypatch.setattr(fonts, "write_font", spy)
    chars = fonts.document_chars("請說明你實作的 CNN model")
    first = fonts.subset_faces(chars, tmp_path, "zh")
    assert sorted(written) == sorted(f.path for f in first) and len(first) == 2
    old = 1_000_000_000  # 2001: a reused file is marked as used (pruning keeps the newest)
    for face in first:
        os.utime(face.path, ns=(old, old))
    files = {f.path: (f.path.stat().st_ino, f.path.read_bytes()) for f in first}
    written.clear()

    again = fonts.subset_faces(set(chars), tmp_path, "zh")
    assert written == []  # nothing cut or written again
    assert [f.path for f in again] == [f.path for f in first]
    assert {f.path: (f.path.stat().st_ino, f.path.read_bytes()) for f in again} == files
    assert all(f.path.stat().st_mtime_ns > old for f in again)

    other = fonts.subset_faces(chars | {"龘"}, tmp_path, "zh")
    assert sorted(written) == sorted(f.path for f in other)  # a new character set: new files
    assert {f.path for f in other}.isdisjoint(files)
    assert all(path.read_bytes() == data for path, (_, data) in files.items())
    # The file name: the face, then its content key (store/keys.content_key, 16 digits).
    assert all(
        re.fullmatch(r"NotoSans(Mono)?CJKtc-Regular-[0-9a-f]{16}", f.path.stem) for f in first
    )


def test_no_cjk_font_is_a_user_error(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == fonts.PACKAGE else real(name, *a),
    )
    with pytest.raises(UserError, match="noto-cjk-sans-otc"):
        fonts.cjk_sources("zh")


def test_matplotlib_draws_chinese_with_the_cjk_font(tmp_path):
    from matplotlib import font_manager

    assert cjk_family() == "Noto Sans CJK TC"
    with figure_style():
        found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(found).name == fonts.font_file().name
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        tiny_figure(tmp_path / "zh.png", "混淆矩陣：預測與真實")
    assert not [str(w.message) for w in records if "missing from" in str(w.message)]
    assert (tmp_path / "zh.png").read_bytes()[:4] == b"\x89PNG"
