"""An accessible report: Report.pdf is PDF/UA-1 (tagged, its language, title and author, an
outline by question, an alt text on every figure), and `check` finds each of them missing.

Sections are made by hand (tests/helpers.py); nothing is trained."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from reportgen.errors import UserError
from reportgen.render.blocks import Figure, Section
from reportgen.render.check import check_pdf
from reportgen.render.report import render_report
from reportgen.render.unicode import squashed
from reportgen.settings.config import StudentConfig
from reportgen.settings.course import COURSES_DIR, load_template
from reportgen.words.text import language
from tests.helpers import check_report, hand_made_sections

SID = "R05942017"
STUDENT = StudentConfig(SID, "王小明", "電機三")
ALT = "兩條曲線：訓練與驗證的 loss 隨 epoch 下降"


def render(root: Path, template_id: str, student: StudentConfig = STUDENT, **kw) -> Path:
    """The template rendered from hand-made sections; q1_cnn's main figure has an alt text."""
    template = load_template(template_id)
    sections = hand_made_sections(root, template.modules())
    section, folder = sections["q1_cnn"]
    blocks = [
        dataclasses.replace(b, alt=ALT) if isinstance(b, Figure) and b.part == "main" else b
        for b in section.blocks
    ]
    sections["q1_cnn"] = (Section("q1_cnn", blocks), folder)
    output = root / "Report.pdf"
    options = {"lang": "zh", "output": output, "build_dir": root / "build", "notice": None}
    render_report(template, sections, student, **{**options, **kw})
    return output


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> Path:
    """ml2019: two parts, each with its questions."""
    return render(tmp_path_factory.mktemp("both"), "ml2019")


def outline(entries, depth: int = 0) -> list[tuple[int, str]]:
    out = []
    for entry in entries:
        if isinstance(entry, list):
            out += outline(entry, depth + 1)
        else:
            out.append((depth, entry.title))
    return out


def structure_figures(node) -> list[dict]:
    """The /Figure elements of a structure tree, in order."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        return [f for kid in node for f in structure_figures(kid)]
    if not isinstance(node, dict):
        return []
    here = [node] if node.get("/S") == "/Figure" else []
    return here + (structure_figures(node["/K"]) if "/K" in node else [])


def test_the_pdf_is_tagged_with_its_language_title_and_author(both):
    reader = PdfReader(both)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == language("zh").tag == "zh-Hant"
    assert reader.metadata.title == load_template("ml2019").title
    assert reader.metadata.author == STUDENT.name
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # it says PDF/UA-1
    assert check_report(both, load_template("ml2019"), SID) == []


def test_the_outline_is_the_parts_and_their_questions(both):
    template = load_template("ml2019")
    expected = []
    for part in template.parts:
        expected.append((0, part.title))
        expected += [(1, q.heading) for q in part.questions]
    assert [(d, squashed(t)) for d, t in outline(PdfReader(both).outline)] == [
        (d, squashed(t)) for d, t in expected
    ]


def test_one_part_has_its_questions_as_the_outline_and_no_skipped_heading(tmp_path):
    template = load_template("ml2019-hw3")
    pdf = render(tmp_path, "ml2019-hw3", StudentConfig(SID, "", ""))
    assert [(d, squashed(t)) for d, t in outline(PdfReader(pdf).outline)] == [
        (0, squashed(q.heading)) for q in template.questions()
    ]
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    assert '<h2 class="prompt" lang="zh-Hant">' in html and "<h3" not in html
    assert PdfReader(pdf).metadata.author == SID  # no name: the ID
    assert check_report(pdf, template, SID) == []


def test_every_figure_has_an_alt_text_the_caption_until_a_module_gives_one(both):
    figures = structure_figures(PdfReader(both).trailer["/Root"]["/StructTreeRoot"])
    alts = [str(f.get("/Alt", "")) for f in figures]
    assert len(figures) == 2 * len(load_template("ml2019").modules())
    assert all(alts) and alts.count(ALT) == 1
    assert "q2_dnn 的 loss 對 epoch" in alts  # no alt given: the caption
    html = both.with_suffix(".html").read_text(encoding="utf-8")
    assert f'alt="{ALT}"' in html and 'alt="q2_dnn 的圖"' in html


def edited(pdf: Path, out: Path, edit) -> Path:
    """A copy of the PDF with `edit(writer)` applied."""
    writer = PdfWriter(clone_from=str(pdf))
    edit(writer)
    writer.write(out)
    return out


def _untag(writer: PdfWriter) -> None:
    del writer.root_object[NameObject("/MarkInfo")]


def _no_lang(writer: PdfWriter) -> None:
    del writer.root_object[NameObject("/Lang")]


def _no_outline(writer: PdfWriter) -> None:
    del writer.root_object[NameObject("/Outlines")]


def _no_title(writer: PdfWriter) -> None:
    writer.add_metadata({"/Title": "", "/Author": ""})


def _first_figure_unnamed(writer: PdfWriter) -> None:
    figure = structure_figures(writer.root_object["/StructTreeRoot"])[0]
    del figure[NameObject("/Alt")]


@pytest.mark.parametrize(
    ("edit", "problems"),
    [
        (_untag, ["not a tagged PDF"]),
        (_no_lang, ["does not say its language"]),
        (_no_outline, ["no outline (bookmarks)"]),
        (_no_title, ["the PDF's title (metadata) is ''", "names no author"]),
        (_first_figure_unnamed, ["1 figure(s) without an alt text"]),
    ],
    ids=["untagged", "no-lang", "no-outline", "no-title", "figure-without-alt"],
)
def test_check_finds_what_is_missing(both, tmp_path, edit, problems):
    found = check_report(edited(both, tmp_path / "x.pdf", edit), load_template("ml2019"), SID)
    assert len(found) == len(problems), found
    for problem, expected in zip(found, problems, strict=True):
        assert expected in problem


def _rename_last_bookmark(writer: PdfWriter) -> None:
    """The last part's last question (/Outlines /Last /Last) renamed."""
    last = writer.root_object["/Outlines"]["/Last"].get_object()["/Last"].get_object()
    last[NameObject("/Title")] = TextStringObject("renamed")


def test_a_missing_bookmark_names_its_question(both, tmp_path):
    renamed = edited(both, tmp_path / "x.pdf", _rename_last_bookmark)
    assert check_report(renamed, load_template("ml2019"), SID) == [
        "no bookmark for Machine Learning - Homework 4 Report, question 4"
    ]


def _template_with(tmp_path: Path, line: str) -> Path:
    """ml2019-hw3 with a line put before its first."""
    text = (COURSES_DIR / "ml2019-hw3.toml").read_text(encoding="utf-8")
    path = tmp_path / "limited.toml"
    path.write_text(f"{line}\n{text}", encoding="utf-8")
    return path


def test_the_page_count_is_checked_against_the_templates_limit(tmp_path):
    pdf = render(tmp_path / "r", "ml2019-hw3")
    pages = len(PdfReader(pdf).pages)
    over = load_template(str(_template_with(tmp_path, f"page_limit = {pages - 1}")))
    assert over.page_limit == pages - 1
    result = check_pdf(pdf, over, SID)
    assert result.problems == [f"{pages} pages, over the template's limit of {pages - 1}"]
    assert result.pages == pages
    within = load_template(str(_template_with(tmp_path, f"page_limit = {pages}")))
    assert check_report(pdf, within, SID) == []
    assert load_template("ml2019-hw3").page_limit is None


@pytest.mark.parametrize("value", ["0", "-3", '"10"', "2.5", "true"])
def test_a_wrong_page_limit_is_a_one_line_error(tmp_path, value):
    with pytest.raises(UserError, match=r"^limited.toml: page_limit must be a whole number"):
        load_template(str(_template_with(tmp_path, f"page_limit = {value}")))
