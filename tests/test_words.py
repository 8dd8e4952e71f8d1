"""Every word a reader sees is in templates/text/<lang>/: a new language is a folder, and the
code that draws, tabulates and builds has no words of its own."""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
import string
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen import SOURCE_ROOT
from reportgen.render.unicode import squashed
from reportgen.text import TEXT_DIR, WORDS_FILE, languages, words

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PHRASE = re.compile(r"[A-Za-z]+(?:[ ,;:'-]+[A-Za-z]+){2,}")  # three words or more
# The code that must not hold a reader's words.
WORDLESS = [
    *sorted((SOURCE_ROOT / "reportgen" / "questions").glob("*.py")),
    *sorted((SOURCE_ROOT / "reportgen" / "plots").glob("*.py")),
    SOURCE_ROOT / "reportgen" / "tables.py",
    SOURCE_ROOT / "reportgen" / "build.py",
]


def fields(value: object) -> object:
    """The str.format fields a string (or each string of an array) has."""
    if isinstance(value, tuple):
        return tuple(fields(v) for v in value)
    return {name for _, name, _, _ in string.Formatter().parse(str(value)) if name}


def leaves(table, where: str = "") -> dict[str, object]:
    """Every string (or array of strings) of a catalog by its dotted key."""
    out = {}
    for key, value in table.items():
        path = f"{where}.{key}" if where else key
        out.update(leaves(value, path) if hasattr(value, "items") else {path: value})
    return out


@pytest.mark.parametrize("lang", [lang for lang in languages() if lang != "en"])
def test_every_language_has_the_strings_and_prose_english_has(lang):
    ours, english = leaves(words(lang)), leaves(words("en"))
    assert sorted(ours) == sorted(english)
    for key, value in english.items():
        assert fields(ours[key]) == fields(value), key
    prose = {p.name for p in (TEXT_DIR / lang).glob("*.md.j2")}
    assert prose == {p.name for p in (TEXT_DIR / "en").glob("*.md.j2")}


def _reader_strings(path: Path) -> list[str]:
    """The string constants of a file that a reader could see: not docstrings, not TITLE
    (for `reportgen list`), not the messages of errors raised."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Raise) or (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "TITLE" for t in node.targets)
        ):
            skip.update(id(n) for n in ast.walk(node))
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    ]


@pytest.mark.parametrize("path", WORDLESS, ids=lambda p: str(p.relative_to(SOURCE_ROOT)))
def test_the_code_has_no_words_of_its_own(path):
    found = [s for s in _reader_strings(path) if CJK.search(s) or PHRASE.search(s)]
    assert found == []


def test_the_scan_finds_words_in_code(tmp_path):
    code = tmp_path / "m.py"
    code.write_text(
        '"""A docstring with many words."""\n'
        'TITLE = "A title for the list"\n'
        'CAPTION = "The CNN, layer by layer"\n'
        'LABEL = "訓練"\n'
        'KEY = "upper center"\n'
        'def f():\n    raise ValueError("a message for the user")\n',
        encoding="utf-8",
    )
    found = [s for s in _reader_strings(code) if CJK.search(s) or PHRASE.search(s)]
    assert found == ["The CNN, layer by layer", "訓練"]


@pytest.fixture
def new_language():
    """templates/text/xx: a copy of en/ with one string changed, removed afterwards."""
    folder = TEXT_DIR / "xx"
    assert not folder.exists(), f"{folder} is left over from an earlier run: remove it"
    shutil.copytree(TEXT_DIR / "en", folder)
    marker = "Zebra-striped layer table of the CNN"
    catalog = folder / WORDS_FILE
    text = catalog.read_text(encoding="utf-8")
    old = 'table = "The CNN, layer by layer (output shapes and parameter counts from the trained model)"'
    assert old in text
    catalog.write_text(text.replace(old, f'table = "{marker}"'), encoding="utf-8")
    try:
        yield "xx", marker
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        words.cache_clear()


def test_a_new_language_is_a_folder(new_language, tiny_project, tmp_path, monkeypatch):
    """The whole report in a language no Python file names: copy en/, change a string,
    build, and the PDF says it."""
    from reportgen.build import build
    from reportgen.progress import Reporter
    from reportgen.project import Project

    lang, marker = new_language
    assert lang in languages()
    root = tmp_path / "project"
    root.mkdir()
    tiny_project.config.runs_dir.mkdir(parents=True, exist_ok=True)  # the session's runs
    (root / "runs").symlink_to(tiny_project.config.runs_dir, target_is_directory=True)
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "cache"))
    config = dataclasses.replace(tiny_project.config, root=root)
    config = dataclasses.replace(config, report=dataclasses.replace(config.report, lang=lang))
    project = Project(config, _data=tiny_project.data)
    pdf = build(project, Reporter())
    text = squashed("".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert squashed(marker) in text
    assert squashed(words(lang)["data_notice"]) in text


def test_a_string_a_language_lacks_is_a_one_line_error():
    from reportgen.errors import UserError

    catalog = words("en")
    assert "q7_lime" in catalog and "no_such_table" not in catalog
    with pytest.raises(UserError, match=r"en/words.toml: no string q7_lime.no_such_string$"):
        catalog["q7_lime"]["no_such_string"]
    with pytest.raises(UserError, match="no words for language 'yy'"):
        words("yy")
