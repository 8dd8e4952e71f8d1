"""reportgen/render/report.py: the HTML/PDF report rendered whole from hand-made sections (tiny
matplotlib figures; nothing is trained): the blocks of reportgen/render/blocks.py laid out by
reportgen/render/document.py and reportgen/render/html.py; fonts, parts, placeholders, tables
and figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen import TEMPLATES_DIR
from reportgen.render import fonts
from reportgen.render.check import _fonts
from reportgen.render.unicode import squashed
from reportgen.settings.course import load_template
from tests.hand_made_report import TEMPLATES, make_sections, render
from tests.helpers import check_report, pdf_text


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """Each template rendered once for the tests of this module."""
    out = {}
    for template_id in TEMPLATES:
        root = tmp_path_factory.mktemp(template_id)
        out[template_id] = render(root, template_id)
    return out


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
