"""Rendering: course templates as data, the HTML/PDF report, fonts, safety, atomic writes.

Sections are made by hand with tiny matplotlib figures; nothing is trained."""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import socket
import tempfile
import urllib.request
import warnings
from pathlib import Path

import matplotlib
import pytest
from pypdf import PdfReader

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from reportgen import TEMPLATES_DIR
from reportgen.errors import UserError
from reportgen.plots.style import cjk_family, figure_style, save_figure
from reportgen.render import fonts
from reportgen.render.blocks import Figure, Section, Text
from reportgen.render.check import _fonts
from reportgen.render.fetcher import RefusedURL, SafeFetcher
from reportgen.render.markdown import to_html
from reportgen.render.report import render_report
from reportgen.render.unicode import squashed
from reportgen.settings.config import StudentConfig
from reportgen.settings.course import (
    CourseTemplate,
    list_templates,
    load_template,
    template_ids,
)
from reportgen.words.text import words
from tests.helpers import check_report, hand_made_sections, pdf_text

STUDENT = StudentConfig(id="R05942017", name="王小明", department="電機三")
TEMPLATES = ("ml2017-hw3", "ml2018-hw3", "ml2019-hw3", "ml2019-hw4", "ml2019")


def tiny_figure(path: Path, title: str) -> None:
    with figure_style():
        fig, ax = plt.subplots(figsize=(2.4, 1.6))
        ax.plot([1, 2, 3], [3, 1, 2], label="訓練")
        ax.set_title(title)
        ax.legend()
        save_figure(fig, path, dpi=60)


@functools.cache
def _figure_file() -> Path:
    """One tiny figure with Chinese labels, drawn once per test session."""
    folder = tempfile.mkdtemp(prefix="reportgen-test-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "figure.png"
    tiny_figure(path, "訓練過程")
    return path


def make_sections(root: Path, template: CourseTemplate, skip: tuple[str, ...] = ()) -> dict:
    return hand_made_sections(root, template.modules(), skip, figure=_figure_file())


def render(root: Path, template_id: str, sections: dict | None = None, **kwargs) -> Path:
    template = load_template(template_id)
    if sections is None:
        sections = make_sections(root, template)
    output = root / "Report.pdf"
    options = {"lang": "zh", "output": output, "build_dir": root / "build", "notice": None}
    options.update(kwargs)
    render_report(template, sections, STUDENT, **options)
    return output


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """Each template rendered once for the tests of this module."""
    out = {}
    for template_id in TEMPLATES:
        root = tmp_path_factory.mktemp(template_id)
        out[template_id] = render(root, template_id)
    return out


# --- templates as data ---------------------------------------------------------------


def test_every_template_file_loads():
    ids = template_ids()
    assert set(TEMPLATES) <= set(ids)
    assert {t.id for t in list_templates()} == set(ids)


def test_template_modules_follow_the_course():
    assert load_template("ml2017-hw3").modules() == (
        "q1_cnn",
        "q2_dnn",
        "q4_confusion",
        "q5_saliency",
        "q6_filters",
    )
    assert load_template("ml2018-hw3").modules() == (
        "q1_cnn",
        "q3_augmentation",
        "q4_confusion",
        "q5_saliency",
        "q6_filters",
    )
    hw3 = load_template("ml2019-hw3")
    assert hw3.modules() == ("q1_cnn", "q2_dnn", "q3_augmentation", "q4_confusion")
    assert [q.answers for q in hw3.questions()][:2] == [
        ("q1_cnn:main", "q2_dnn:main"),
        ("q1_cnn:curves", "q2_dnn:curves"),
    ]
    assert all(q.collaborators for q in hw3.questions())
    assert load_template("ml2019-hw4").modules() == (
        "q5_saliency",
        "q6_filters",
        "q7_lime",
        "q8_gradcam",
    )


def test_ml2019_is_hw3_then_hw4_each_with_its_own_numbers():
    both = load_template("ml2019")
    assert [p.title for p in both.parts] == [
        "Machine Learning - Homework 3 Report",
        "Machine Learning - Homework 4 Report",
    ]
    assert [q.number for q in both.questions()] == ["1", "2", "3", "4", "1", "2", "3", "4"]
    assert both.questions()[4].part_title == "Machine Learning - Homework 4 Report"
    assert load_template("ml2019-hw3").questions()[0].part_title is None
    assert both.questions()[0].heading.startswith("1. (2%) 請說明你實作的 CNN model，")


def test_prompts_keep_full_width_punctuation():
    for template in list_templates():
        for question in template.questions():
            assert re.search("[，？：。]", question.prompt), question.prompt
            # after a Chinese character the template's punctuation is always full width
            assert not re.search("[\u4e00-\u9fff][,?:]", question.prompt), question.prompt


def test_unknown_template_lists_the_valid_ids():
    with pytest.raises(UserError, match="ml2019-hw3"):
        load_template("ml2020")


def test_a_new_course_year_is_a_data_file(tmp_path):
    path = tmp_path / "ml2030-hw3.toml"
    path.write_text(
        'title = "T"\n[[questions]]\nnumber = "7"\npoints = "3%"\n'
        'prompt = "說明？"\nanswers = ["q4_confusion"]\n',
        encoding="utf-8",
    )
    template = load_template(str(path))
    assert template.questions()[0].heading == "7. (3%) 說明？"
    path.write_text(path.read_text().replace("q4_confusion", "q9_nothing"), encoding="utf-8")
    with pytest.raises(UserError, match="q9_nothing"):
        load_template(str(path))


# --- the rendered report -------------------------------------------------------------


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_each_template_renders_whole(rendered, template_id):
    pdf = rendered[template_id]
    template = load_template(template_id)
    text = squashed(pdf_text(pdf))
    for question in template.questions():
        assert squashed(question.heading) in text, question.heading
    assert "R05942017" in text
    assert squashed("學號：R05942017") in text
    assert squashed(template.title) in text
    assert check_report(pdf, template, "R05942017") == []
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    assert template.questions()[-1].prompt in html


def test_embedded_fonts_are_the_cjk_subsets(rendered):
    infos = list(_fonts(list(PdfReader(rendered["ml2019"]).pages)))
    # The stylesheet's families, each the face the language names (zh: Traditional Chinese).
    assert {f.name for f in infos} == {"ReportGen-Sans", "ReportGen-Mono"}
    sources = fonts.cjk_sources("zh")
    assert {f.family for f in infos} == {s.family for s in sources.values()}
    sans = next(f for f in infos if f.family == sources[fonts.SANS].family == "Noto Sans CJK TC")
    assert sans.glyphs is not None and sans.glyphs < 2000  # a subset, not 65k glyphs
    assert all(f.embedded for f in infos)


def test_collaborators_line_where_the_template_has_it(rendered):
    hw3 = pdf_text(rendered["ml2019-hw3"])
    assert hw3.count("(Collaborators:") == 4
    assert "(Collaborators:" not in pdf_text(rendered["ml2017-hw3"])


def test_parts_place_blocks_under_their_question(tmp_path):
    template = load_template("ml2019-hw3")
    sections = make_sections(tmp_path, template)
    pdf = render(tmp_path, "ml2019-hw3", sections)
    text = squashed(pdf_text(pdf))
    q2 = text.index(squashed(template.questions()[1].heading))
    q3 = text.index(squashed(template.questions()[2].heading))
    curves = [i for i in range(len(text)) if text.startswith("q1_cnn的loss對epoch", i)]
    assert curves and q2 < curves[0] < q3  # q1_cnn's curves sit under question 2


def test_html_preview_names_figures_relatively(rendered):
    html = rendered["ml2018-hw3"].with_suffix(".html").read_text(encoding="utf-8")
    assert 'src="build/sections/q1_cnn/main.png"' in html
    assert "file://" not in html
    assert 'url("build/fonts/' in html


def test_missing_module_is_a_placeholder_naming_its_command(tmp_path):
    template = load_template("ml2018-hw3")
    sections = make_sections(tmp_path, template, skip=("q3_augmentation",))
    pdf = render(tmp_path, "ml2018-hw3", sections)
    text = pdf_text(pdf)
    assert "reportgen run q3" in text
    assert any("reportgen run q3" in p for p in check_report(pdf, template, "R05942017"))


def test_notice_on_the_first_page(tmp_path):
    sections = make_sections(tmp_path, load_template("ml2019-hw4"))
    notice = "This report was built on synthetic demo data, not FER2013."
    pdf = render(tmp_path, "ml2019-hw4", sections, notice=notice)
    assert squashed(notice) in squashed(PdfReader(pdf).pages[0].extract_text())


def test_tables_have_a_repeating_head_and_figures_do_not_split(tmp_path):
    sections = make_sections(tmp_path, load_template("ml2019-hw4"))
    render(tmp_path, "ml2019-hw4", sections)
    html = (tmp_path / "Report.html").read_text(encoding="utf-8")
    assert "<thead>" in html and "<caption>" in html and "<figcaption>" in html
    css = (TEMPLATES_DIR / "report.css").read_text()
    assert "break-inside: avoid" in css and "table-header-group" in css


# --- safety --------------------------------------------------------------------------


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


def test_fetcher_serves_only_files_under_its_roots(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.png").write_bytes(b"\x89PNG")
    outside = tmp_path / "secret.txt"
    outside.write_text("no")
    (root / "link.txt").symlink_to(outside)
    fetcher = SafeFetcher([root])
    assert fetcher.fetch((root / "ok.png").as_uri()).read() == b"\x89PNG"
    for url in (
        "file:///etc/passwd",
        outside.as_uri(),
        (root / "link.txt").as_uri(),
        (root / ".." / "secret.txt").as_uri(),
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/x.png",
        "ftp://example.invalid/x",
        f"file://otherhost{root / 'ok.png'}",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"


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


# --- atomic output -------------------------------------------------------------------


def test_failed_render_leaves_the_previous_pdf_byte_for_byte(tmp_path, monkeypatch):
    template = load_template("ml2019-hw4")
    sections = make_sections(tmp_path, template)
    pdf = render(tmp_path, "ml2019-hw4", sections)
    before = pdf.read_bytes()
    html_before = pdf.with_suffix(".html").read_bytes()

    import weasyprint.document

    def boom(*args, **kwargs):
        raise RuntimeError("WeasyPrint failed")

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", boom)
    with pytest.raises(RuntimeError, match="WeasyPrint failed"):
        render(tmp_path, "ml2019-hw4", sections, notice="changed")
    assert pdf.read_bytes() == before
    assert pdf.with_suffix(".html").read_bytes() == html_before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "Report.html",
        "Report.pdf",
    ]


# --- fonts ---------------------------------------------------------------------------


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
