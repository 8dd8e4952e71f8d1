"""A language is one folder, words/<lang>/: its language.toml declares everything rendering
needs of it (its tag, its name, the tag of what the course writes, its CJK faces), so no code
names a language, and a new folder is a new language down to the PDF's font and /Lang."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

import reportgen.words.text
from reportgen import PACKAGE_DIR
from reportgen.errors import UserError
from reportgen.render import fonts
from reportgen.render.check import _fonts, check_pdf
from reportgen.settings.course import load_template
from reportgen.words.text import LANGUAGE_FILE, TEXT_DIR, language, languages, words
from tests.helpers import share_runs

SID = "R05942017"
# Where code may still hold a language's code, and why: a default, not a declaration.
DEFAULTS = {
    "settings/": "report.lang's default: the language of a project that names none",
}
JA = """name = "日本語"
tag = "ja"
course_tag = "zh-Hant"

[font]
sans = "NotoSansCJKjp-Regular"
mono = "NotoSansMonoCJKjp-Regular"
"""


@pytest.mark.parametrize("lang", languages())
def test_every_language_declares_itself(lang):
    declared = language(lang)
    assert declared.code == lang and declared.name.strip()
    assert (TEXT_DIR / lang / LANGUAGE_FILE).is_file() and words(lang)
    sources = fonts.cjk_sources(lang)
    assert {role: s.postscript_name for role, s in sources.items()} == dict(declared.fonts)
    assert sources[fonts.SANS].postscript_name != sources[fonts.MONO].postscript_name


def _code_strings(path: Path) -> list[str]:
    """A module's string constants but its docstrings and what it raises (messages may give
    an example)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Raise):
            skip.update(id(n) for n in ast.walk(node))
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    ]


def test_no_code_names_a_language():
    """No language's code or tag is a string of the package's code, and no face of the CJK
    collection is named in code, the HTML template or the stylesheet: language.toml says."""
    codes = set(languages())
    tags = {t for lang in codes for t in (language(lang).tag, language(lang).course_tag)}
    collection = fonts.collection_faces(fonts.font_file()).values()
    faces = {name for s in collection for name in (s.postscript_name, s.family)}
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        allowed = codes if any(rel.startswith(p) for p in DEFAULTS) else set()
        for value in _code_strings(path):
            if value in (codes | tags) - allowed or any(face in value for face in faces):
                found.append(f"{rel}: {value!r}")
    for name in ("report.html.j2", "report.css"):
        text = (PACKAGE_DIR / "templates" / name).read_text(encoding="utf-8")
        found += [f"{name}: {face}" for face in faces if face in text]
        found += [f"{name}: {m}" for m in re.findall(r'lang="[^"{]+"', text)]
    assert found == []


@pytest.fixture
def language_folder(tmp_path, monkeypatch):
    """words/ pointed at an empty folder: yy/language.toml is what the test writes."""
    folder = tmp_path / "yy"
    folder.mkdir()
    monkeypatch.setattr(reportgen.words.text, "TEXT_DIR", tmp_path)
    language.cache_clear()
    yield folder / LANGUAGE_FILE
    language.cache_clear()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('tag = "ja"', 'tag = "日本語"'), r"yy/language.toml: tag '日本語' is not a language tag"),
        (('name = "日本語"', "name = 3"), r"yy/language.toml: name must be a non-empty string"),
        (("[font]", "script = 1\n[font]"), r"yy/language.toml: unknown key 'script'"),
        (('mono = "NotoSansMonoCJKjp-Regular"', ""), r"yy/language.toml: \[font\] must name"),
        (('CJKjp-Regular"\nmono', 'CJKxx-Regular"\nmono'), r"font.sans 'NotoSansCJKxx-Regular'"),
        (("[font]", "[font"), r"yy/language.toml: not valid TOML"),
    ],
    ids=["tag", "name", "unknown-key", "no-mono", "no-such-face", "not-toml"],
)
def test_a_wrong_language_file_is_a_one_line_error(language_folder, change, message):
    old, new = change
    assert old in JA
    language_folder.write_text(JA.replace(old, new), encoding="utf-8")
    with pytest.raises(UserError, match=message) as caught:
        fonts.cjk_sources("yy")
    assert "\n" not in str(caught.value)


def test_a_folder_without_a_language_file_is_no_language(language_folder):
    language_folder.with_name("words.toml").write_text('classes = ["a"]\n', encoding="utf-8")
    assert languages() == ()
    language_folder.write_text(JA, encoding="utf-8")
    assert languages() == ("yy",) and language("yy").name == "日本語"


def test_a_japanese_folder_is_a_japanese_report(tiny_project, tmp_path, cache_dir):
    """In a copy of the package, words/ja/ (en's words and prose, a language.toml naming the
    Japanese faces and the tag ja): `build --lang ja` writes lang="ja" in the HTML, /Lang ja
    in the PDF, and embeds the subset of the Japanese face, not the Chinese one."""
    source = tmp_path / "source"
    shutil.copytree(
        PACKAGE_DIR, source / PACKAGE_DIR.name, ignore=shutil.ignore_patterns("__pycache__")
    )
    ja = source / PACKAGE_DIR.name / "words" / "ja"
    shutil.copytree(TEXT_DIR / "en", ja)
    (ja / LANGUAGE_FILE).write_text(JA, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    share_runs(project, tiny_project)
    env = {**os.environ, "PYTHONPATH": str(source), "REPORTGEN_CACHE_DIR": str(cache_dir)}
    argv = ["build", "--student-id", SID, "--profile", "tiny", "--lang", "ja", "--quiet"]
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", *argv],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert '<html lang="ja">' in (project / "Report.html").read_text(encoding="utf-8")
    reader = PdfReader(project / "Report.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    families = {f.family for f in _fonts(list(reader.pages)) if f.embedded}
    assert "Noto Sans CJK JP" in families, families
    assert not [f for f in families if "CJK TC" in f], families
    assert check_pdf(project / "Report.pdf", load_template("ml2019"), SID).problems == []
