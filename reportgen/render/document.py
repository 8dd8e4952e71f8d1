"""What the report shows, before any HTML: the course template's questions, each with the
answer blocks the sections give it, figures numbered, placeholders for missing modules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reportgen.render.blocks import Block, Figure, Section, Table, Text, placeholder
from reportgen.render.unicode import fold_ideographs as fold
from reportgen.settings.config import StudentConfig
from reportgen.settings.course import CourseTemplate, Question, split_ref
from reportgen.words.text import language, words

_WIDTH = re.compile(r"^\d{1,3}(\.\d+)?(%|px|cm|mm|em)$")
_NUMERIC = re.compile(r"^[-+−]?[\d,]*\.?\d+(e[-+]?\d+)?\s*%?$", re.IGNORECASE)


def run_command(module: str) -> str:
    """The command that fills a module's section: `reportgen run q3`."""
    return f"reportgen run {module.split('_', 1)[0]}"


@dataclass(frozen=True)
class TextItem:
    markdown: str
    folder: Path | None  # where its relative images live (the section's folder)
    placeholder: bool
    kind: str = "text"


@dataclass(frozen=True)
class TableItem:
    label: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[tuple[str, bool], ...], ...]  # (cell, is it a number)
    totals: tuple[tuple[tuple[str, bool], ...], ...]
    kind: str = "table"


@dataclass(frozen=True)
class FigureItem:
    label: str
    caption: str
    alt: str  # the image's text for a reader who cannot see it
    path: Path | None  # None: the file is missing or not a bare name in its folder
    file: str
    width: str
    kind: str = "figure"


Item = TextItem | TableItem | FigureItem


@dataclass(frozen=True)
class QuestionItem:
    question: Question
    anchor: str
    items: tuple[Item, ...]
    collaborators: str | None  # None: the template has no collaborators line here


@dataclass(frozen=True)
class PartItem:
    title: str | None  # shown only when the document has several parts
    questions: tuple[QuestionItem, ...]


@dataclass(frozen=True)
class Document:
    title: str
    lang: str
    labels: Mapping[str, str]
    student: StudentConfig
    notice: str | None
    parts: tuple[PartItem, ...]
    tag: str  # the language's tag (language.toml): the HTML's lang, the PDF's /Lang
    course_tag: str  # the tag of the course's own words: the prompts, the student line
    author: str  # the PDF's author: the student's name, else the ID

    def folders(self) -> set[Path]:
        out: set[Path] = set()
        for part in self.parts:
            for q in part.questions:
                for item in q.items:
                    if isinstance(item, TextItem) and item.folder is not None:
                        out.add(item.folder)
                    elif isinstance(item, FigureItem) and item.path is not None:
                        out.add(item.path.parent)
        return out


def build_document(
    template: CourseTemplate,
    sections: Mapping[str, tuple[Section, Path]],
    student: StudentConfig,
    *,
    lang: str,
    notice: str | None,
) -> Document:
    labels = words(lang)["document"]
    counters = {"figure": 0, "table": 0}
    several = len(template.parts) > 1
    parts = []
    for p_index, part in enumerate(template.parts, start=1):
        questions = tuple(
            _question_item(q, p_index, sections, labels, counters, lang) for q in part.questions
        )
        parts.append(PartItem(part.title if several else None, questions))
    notice = fold(notice) if notice is not None else None
    declared = language(lang)
    return Document(
        template.title,
        lang,
        labels,
        student,
        notice,
        tuple(parts),
        tag=declared.tag,
        course_tag=declared.course_tag,
        author=(student.name or student.id).strip(),
    )


def _question_item(
    question: Question,
    p_index: int,
    sections: Mapping[str, tuple[Section, Path]],
    labels: Mapping[str, str],
    counters: dict[str, int],
    lang: str,
) -> QuestionItem:
    """One question: the blocks of the sections that answer it, numbered in document order,
    and their collaborators once each; a module without a section, its placeholder."""
    items: list[Item] = []
    collaborators: list[str] = []
    for ref in question.answers:
        module, part_name = split_ref(ref)
        found = sections.get(module)
        section, folder = found or (placeholder(module, run_command(module), lang), None)
        blocks = section.blocks if section.placeholder else section.part(part_name)
        items.extend(_item(b, folder, section.placeholder, labels, counters) for b in blocks)
        value = fold(str(section.facts.get("collaborators", "") or "").strip())
        if value and value not in collaborators:
            collaborators.append(value)
    return QuestionItem(
        question=question,
        anchor=f"p{p_index}-q{question.number}",
        items=tuple(items),
        collaborators=", ".join(collaborators) if question.collaborators else None,
    )


def _item(
    block: Block,
    folder: Path | None,
    is_placeholder: bool,
    labels: Mapping[str, str],
    counters: dict[str, int],
) -> Item:
    if isinstance(block, Text):
        return TextItem(fold(block.markdown), folder, is_placeholder)
    if isinstance(block, Table):
        counters["table"] += 1
        return TableItem(
            label=labels["table"].format(n=counters["table"]),
            caption=fold(block.caption),
            header=tuple(fold(str(h)) for h in block.header),
            rows=tuple(_cells(r) for r in block.rows),
            totals=tuple(_cells(r) for r in block.footer),
        )
    if isinstance(block, Figure):
        counters["figure"] += 1
        caption = fold(block.caption)
        return FigureItem(
            label=labels["figure"].format(n=counters["figure"]),
            caption=caption,
            alt=fold(block.alt) or caption,  # the caption while the module gives no alt text
            path=_figure_path(folder, block.file),
            file=block.file,
            width=block.width if _WIDTH.match(block.width or "") else "100%",
        )
    raise TypeError(f"not a block: {block!r}")


def _cells(row: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    return tuple((fold(str(c)), bool(_NUMERIC.match(str(c).strip()))) for c in row)


def _figure_path(folder: Path | None, file: str) -> Path | None:
    """The figure's file when it is a bare name of an existing file in the section folder."""
    if folder is None or not file or Path(file).name != file or file in (".", ".."):
        return None
    path = folder / file
    return path if path.is_file() else None
