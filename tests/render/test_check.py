"""check_pdf: a whole report passes; truncated, foreign, unfinished or boxed ones fail."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reportgen import TEMPLATES_DIR
from reportgen.render.check import _parse_to_unicode, check_pdf, placeholder_marker
from reportgen.render.report import render_report
from reportgen.render.unicode import fold_ideographs, squashed
from reportgen.settings.config import StudentConfig
from reportgen.settings.course import CourseTemplate, load_template
from tests.helpers import check_report, hand_made_sections

SID = "B06902049"


def sections_for(root: Path, template: CourseTemplate, skip=(), extra: str = "") -> dict:
    return hand_made_sections(root, template.modules(), skip, extra)


def build(root: Path, template_id: str, sid: str = SID, **kwargs) -> Path:
    template = load_template(template_id)
    sections = sections_for(root, template, **kwargs)
    output = root / "Report.pdf"
    render_report(
        template,
        sections,
        StudentConfig(sid, "陳同學", "資工三"),
        lang="zh",
        output=output,
        build_dir=root / "build",
        notice=None,
    )
    return output


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("good"), "ml2019-hw3")


def test_a_whole_report_passes(good):
    assert check_report(good, load_template("ml2019-hw3"), SID) == []


def test_a_truncated_copy_fails(good, tmp_path):
    data = good.read_bytes()
    for size in (len(data) // 2, 2000):
        cut = tmp_path / f"cut{size}.pdf"
        cut.write_bytes(data[:size])
        assert check_report(cut, load_template("ml2019-hw3"), SID)


def test_a_pdf_of_another_template_fails(tmp_path):
    other = build(tmp_path, "ml2018-hw3")
    problems = check_report(other, load_template("ml2019-hw3"), SID)
    assert any("question 1" in p for p in problems), problems
    assert any("question 4" in p for p in problems), problems


def test_a_placeholder_section_fails(tmp_path):
    pdf = build(tmp_path, "ml2019-hw3", skip=("q3_augmentation",))
    problems = check_report(pdf, load_template("ml2019-hw3"), SID)
    assert problems == ["sections not built yet (placeholders in the report): reportgen run q3"]


def test_another_student_id_fails(good):
    problems = check_report(good, load_template("ml2019-hw3"), "R05942017")
    assert problems == ["the student ID R05942017 is not in the report"]


def test_without_a_configured_id_the_reports_own_is_read_and_named(good):
    result = check_pdf(good, load_template("ml2019-hw3"), "")
    assert result.problems == []
    assert (result.student_id, result.id_from_report) == (SID, True)


def test_a_report_without_an_id_line_fails_when_none_is_configured(tmp_path):
    problems = check_report(build(tmp_path, "ml2019-hw3", sid=""), load_template("ml2019-hw3"), "")
    assert any("no student ID on the report" in p for p in problems), problems


def test_the_cli_looks_at_the_file_before_asking_for_an_id(good, tmp_path, monkeypatch, capsys):
    from reportgen.cli.main import main

    monkeypatch.chdir(tmp_path)  # no reportgen.toml: no student ID configured
    (tmp_path / "notapdf.pdf").write_text("hello")
    assert main(["check", "missing.pdf", "--template", "ml2019-hw3"]) == 1
    assert capsys.readouterr().err.strip() == "missing.pdf: no such file"
    assert main(["check", "notapdf.pdf", "--template", "ml2019-hw3"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("notapdf.pdf: not a readable PDF"), err
    assert main(["check", str(good), "--template", "ml2019-hw3"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        rf"{re.escape(str(good))}: OK \(\d+ pages, tagged PDF/UA-1, student ID {SID}, read from the report\)",
        out.strip(),
    )


def test_not_a_pdf_and_no_file(tmp_path):
    text = tmp_path / "Report.pdf"
    text.write_text("not a pdf")
    assert "not a readable PDF" in check_report(text, load_template("ml2019"), SID)[0]
    assert "no such file" in check_report(tmp_path / "none.pdf", load_template("ml2019"), SID)[0]


def test_renumbered_question_is_named(good, tmp_path):
    import tomllib

    raw = tomllib.loads((TEMPLATES_DIR / "courses" / "ml2019-hw3.toml").read_text("utf-8"))
    q = raw["questions"][2]
    renumbered = tmp_path / "renumbered.toml"
    renumbered.write_text(
        f'title = "{raw["title"]}"\n[[questions]]\nnumber = "5"\npoints = "{q["points"]}"\n'
        f'prompt = "{q["prompt"]}"\nanswers = ["q3_augmentation"]\n',
        encoding="utf-8",
    )
    problems = check_report(good, load_template(str(renumbered)), SID)
    assert problems == [
        "question 5: the prompt is there but not numbered '5. (1%)' as the template has it"
    ]


def test_a_character_without_glyph_is_caught(tmp_path):
    # U+13000 (an Egyptian hieroglyph) is in neither Noto Sans CJK nor the system fonts:
    # WeasyPrint draws a box but keeps the character in the text layer.
    pdf = build(tmp_path, "ml2019-hw3", extra="\U00013000")
    problems = check_report(pdf, load_template("ml2019-hw3"), SID)
    if not any("without a glyph" in p for p in problems):
        if shutil.which("fc-list"):  # a system font had it after all: nothing to catch
            import subprocess

            fonts = subprocess.run(
                ["fc-list", ":charset=13000"], capture_output=True, text=True
            ).stdout
            if fonts.strip():
                pytest.skip("a system font covers U+13000")
        pytest.fail(f"box not detected: {problems}")


def test_to_unicode_parser_reads_bfchar_and_bfrange():
    cmap = (
        b"2 beginbfchar\n<0003> <0020>\n<0010> <8acb>\nendbfchar\n"
        b"1 beginbfrange\n<0020> <0022> <0041>\nendbfrange\n"
        b"1 beginbfrange\n<0030> <0031> [<4e00> <4e8c>]\nendbfrange\n"
    )
    assert _parse_to_unicode(cmap) == {
        3: " ",
        0x10: "請",
        0x20: "A",
        0x21: "B",
        0x22: "C",
        0x30: "一",
        0x31: "二",
    }


def test_folding_and_marker():
    assert fold_ideographs("⽤⼀個，？") == "用一個，？"  # Kangxi radicals folded, punctuation kept
    assert squashed(" 1. (2%)\n請 說明 ") == "1.(2%)請說明"
    assert placeholder_marker() == "reportgen:"  # what every language's placeholder starts with
