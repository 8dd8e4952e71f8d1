"""Report.pdf and its Report.html preview from a course template and the sections.

The PDF is written to a temporary file beside the output and renamed over it only when
WeasyPrint has finished, so a failed render leaves the last good Report.pdf as it was.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from reportgen import PROJECT_ROOT
from reportgen.config import StudentConfig
from reportgen.errors import UserError
from reportgen.render import fonts
from reportgen.render.course import CourseTemplate
from reportgen.render.document import Document, build_document
from reportgen.render.fetcher import SafeFetcher
from reportgen.render.html import Target, render_html
from reportgen.sections import Section

log = logging.getLogger(__name__)


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
    font_dir = build_dir / "fonts"
    faces, full_fonts = prepare_fonts(doc, font_dir, answers_dir)
    pdf_html = render_html(doc, faces, Target(), answers_dir=answers_dir)
    roots = [PROJECT_ROOT, build_dir, font_dir, answers_dir, *doc.folders()]
    write_pdf(pdf_html, output, SafeFetcher(roots), full_fonts=full_fonts)
    preview = render_html(doc, faces, Target(output.parent), answers_dir=answers_dir)
    _write_atomic(output.with_suffix(".html"), preview.encode("utf-8"))


def prepare_fonts(
    doc: Document, font_dir: Path, answers_dir: Path | None = None
) -> tuple[list[fonts.FontFace], bool]:
    """The subset fonts for the document's characters, and whether the PDF may embed fonts
    as they are (True: every character is in them; WeasyPrint's own subsetting, slow
    without libharfbuzz-subset, is skipped)."""
    text = render_html(doc, [], Target(), answers_dir=answers_dir)
    chars = fonts.document_chars(html.unescape(text))
    faces = fonts.subset_faces(chars, font_dir)
    sans = fonts.cjk_sources()[fonts.SANS]
    visible = {c for c in chars if not c.isspace()}
    missing = visible - fonts.covered(sans, visible)
    if missing:
        log.info("characters not in %s: %s", sans.family, "".join(sorted(missing)))
    return faces, not missing


def write_pdf(page: str, output: Path, fetcher: SafeFetcher, *, full_fonts: bool) -> None:
    """WeasyPrint to a temporary file in output's folder, then renamed over output."""
    import weasyprint

    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{output.stem}-", suffix=".pdf.tmp", dir=output.parent
        )
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, _file_mode(output))
    try:
        with _weasyprint_quiet():
            document = weasyprint.HTML(
                string=page, base_url=str(output.parent), url_fetcher=fetcher
            ).render()
            document.write_pdf(tmp, full_fonts=full_fonts, hinting=False)
        try:
            os.replace(tmp, output)
        except OSError as exc:
            raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    if fetcher.refused:
        log.warning(
            "left out of the report (not a file of the project): %s", ", ".join(fetcher.refused)
        )


@contextlib.contextmanager
def _weasyprint_quiet() -> Iterator[None]:
    """WeasyPrint warns for each refused image and each font fallback; we report those
    ourselves, once."""
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _file_mode(target: Path) -> int:
    """The mode the file keeps (or gets, under the umask): mkstemp's 0600 would hide it."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=target.parent)
    os.chmod(tmp, _file_mode(target))
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
