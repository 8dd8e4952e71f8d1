"""The whole build through the CLI (tiny profile, synthetic data, the ml2019-hw3 template):
`check` passes on what `build` wrote, `run q3` recomputes q3 alone, a section never built is
a placeholder that `check` refuses, and a module that raises leaves Report.pdf as it was.

The runs come from the tests' shared tiny project (trained once per session)."""

from __future__ import annotations

import pytest

from reportgen import questions
from reportgen.cli.main import main
from tests.helpers import pdf_text, share_runs

FLAGS = ["--student-id", "R05942017", "--profile", "tiny", "--template", "ml2019-hw3", "--quiet"]
MODULES = ("q1_cnn", "q2_dnn", "q3_augmentation", "q4_confusion")


@pytest.fixture
def project(project, tiny_project):
    return share_runs(project, tiny_project)


def section_files(root):
    """module -> its cached section.json (one per module after a build)."""
    out = {}
    for module in MODULES:
        found = list((root / "build" / "sections" / module).glob("*/section.json"))
        assert len(found) == 1, module
        out[module] = found[0]
    return out


def test_build_check_then_run_q3_recomputes_q3_alone(project, capsys):
    assert main(["build", *FLAGS]) == 0
    pdf = project / "Report.pdf"
    assert (project / "Report.html").is_file()
    assert main(["check", str(pdf), *FLAGS]) == 0
    before = {m: p.stat().st_mtime_ns for m, p in section_files(project).items()}

    assert main(["run", "q3", *FLAGS]) == 0
    after = {m: p.stat().st_mtime_ns for m, p in section_files(project).items()}
    assert after["q3_augmentation"] != before["q3_augmentation"]
    assert {m: t for m, t in after.items() if m != "q3_augmentation"} == {
        m: t for m, t in before.items() if m != "q3_augmentation"
    }
    assert main(["check", str(pdf), *FLAGS]) == 0


def test_a_section_never_built_is_a_placeholder_that_check_refuses(project, capsys):
    assert main(["run", "q1", *FLAGS]) == 0
    pdf = project / "Report.pdf"
    text = pdf_text(pdf)
    for module in ("q2", "q3", "q4"):
        assert f"reportgen run {module}" in text
    capsys.readouterr()
    assert main(["check", str(pdf), *FLAGS]) == 1
    assert "placeholder" in capsys.readouterr().err


def test_a_module_that_raises_leaves_the_last_report_byte_for_byte(project, monkeypatch, capsys):
    assert main(["build", *FLAGS]) == 0
    pdf = project / "Report.pdf"
    good = pdf.read_bytes()

    def broken(ctx):
        raise RuntimeError("q4 broke")

    monkeypatch.setattr(questions.load("q4"), "measure", broken)
    assert main(["run", "q4", *FLAGS]) == 1
    assert "q4 broke" in capsys.readouterr().err
    assert pdf.read_bytes() == good
    assert not list(project.glob(".*.tmp"))
