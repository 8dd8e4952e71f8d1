"""reportgen/render/markdown.py: hostile Markdown is text, nothing is fetched, raw HTML is off,
images come only from the section or the answers."""

from __future__ import annotations

import socket
import urllib.request

from reportgen.render.blocks import Figure, Section, Text
from reportgen.render.fetcher import SafeFetcher
from reportgen.render.markdown import to_html
from reportgen.settings.course import load_template
from reportgen.words.text import words
from tests.hand_made_report import make_sections, render, tiny_figure
from tests.helpers import check_report, pdf_text

HOSTILE = """壞學生的回答

<script>alert("x")</script>

<img src="file://{secret}">

![local](file://{secret})

![remote](http://example.invalid/tracker.png)

<img src="http://example.invalid/raw.png">

![escape](../../../{secret_name})
"""


def test_hostile_markdown_is_text_and_nothing_is_fetched(tmp_path, monkeypatch):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("TOPSECRET-4711", encoding="utf-8")
    root = tmp_path / "project"
    template = load_template("ml2019-hw4")
    sections = make_sections(root, template)
    section, folder = sections["q5_saliency"]
    markdown = HOSTILE.format(secret=secret, secret_name=secret.name)
    sections["q5_saliency"] = (Section("q5_saliency", [Text(markdown), *section.blocks]), folder)

    network: list[object] = []

    def no_network(*args, **kwargs):
        network.append(args)
        raise AssertionError("network access during render")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    asked: list[str] = []
    original = SafeFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(SafeFetcher, "fetch", spy)
    pdf = render(root, "ml2019-hw4", sections)

    assert not network
    assert all(url.startswith("file://") for url in asked), asked
    assert not any("secret" in url or "example.invalid" in url for url in asked), asked
    text = pdf_text(pdf)
    assert "TOPSECRET" not in text and b"TOPSECRET" not in pdf.read_bytes()
    assert '<script>alert("x")</script>' in text  # shown as text
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'src="http' not in html and "example.invalid/tracker.png" in html
    assert check_report(pdf, template, "R05942017") == []


def test_markdown_disables_raw_html_and_shifts_headings(tmp_path):
    (tmp_path / "pic.png").write_bytes(b"x")
    html = to_html(
        "# 標題\n\n<b>x</b> ![p](pic.png) ![q](/etc/passwd) ![r](missing.png)",
        lambda src: "resolved.png" if src == "pic.png" else None,
        words("en")["document"]["image_refused"],
    )
    assert "<h4>標題</h4>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<img class="md-image" src="resolved.png" alt="p">' in html
    assert html.count("image not included") == 2


def test_student_markdown_images_come_from_the_section_or_answers(tmp_path):
    root = tmp_path / "p"
    template = load_template("ml2019-hw4")
    sections = make_sections(root, template)
    answers = root / "answers"
    answers.mkdir()
    tiny_figure(answers / "mine.png", "我的圖")
    folder = sections["q7_lime"][1]
    text = Text("我的圖：![mine](mine.png) 以及 ![fig](main.png)")
    sections["q7_lime"] = (Section("q7_lime", [text]), folder)
    pdf = render(root, "ml2019-hw4", sections)
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    assert 'src="answers/mine.png"' in html
    assert 'src="build/sections/q7_lime/main.png"' in html


def test_figure_names_cannot_leave_their_folder(tmp_path):
    root = tmp_path / "p"
    template = load_template("ml2019-hw4")
    sections = make_sections(root, template)
    (root / "build" / "sections" / "secret.png").write_bytes(b"not an image")
    folder = sections["q8_gradcam"][1]
    sections["q8_gradcam"] = (Section("q8_gradcam", [Figure("../secret.png", "壞")]), folder)
    pdf = render(root, "ml2019-hw4", sections)
    assert "[figure missing: ../secret.png]" in pdf_text(pdf)
