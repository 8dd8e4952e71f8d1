"""reportgen/store/outputs.py: a failed render leaves the previous Report.pdf byte for byte (the
atomic helpers of reportgen/store/files.py)."""

from __future__ import annotations

import pytest

from reportgen.settings.course import load_template
from tests.hand_made_report import make_sections, render


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
