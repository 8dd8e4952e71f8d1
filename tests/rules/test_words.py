"""Every word a reader sees is in words/<lang>/: a new language is a folder, and the
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

import reportgen.words.text
from reportgen import PACKAGE_DIR, SOURCE_ROOT
from reportgen.render.unicode import squashed
from reportgen.words.text import TEXT_DIR, WORDS_FILE, language, languages, words

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# An English sentence: three words of letters or more, with spaces (or punctuation) between.
PHRASE = re.compile(r"[A-Za-z]+(?:[ ,;:'-]+[A-Za-z]+){2,}")
PACKAGE = SOURCE_ROOT / "reportgen"
# What the words test decides a reader of the report does not see, so it may stay in code:
# docstrings and comments; a question's TITLE (`reportgen list`); messages at the terminal,
# found by where they go (raised, an exception built, argparse's help, a log or print line,
# a regular expression); and these modules, whose strings all go to the terminal or to files
# of the student's (reportgen.toml, the starter model, the CI workflow), never the report.
TERMINAL_MODULES = {
    "project/ci.py": "the workflow it writes",
    "cli/commands.py": "what each command prints",
    "store/diskfull.py": "the disk-full message",
    "settings/durations.py": "what a wrong budget is told",
    "errors.py": "error messages",
    "project/init.py": "reportgen.toml's comments and what init prints",
    "settings/table.py": "what a wrong setting is told",
    "store/keys.py": "`list` explains a section's key",
    "project/starter.py": "the starter model file",
    "cli/watch.py": "what --watch prints",
    "cli/doctor.py": "what doctor and --version print",
    "data": "what wrong data is told",
    "runs": "training's log lines and what a wrong model is told",
    "render/check.py": "what `check` finds",
    "render/fonts.py": "font family names and the subset's character set: data, not words",
    "render/html.py": "CSS",
    "render/native.py": "how to install Pango",
    "store/run_folders.py": "why a run folder is set aside, for the log",
}
# Names, the same in every language.
NAMES = {"Selvaraju et al."}  # Grad-CAM's paper, cited by facts/gradcam.py
TERMINAL_CALLS = {
    *("add_argument", "add_parser", "add_argument_group", "ArgumentParser", "_Parser"),
    *("log", "info", "warning", "debug", "error", "print", "warn"),
    *("compile", "fullmatch", "match", "search", "sub"),
}
WORDLESS = [
    p
    for p in sorted(PACKAGE.rglob("*.py"))
    if not {
        p.relative_to(PACKAGE).as_posix(),
        p.relative_to(PACKAGE).parts[0],
    }
    & set(TERMINAL_MODULES)
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


def _terminal_nodes(tree: ast.AST) -> set[int]:
    """The nodes of docstrings, TITLE, and messages for the terminal (see TERMINAL_CALLS)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))
        call = node.func if isinstance(node, ast.Call) else None
        called = getattr(call, "attr", None) or getattr(call, "id", "")
        if (
            isinstance(node, ast.Raise)
            or called in TERMINAL_CALLS
            or called.endswith(("Error", "Exception", "Warning"))
            or (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "TITLE" for t in node.targets)
            )
        ):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _reader_strings(path: Path) -> list[str]:
    """The string constants of a file that a reader of the report could see."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _terminal_nodes(tree)
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    ]


def _words_in(strings: list[str]) -> list[str]:
    return [s for s in strings if (CJK.search(s) or PHRASE.search(s)) and s not in NAMES]


@pytest.mark.parametrize("path", WORDLESS, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_code_has_no_words_of_its_own(path):
    assert _words_in(_reader_strings(path)) == []


def test_the_html_template_has_no_words_of_its_own():
    """What report.html.j2 prints besides its values: Jinja comments, expressions and tags,
    and HTML tags and entities removed, nothing is left but punctuation."""
    html = (PACKAGE / "templates" / "report.html.j2").read_text(encoding="utf-8")
    for pattern in (r"\{#.*?#\}", r"\{\{.*?\}\}", r"\{%.*?%\}", r"<style>.*?</style>", r"<[^>]*>"):
        html = re.sub(pattern, " ", html, flags=re.DOTALL)
    assert _words_in(html.split("\n")) == []


def test_the_scan_finds_words_in_code(tmp_path):
    code = tmp_path / "m.py"
    code.write_text(
        '"""A docstring with many words."""\n'
        'TITLE = "A title for the list"\n'
        'CAPTION = "The CNN, layer by layer"\n'
        'LABEL = "訓練"\n'
        'KEY = "upper center"\n'
        'def f():\n    raise ValueError("a message for the user")\n'
        'def g(log):\n    log.info("a line for the developer")\n',
        encoding="utf-8",
    )
    assert _words_in(_reader_strings(code)) == ["The CNN, layer by layer", "訓練"]


LABELS = {"student_id": "Matrikel: ", "department": "Fakultät: ", "name": "Student: "}


@pytest.fixture
def new_language(monkeypatch, tmp_path):
    """A language xx, in a copy of words/ the loader is pointed at (templates/ is
    never written, and no other test sees xx): en/ with one caption and the student line's
    labels changed. sources.digest hashes a file's path relative to the source tree, so the
    copy lies in a stand-in source tree under tmp_path whose reportgen/ is the real package
    (a link): the code's keys are the same as the checkout's, and the checkout is not written."""
    from reportgen.store import keys

    root = tmp_path / "source"
    root.mkdir()
    (root / PACKAGE_DIR.name).symlink_to(PACKAGE_DIR, target_is_directory=True)
    monkeypatch.setattr(keys, "SOURCE_ROOT", root)
    yield from _language_copy(root / "text", monkeypatch)


def _language_copy(text_dir: Path, monkeypatch):
    shutil.copytree(TEXT_DIR, text_dir)
    folder = text_dir / "xx"
    shutil.copytree(text_dir / "en", folder)
    marker = "Zebra-striped layer table of the CNN"
    catalog = folder / WORDS_FILE
    text = catalog.read_text(encoding="utf-8")
    old = 'table = "The CNN, layer by layer (output shapes and parameter counts from the trained model)"'
    assert old in text
    text = text.replace(old, f'table = "{marker}"')
    for key, label in LABELS.items():
        text = re.sub(rf'(?m)^{key} = ".*"$', f'{key} = "{label}"', text, count=1)
    catalog.write_text(text, encoding="utf-8")
    monkeypatch.setattr(reportgen.words.text, "TEXT_DIR", text_dir)
    _clear_caches()
    yield "xx", marker
    _clear_caches()


def _clear_caches() -> None:
    words.cache_clear()
    language.cache_clear()
    reportgen.words.text._env.cache_clear()


def test_a_new_language_is_a_folder(new_language, tiny_project, tmp_path, cache_dir):
    """The whole report in a language no Python file names: copy en/, change a string and
    the student line's labels, build, and the PDF says them; `check` reads the ID back."""
    from reportgen.build import build
    from reportgen.progress import Reporter
    from reportgen.project.folder import Project
    from reportgen.render.check import student_id_in

    lang, marker = new_language
    assert lang in languages() and not (TEXT_DIR / lang).exists()
    root = tmp_path / "project"
    root.mkdir()
    tiny_project.config.runs_dir.mkdir(parents=True, exist_ok=True)  # the session's runs
    (root / "runs").symlink_to(tiny_project.config.runs_dir, target_is_directory=True)
    config = dataclasses.replace(tiny_project.config, root=root)
    config = dataclasses.replace(config, report=dataclasses.replace(config.report, lang=lang))
    project = Project(config, _data=tiny_project.data)
    pdf = build(project, Reporter())
    text = squashed("".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert squashed(marker) in text
    assert squashed(words(lang)["data_notice"]) in text
    student = config.student
    line = f"{LABELS['student_id']}{student.id}{LABELS['department']}{student.department}"
    assert squashed(line) in text
    assert squashed(LABELS["name"]) in text and "學號" not in text
    assert student_id_in(text) == student.id.upper()


def test_a_string_a_language_lacks_is_a_one_line_error():
    from reportgen.errors import UserError

    catalog = words("en")
    assert "q7_lime" in catalog and "no_such_table" not in catalog
    with pytest.raises(UserError, match=r"en/words.toml: no string q7_lime.no_such_string$"):
        catalog["q7_lime"]["no_such_string"]
    with pytest.raises(UserError, match="no words for language 'yy'"):
        words("yy")
