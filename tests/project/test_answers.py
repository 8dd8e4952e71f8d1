"""reportgen/project/answers.py and the Markdown it hands to reportgen/render/markdown.py: no
answer text leaks HTML or fetches outside the project; front matter reads back as written
(properties, hypothesis)."""

from __future__ import annotations

import re
import tempfile
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from reportgen.errors import UserError
from reportgen.project.answers import parse_answer
from reportgen.render import html as report_html
from reportgen.render import markdown
from tests.properties import QUICK, SLOW, TEXT

# What markdown-it (commonmark, tables, strikethrough) writes; nothing else may reach the HTML.
TAGS = {
    "p",
    "em",
    "strong",
    "code",
    "pre",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "s",
    "span",
}

ATTRIBUTES = {"href", "src", "alt", "title", "class", "start", "style"}

HTML_BITS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src="http://evil.example/x.png">',
        "<iframe src=x>",
        '<a href="javascript:alert(1)">x</a>',
        "<div onclick=x>",
        "<style>body{background:url(http://e.example)}</style>",
        "<!-- c -->",
        "<link rel=stylesheet href=http://e.example/s.css>",
        "&lt;b&gt;",
        "<svg onload=alert(1)>",
    ]
)

SOURCES = st.sampled_from(
    [
        "pic.png",
        "sub/../pic.png",
        "../outside.png",
        "%2e%2e/outside.png",
        "..%2Foutside.png",
        "/etc/passwd",
        "file:///etc/passwd",
        "http://evil.example/x.png",
        "https://evil.example/x.png",
        "//evil.example/x.png",
        "\\\\server\\share\\x.png",
        "sub\\..\\..\\outside.png",
        "link.png",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/html,<script>alert(1)</script>",
        "",
    ]
)

MARKDOWN_BITS = st.one_of(
    TEXT,
    HTML_BITS,
    st.tuples(TEXT, SOURCES).map(lambda p: f"![{p[0]}]({p[1]})"),
    st.tuples(TEXT, SOURCES).map(lambda p: f"[{p[0]}]({p[1]})"),
    st.tuples(TEXT, SOURCES).map(lambda p: f'![a]({p[1]} "{p[0]}")'),
    st.sampled_from(["# h", "###### h", "| a | b |\n|:-|-:|\n| 1 | 2 |", "```\n<b>\n```", "\n\n"]),
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.other.append(decl)

    def handle_pi(self, data):
        self.other.append(data)


@pytest.fixture(scope="module")
def answers_folder(tmp_path_factory):
    """project/answers/ with pic.png, and link.png a symlink to a file outside it."""
    root = tmp_path_factory.mktemp("md")
    answers = root / "project" / "answers"
    answers.mkdir(parents=True)
    (answers / "pic.png").write_bytes(b"png")
    (root / "outside.png").write_bytes(b"secret")
    (answers / "link.png").symlink_to(root / "outside.png")
    return answers


@SLOW
@given(st.lists(MARKDOWN_BITS, max_size=6).map(" ".join))
@example("![a](../outside.png) ![b](link.png) ![c](%2e%2e/outside.png) ![d](pic.png)")
@example("![a](/etc/passwd) ![b](http://evil.example/x.png) ![c](file:///etc/passwd)")
@example('<script>alert(1)</script> <img src="http://evil.example/x.png"> [a](javascript:x)')
def test_no_answer_text_leaks_html_or_fetches_outside_the_project(answers_folder, text):
    resolve = partial(report_html._image_url, [answers_folder], report_html.Target())
    out = str(markdown.to_html(text, resolve, "[image: {src}]"))
    parsed = _Tags()
    parsed.feed(out)
    parsed.close()
    assert not parsed.other, parsed.other
    allowed = answers_folder.resolve()
    for tag, attrs in parsed.tags:
        assert tag in TAGS, (tag, out)
        assert set(attrs) <= ATTRIBUTES, (tag, attrs)
        if "style" in attrs:
            assert re.fullmatch(r"text-align:(left|right|center)", attrs["style"] or ""), attrs
        if tag == "img":  # the one thing WeasyPrint fetches from the answer's HTML
            src = attrs["src"] or ""
            if src.startswith("data:"):
                assert src.startswith("data:image/"), src
                continue
            parts = urlsplit(src)
            assert parts.scheme == "file" and parts.netloc == "", src
            assert Path(url2pathname(parts.path)).resolve().is_relative_to(allowed), src
        if tag == "a":  # a link is not fetched; markdown-it keeps only harmless ones
            href = (attrs.get("href") or "").lower()
            assert urlsplit(href).scheme not in {"javascript", "vbscript", "file"}, attrs
            assert not href.startswith("data:") or href.startswith("data:image/"), attrs


@QUICK
@given(TEXT.filter(lambda s: not s.lstrip().startswith("---")))
def test_an_answer_without_front_matter_is_its_text(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q1_cnn.md"
        path.write_text(text, encoding="utf-8", newline="")
        meta, body = parse_answer(path)
    assert meta == {} and body == "\n".join(text.splitlines()).strip()


# A value with " #" in it, or starting with "#", holds a comment (as in YAML): not a name list.
COLLABORATORS = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
).filter(lambda s: " #" not in s and not s.lstrip().startswith("#"))


@QUICK
@given(st.sampled_from(["append", "replace"]), COLLABORATORS, TEXT)
def test_front_matter_reads_back_as_written(mode, collaborators, body):
    assume(not body.lstrip().startswith("---"))
    text = f"---\nmode: {mode}\ncollaborators: {collaborators}\n---\n{body}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q1_cnn.md"
        path.write_text(text, encoding="utf-8", newline="")
        meta, read = parse_answer(path)
    assert meta == {"mode": mode, "collaborators": collaborators.strip()}
    assert read == "\n".join(body.splitlines()).strip()


@QUICK
@given(
    st.lists(
        st.one_of(TEXT, st.sampled_from(["---", "mode: x", "mode: replace", ": v", "k: v", "# c"])),
        max_size=6,
    ).map("\n".join)
)
def test_any_answer_file_reads_or_is_one_line(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q1_cnn.md"
        path.write_text(text, encoding="utf-8", newline="")
        try:
            meta, _ = parse_answer(path)
        except UserError as refused:
            assert "\n" not in str(refused) and str(refused).startswith(str(path))
        else:
            assert set(meta) <= {"mode", "collaborators"}
            assert meta.get("mode", "append") in ("append", "replace")
