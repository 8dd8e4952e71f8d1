"""Is a Report.pdf there and whole? What `reportgen check` (and CI) runs.

Read back with pypdf: the title, the student ID (the configured one, else the one on the
report's 學號 line, said back to the user), every question's number, points and
prompt as the course template words them (compared with whitespace removed; full-width
punctuation must stay full-width), in order, no section left as a placeholder, and every
character drawn with a real glyph of an embedded font (a CJK one among them): WeasyPrint
keeps the text of a character it had no glyph for, so the text alone cannot show boxes.

And what can be read back of PDF/UA (the structural check: no validator such as veraPDF
is installable from PyPI or Debian): the PDF is tagged (/MarkInfo /Marked true and a
structure tree), says its language (/Lang), has the template's title and an author in its
metadata, a bookmark for every question, and an alt text (/Alt) on every figure of its
structure tree. Its pages are counted against the template's page_limit, where it has one.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.render.blocks import placeholder
from reportgen.render.unicode import squashed
from reportgen.settings.course import CourseTemplate, Question
from reportgen.store.files import quiet_logger
from reportgen.words.text import languages, words

_CMAP_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)
_HEX = rb"<([0-9A-Fa-f]*)>"
_BFCHAR = re.compile(_HEX + rb"\s*" + _HEX)
_BFRANGE = re.compile(_HEX + rb"\s*" + _HEX + rb"\s*(" + _HEX + rb"|\[[^\]]*\])")


@dataclass
class FontInfo:
    name: str  # BaseFont without the subset tag
    family: str  # from the embedded program's name table, if readable
    embedded: bool
    glyphs: int | None  # glyphs in the embedded program; None if unknown
    to_unicode: dict[int, str] = field(default_factory=dict)

    def missing(self) -> set[str]:
        """Characters the PDF claims to draw with a glyph this font does not have."""
        if self.glyphs is None and self.embedded:
            return set()
        out: set[str] = set()
        for gid, text in self.to_unicode.items():
            if gid == 0 or self.glyphs is None or gid >= self.glyphs:
                out.update(c for c in text if c.isprintable() and not c.isspace())
        return out

    def drawable(self) -> set[str]:
        if self.glyphs is None:
            return set()
        return {c for gid, text in self.to_unicode.items() if 0 < gid < self.glyphs for c in text}


@dataclass(frozen=True)
class CheckResult:
    problems: list[str]
    student_id: str  # the ID looked for: the configured one, else the report's own
    id_from_report: bool  # no ID was configured: student_id was read from the report
    pages: int = 0  # the PDF's page count (0: not read)


def check_pdf(pdf: Path, template: CourseTemplate, student_id: str) -> CheckResult:
    """Problems found in the PDF (none: it is whole), the student ID checked and where it
    came from. An empty student_id means: whatever ID the report's student line has (one
    must be there)."""
    pdf = Path(pdf)
    sid = student_id.strip().upper()
    if not pdf.is_file():
        return CheckResult([f"{pdf}: no such file"], sid, False)
    try:
        with quiet_logger("pypdf", logging.CRITICAL):
            from pypdf import PdfReader

            reader = PdfReader(pdf)
            pages = list(reader.pages)
            if not pages:
                return CheckResult([f"{pdf.name}: the PDF has no pages"], sid, False)
            texts = [page.extract_text() or "" for page in pages]
    except Exception as exc:  # any parse failure means the file is not a usable PDF
        problem = f"{pdf.name}: not a readable PDF ({type(exc).__name__}: {exc})"
        return CheckResult([problem], sid, False)

    text = squashed("\n".join(texts))
    from_report = not sid
    if from_report:
        sid = student_id_in(text) or ""
    problems: list[str] = []
    problems += _check_header(text, template, sid)
    problems += _check_questions(text, template)
    problems += _check_placeholders(text)
    shown = [q for q in template.questions() if squashed(q.heading) in text]
    problems += _check_fonts(pages, {c for q in shown for c in q.prompt if _is_cjk(c)})
    problems += _check_accessible(reader, template, shown)
    problems += _check_pages(len(pages), template)
    return CheckResult(problems, sid, from_report, len(pages))


def student_id_in(text: str) -> str | None:
    """The ID on the report's student line (學號：R05942017), in squashed text."""
    found = _id_line().search(text)
    return found[1].upper() if found else None


def _id_line() -> re.Pattern[str]:
    """The student line's ID label of any language (document.student_id of its words.toml),
    the ID, then what follows it there (the department's label, or no letter or digit); a
    label's colon may come out of the PDF half- or full-width."""
    catalogs = [words(lang)["document"] for lang in languages()]
    ids, after = (
        "|".join(sorted({re.escape(squashed(c[key]).rstrip(":：")) for c in catalogs}))
        for key in ("student_id", "department")
    )
    return re.compile(rf"(?:{ids})[:：]?([A-Za-z][A-Za-z0-9]{{8}})(?=(?:{after})|[^A-Za-z0-9]|$)")


def _check_header(text: str, template: CourseTemplate, student_id: str) -> list[str]:
    problems = []
    if squashed(template.title) not in text:
        problems.append(f"the title {template.title!r} is missing")
    if len(template.parts) > 1:
        for part in template.parts:
            if squashed(part.title) not in text:
                problems.append(f"the part title {part.title!r} is missing")
    sid = student_id.strip().upper()
    if not sid:
        problems.append(
            "no student ID on the report's student line (and none configured: --student-id or "
            "student.id in reportgen.toml)"
        )
    elif sid not in text.upper():
        problems.append(f"the student ID {sid} is not in the report")
    return problems


def _label(question: Question) -> str:
    where = f"{question.part_title}, " if question.part_title else ""
    return f"{where}question {question.number}"


def _check_questions(text: str, template: CourseTemplate) -> list[str]:
    problems = []
    position = 0
    for question in template.questions():
        heading = squashed(question.heading)
        found = text.find(heading, position)
        if found >= 0:
            position = found + len(heading)
            continue
        prompt = squashed(question.prompt)
        short = question.prompt[:24] + ("…" if len(question.prompt) > 24 else "")
        if heading in text:
            problems.append(f"{_label(question)} is out of the template's order")
        elif prompt in text:
            problems.append(
                f"{_label(question)}: the prompt is there but not numbered "
                f"'{question.number}. ({question.points})' as the template has it"
            )
        else:
            problems.append(f"{_label(question)} is missing or altered: {short}")
    return problems


def placeholder_marker() -> str:
    """The words every placeholder section starts with, squashed ("Thissectionhas…Run")."""
    command = "\x00"
    first = placeholder("q0_none", command, languages()[0]).blocks[0]
    markdown = first.markdown  # type: ignore[union-attr]
    before = markdown.split(command)[0]
    return squashed(re.sub(r"[*_`\[\]]", "", before))


def _check_placeholders(text: str) -> list[str]:
    marker = placeholder_marker()
    if not marker or marker not in text:
        return []
    commands = re.findall(re.escape(marker) + r"reportgenrun(q\d+)", text)
    if commands:
        runs = ", ".join(f"reportgen run {c}" for c in dict.fromkeys(commands))
        return [f"sections not built yet (placeholders in the report): {runs}"]
    return ["a section is still a placeholder (not built yet)"]


def _check_fonts(pages: list[Any], wanted: set[str]) -> list[str]:
    """Fonts embedded, a CJK one among them, no character without a glyph, and every
    character in `wanted` drawable."""
    fonts = list(_fonts(pages))
    problems = []
    if not any("cjk" in f"{f.name} {f.family}".lower() and f.embedded for f in fonts):
        names = ", ".join(sorted({f.name for f in fonts})) or "none"
        problems.append(f"no embedded CJK font (fonts: {names})")
    for font in fonts:
        if not font.embedded:
            problems.append(f"font {font.name} is not embedded")
    missing = set().union(*(f.missing() for f in fonts)) if fonts else set()
    if missing:
        problems.append(f"characters drawn without a glyph (boxes): {''.join(sorted(missing))}")
    drawable = set().union(*(f.drawable() for f in fonts)) if fonts else set()
    lacking = wanted - drawable - missing
    known = fonts and all(f.glyphs is not None for f in fonts if f.embedded)
    if known and lacking:
        problems.append(
            f"prompt characters with no glyph in any embedded font: {''.join(sorted(lacking))}"
        )
    return problems


def _check_pages(count: int, template: CourseTemplate) -> list[str]:
    limit = template.page_limit
    if limit is not None and count > limit:
        return [f"{count} pages, over the template's limit of {limit}"]
    return []


def _check_accessible(reader: Any, template: CourseTemplate, shown: list[Question]) -> list[str]:
    """What PDF/UA asks that can be read back: tagged, its language, title and author, a
    bookmark for each question shown, an alt text on every figure."""
    try:
        with quiet_logger("pypdf", logging.CRITICAL):
            root = _resolve(reader.trailer["/Root"])
            tree = _resolve(root.get("/StructTreeRoot"))
            problems = _check_tagged(root, tree)
            problems += _check_metadata(reader.metadata, template)
            problems += _check_outline(list(_outline_titles(reader.outline)), shown)
            unnamed = _figures_without_alt(tree) if tree is not None else 0
    except Exception as exc:  # a broken catalog or structure tree
        return [f"the PDF's structure is not readable ({type(exc).__name__}: {exc})"]
    if unnamed:
        problems.append(
            f"{unnamed} figure(s) without an alt text (/Alt) in the structure tree "
            "(an image in Markdown takes it between its brackets: ![what it shows](file.png))"
        )
    return problems


def _check_tagged(root: Any, tree: Any) -> list[str]:
    problems = []
    marked = (_resolve(root.get("/MarkInfo")) or {}).get("/Marked")
    if getattr(marked, "value", marked) is not True or tree is None:
        problems.append(
            "not a tagged PDF (no /MarkInfo /Marked true or no structure tree): "
            "not readable aloud (PDF/UA)"
        )
    if not str(_resolve(root.get("/Lang")) or "").strip():
        problems.append("the PDF does not say its language (no /Lang)")
    return problems


def _check_metadata(info: Any, template: CourseTemplate) -> list[str]:
    """The title (the template's) and an author in the document information; info None:
    the PDF has none."""
    problems = []
    title = str(info.title or "") if info is not None else ""
    if squashed(title) != squashed(template.title):
        problems.append(f"the PDF's title (metadata) is {title!r}, not {template.title!r}")
    if info is None or not str(info.author or "").strip():
        problems.append("the PDF names no author (the student) in its metadata")
    return problems


def _outline_titles(outline: Any) -> Iterator[str]:
    for entry in outline:
        if isinstance(entry, list):
            yield from _outline_titles(entry)
        else:
            yield str(entry.title or "")


def _check_outline(titles: list[str], shown: list[Question]) -> list[str]:
    """A bookmark for every question the report shows (one missing is found by its text)."""
    if not titles:
        return ["the PDF has no outline (bookmarks)"]
    marks = {squashed(t) for t in titles}
    return [f"no bookmark for {_label(q)}" for q in shown if squashed(q.heading) not in marks]


def _figures_without_alt(tree: Any) -> int:
    """The /Figure elements of the structure tree without an /Alt text."""
    count = 0
    todo, seen = [tree], set()
    while todo:
        ref = todo.pop()
        key = getattr(ref, "idnum", None)
        if key is not None and key in seen:
            continue
        seen.add(key)
        node = _resolve(ref)
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and not str(node.get("/Alt") or "").strip():
                count += 1
            if "/K" in node:
                todo.append(node["/K"])
    return count


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F") and not char.isspace()


def _fonts(pages: list[Any]) -> Iterator[FontInfo]:
    seen: set[Any] = set()
    for page in pages:
        yield from _resource_fonts(page.get("/Resources"), seen)


def _resource_fonts(resources: Any, seen: set[Any]) -> Iterator[FontInfo]:
    resources = _resolve(resources)
    if not resources:
        return
    for ref in (_resolve(resources.get("/Font")) or {}).values():
        key = getattr(ref, "idnum", None) or id(ref)
        if key in seen:
            continue
        seen.add(key)
        info = _font_info(_resolve(ref))
        if info is not None:
            yield info
    for ref in (_resolve(resources.get("/XObject")) or {}).values():
        key = ("x", getattr(ref, "idnum", None) or id(ref))
        if key in seen:
            continue
        seen.add(key)
        xobject = _resolve(ref)
        if xobject.get("/Subtype") == "/Form":
            yield from _resource_fonts(xobject.get("/Resources"), seen)


def _font_info(font: Any) -> FontInfo | None:
    if font.get("/Subtype") == "/Type3":
        return None  # drawn with PDF operators (bitmap fonts): nothing to embed
    base = str(font.get("/BaseFont", "")).lstrip("/")
    name = base.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", base) else base
    descriptor_owner = font
    if font.get("/Subtype") == "/Type0":
        descendants = _resolve(font.get("/DescendantFonts")) or []
        descriptor_owner = _resolve(descendants[0]) if descendants else font
    descriptor = _resolve(descriptor_owner.get("/FontDescriptor")) or {}
    program = None
    for key in ("/FontFile3", "/FontFile2", "/FontFile"):
        if key in descriptor:
            program = _resolve(descriptor[key])
            break
    family, glyphs = "", None
    if program is not None:
        family, glyphs = _program_facts(program.get_data())
    to_unicode = {}
    if "/ToUnicode" in font:
        to_unicode = _parse_to_unicode(_resolve(font["/ToUnicode"]).get_data())
    return FontInfo(name, family, program is not None, glyphs, to_unicode)


def _program_facts(data: bytes) -> tuple[str, int | None]:
    """(family name, number of glyphs) of an embedded font program, if fontTools reads it."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        family = (font["name"].getDebugName(1) or "") if "name" in font else ""
        return family, int(font["maxp"].numGlyphs)
    except Exception:
        pass
    try:  # a bare CFF program (FontFile3 /CIDFontType0C): codes are CIDs, not glyph ids
        from fontTools.cffLib import CFFFontSet

        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        return cff.fontNames[0], None
    except Exception:
        return "", None


def _parse_to_unicode(data: bytes) -> dict[int, str]:
    """glyph id -> text, from a ToUnicode CMap (bfchar and bfrange sections)."""
    out: dict[int, str] = {}
    for kind, body in _CMAP_SECTION.findall(data):
        if kind == b"bfchar":
            for src, dst in _BFCHAR.findall(body):
                out[int(src or b"0", 16)] = _utf16(dst)
            continue
        for match in _BFRANGE.finditer(body):
            low, high = int(match[1] or b"0", 16), int(match[2] or b"0", 16)
            if high - low > 0xFFFF:
                continue
            if match[3].startswith(b"["):
                targets = re.findall(_HEX, match[3])
                for offset, dst in enumerate(targets[: high - low + 1]):
                    out[low + offset] = _utf16(dst)
            else:
                start = _utf16(match[4])
                for offset in range(high - low + 1):
                    last = ord(start[-1]) + offset if start else -1
                    out[low + offset] = start[:-1] + chr(last) if 0 <= last <= 0x10FFFF else ""
    return out


def _utf16(hexdigits: bytes) -> str:
    try:
        return bytes.fromhex(hexdigits.decode()).decode("utf-16-be", errors="replace")
    except ValueError:
        return ""


def _resolve(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value
