"""Report.pdf and its Report.html preview from a course template and the sections.

The PDF is written to a temporary file beside the output and renamed over it only when
WeasyPrint has finished, so a failed render leaves the last good Report.pdf as it was. It is
a PDF/UA-1 document: tagged, with its language, title and author, an outline by question,
and every figure's alt text (what `reportgen check` reads back).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from pathlib import Path

from reportgen import TEMPLATES_DIR
from reportgen.errors import UserError
from reportgen.render import fonts
from reportgen.render.blocks import Section
from reportgen.render.document import Document, build_document
from reportgen.render.fetcher import SafeFetcher
from reportgen.render.html import Target, render_html
from reportgen.render.native import load_weasyprint
from reportgen.settings.config import StudentConfig
from reportgen.settings.course import CourseTemplate
from reportgen.store.files import quiet_logger
from reportgen.store.outputs import write_pdf as write_pdf_file
from reportgen.store.outputs import write_preview
from reportgen.store.paths import font_folder

log = logging.getLogger(__name__)
PDF_VARIANT = "pdf/ua-1"  # WeasyPrint's: tagged, with the metadata PDF/UA asks for


def render_report(
    template: CourseTemplate,
    sections: Mapping[str, tuple[Section, Path]],
    student: StudentConfig,
    *,
    lang: str,
    output: Path,
    build_dir: Path,
    notice: str | None,
    answers_dir: Path | None = None,
) -> None:
    """Write `output` (the PDF) and the .html preview beside it.

    sections: module -> (section, the folder of its figure files); a module without one
    shows a placeholder naming `reportgen run qN`. answers_dir (default: build_dir's
    sibling answers/) is where relative images in a student's Markdown may also live.
    """
    output = Path(output)
    build_dir = Path(build_dir)
    answers_dir = Path(answers_dir) if answers_dir is not None else build_dir.parent / "answers"
    doc = build_document(template, sections, student, lang=lang, notice=notice)
    font_dir = font_folder(build_dir)
    faces, full_fonts = prepare_fonts(doc, font_dir, answers_dir)
    pdf_html = render_html(doc, faces, Target(), answers_dir=answers_dir)
    roots = [TEMPLATES_DIR, build_dir, font_dir, answers_dir, *doc.folders()]
    write_pdf(pdf_html, output, SafeFetcher(roots), full_fonts=full_fonts)
    preview = render_html(doc, faces, Target(output.parent), answers_dir=answers_dir)
    write_preview(output, preview)


def prepare_fonts(
    doc: Document, font_dir: Path, answers_dir: Path | None = None
) -> tuple[list[fonts.FontFace], bool]:
    """The subset fonts for the document's characters, and whether the PDF may embed fonts
    as they are (True: every character is in them; WeasyPrint's own subsetting, slow
    without libharfbuzz-subset, is skipped)."""
    text = render_html(doc, [], Target(), answers_dir=answers_dir)
    chars = fonts.document_chars(html.unescape(text))
    faces = fonts.subset_faces(chars, font_dir, doc.lang)
    sans = fonts.cjk_sources(doc.lang)[fonts.SANS]
    visible = {c for c in chars if not c.isspace()}
    missing = visible - fonts.covered(sans, visible)
    if missing:
        log.info("characters not in %s: %s", sans.family, "".join(sorted(missing)))
    return faces, not missing


def write_pdf(page: str, output: Path, fetcher: SafeFetcher, *, full_fonts: bool) -> None:
    """WeasyPrint to a temporary file in output's folder, then renamed over output."""
    weasyprint = load_weasyprint()

    def draw(tmp: Path) -> None:
        with quiet_logger("weasyprint"):
            document = weasyprint.HTML(
                string=page, base_url=str(output.parent), url_fetcher=fetcher
            ).render()
            document.write_pdf(tmp, full_fonts=full_fonts, hinting=False, pdf_variant=PDF_VARIANT)

    try:
        write_pdf_file(output, draw)
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    if fetcher.refused:
        log.warning(
            "left out of the report (not a file of the project): %s", ", ".join(fetcher.refused)
        )
