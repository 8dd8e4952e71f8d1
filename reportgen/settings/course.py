"""Course templates as data: templates/courses/<id>.toml, one file per course year.

A file holds a title and its questions, or a title and `parts`, the ids of other templates
placed one after the other (ml2019 = ml2019-hw3 + ml2019-hw4), each part keeping its own
title and question numbers.

    title = "Machine Learning - Homework 3 Report"
    collaborators = true            # default of every question: ends with (Collaborators: …)
    page_limit = 10                 # optional: the most pages the report may have (check)
    [[questions]]
    number = "1"
    points = "2%"
    prompt = "請說明…"               # the template's words, character for character
    answers = ["q1_cnn:main", "q2_dnn:main"]   # "module" or "module:part"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen import PACKAGE_DIR, TEMPLATES_DIR
from reportgen.errors import UserError

# The question modules, found from their file names alone (questions/q<N>_<name>.py, in
# number order): nothing is imported, so a course template names its modules, and is
# checked, below the modules themselves.
QUESTIONS_DIR = PACKAGE_DIR / "questions"
_NAME = re.compile(r"^q(\d+)_[a-z0-9_]+$")


def _discover() -> tuple[str, ...]:
    names = [p.stem for p in QUESTIONS_DIR.glob("q*.py") if _NAME.match(p.stem)]
    return tuple(sorted(names, key=lambda n: int(_NAME.match(n)[1])))  # type: ignore[index]


MODULES: tuple[str, ...] = _discover()


def resolve(name: str) -> str:
    """'q3' or 'q3_augmentation' -> 'q3_augmentation'; anything else is refused."""
    for module in MODULES:
        if name == module or name == module.split("_", 1)[0]:
            return module
    short = [m.split("_", 1)[0] for m in MODULES]
    raise UserError(
        f"no module {name!r}: choose one of {', '.join(MODULES)} (or {short[0]}..{short[-1]})"
    )


COURSES_DIR = TEMPLATES_DIR / "courses"
_REF = re.compile(r"^(q\d+_[a-z0-9_]+)(?::([a-z0-9_]+))?$")
_TOP_KEYS = {"title", "description", "collaborators", "questions", "parts", "page_limit"}
_QUESTION_KEYS = {"number", "points", "prompt", "answers", "collaborators"}


@dataclass(frozen=True)
class Question:
    number: str  # as the template numbers it, never renumbered
    points: str  # "2%"
    prompt: str  # verbatim
    answers: tuple[str, ...]  # module refs: "q1_cnn" (every block) or "q2_dnn:curves"
    collaborators: bool  # the question ends with a "(Collaborators: …)" line
    part_title: str | None  # the part's title in a template of several parts, else None

    @property
    def heading(self) -> str:
        """`1. (2%) 請說明…`, as the template writes it."""
        return f"{self.number}. ({self.points}) {self.prompt}"


def split_ref(ref: str) -> tuple[str, str | None]:
    """ "q2_dnn:curves" -> ("q2_dnn", "curves"); "q1_cnn" -> ("q1_cnn", None)."""
    module, _, part = ref.partition(":")
    return module, part or None


@dataclass(frozen=True)
class Part:
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class CourseTemplate:
    id: str
    title: str
    parts: tuple[Part, ...]
    description: str = ""
    page_limit: int | None = None  # the most pages the report may have; None: no limit

    def questions(self) -> tuple[Question, ...]:
        return tuple(q for part in self.parts for q in part.questions)

    def modules(self) -> tuple[str, ...]:
        """The distinct modules that answer the questions, in order of first use."""
        seen: dict[str, None] = {}
        for question in self.questions():
            for ref in question.answers:
                seen.setdefault(split_ref(ref)[0], None)
        return tuple(seen)


def template_ids() -> list[str]:
    return sorted(p.stem for p in COURSES_DIR.glob("*.toml"))


def list_templates() -> list[CourseTemplate]:
    return [load_template(t) for t in template_ids()]


def load_template(template_id: str) -> CourseTemplate:
    """A template by id (templates/courses/<id>.toml) or by the path of a .toml file."""
    path = _template_path(template_id)
    return _load(path, stack=())


def _template_path(template_id: str) -> Path:
    if template_id.endswith(".toml"):
        path = Path(template_id)
        if path.is_file():
            return path
        raise UserError(f"course template file {template_id} does not exist")
    path = COURSES_DIR / f"{template_id}.toml"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", template_id) or not path.is_file():
        raise UserError(
            f"no course template {template_id!r}: choose one of {', '.join(template_ids())}"
        )
    return path


def _load(path: Path, stack: tuple[Path, ...]) -> CourseTemplate:
    if path in stack:
        raise UserError(
            f"{path.name}: parts include each other ({' -> '.join(p.stem for p in stack)})"
        )
    raw = _read_toml(path)
    where = path.name
    _no_unknown(raw, _TOP_KEYS, where)
    title = _string(raw, "title", where)
    description = str(raw.get("description", ""))
    if ("questions" in raw) == ("parts" in raw):
        raise UserError(f"{where}: give either [[questions]] or parts, not both or neither")
    if "parts" in raw:
        parts = _parts(raw["parts"], path, stack)
    else:
        parts = (Part(title, _questions(raw, where)),)
    return CourseTemplate(path.stem, title, parts, description, _page_limit(raw, where))


def _page_limit(raw: dict[str, Any], where: str) -> int | None:
    """A template's own page limit (a template of parts has its own, not its parts')."""
    value = raw.get("page_limit")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UserError(f"{where}: page_limit must be a whole number of pages, 1 or more")
    return value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None


def _parts(part_ids: Any, path: Path, stack: tuple[Path, ...]) -> tuple[Part, ...]:
    """The parts of the templates a template lists, one after the other; in a document of
    several parts each question names its part."""
    where = path.name
    if not isinstance(part_ids, list) or not all(isinstance(p, str) for p in part_ids):
        raise UserError(f'{where}: parts must be a list of template ids, like ["ml2019-hw3"]')
    parts: list[Part] = []
    for part_id in part_ids:
        sub_path = path.parent / f"{part_id}.toml"
        if not sub_path.is_file() and part_id not in template_ids():
            raise UserError(f"{where}: part {part_id!r} is no course template")
        if not sub_path.is_file():
            sub_path = _template_path(part_id)
        parts.extend(_load(sub_path, (*stack, path)).parts)
    several = len(parts) > 1
    return tuple(
        Part(p.title, tuple(_with_part(q, p.title if several else None) for q in p.questions))
        for p in parts
    )


def _questions(raw: dict[str, Any], where: str) -> tuple[Question, ...]:
    default_collab = raw.get("collaborators", False)
    if not isinstance(default_collab, bool):
        raise UserError(f"{where}: collaborators must be true or false")
    if not isinstance(raw["questions"], list):
        raise UserError(f"{where}: questions must be [[questions]] tables")
    questions = tuple(
        _question(q, default_collab, f"{where}, question {i + 1}")
        for i, q in enumerate(raw["questions"])
    )
    if not questions:
        raise UserError(f"{where}: no questions")
    numbers = [q.number for q in questions]
    if len(set(numbers)) != len(numbers):
        raise UserError(f"{where}: question numbers repeat: {', '.join(numbers)}")
    return questions


def _with_part(question: Question, part_title: str | None) -> Question:
    return Question(
        question.number,
        question.points,
        question.prompt,
        question.answers,
        question.collaborators,
        part_title,
    )


def _question(raw: Any, default_collab: bool, where: str) -> Question:
    if not isinstance(raw, dict):
        raise UserError(f"{where}: must be a table")
    _no_unknown(raw, _QUESTION_KEYS, where)
    answers = raw.get("answers")
    if not isinstance(answers, list) or not answers:
        raise UserError(f"{where}: answers must be a non-empty list of modules")
    for ref in answers:
        match = _REF.match(str(ref))
        if not match or match[1] not in MODULES:
            raise UserError(
                f"{where}: answer {ref!r} is not 'module' or 'module:part' "
                f"with a module among {', '.join(MODULES)}"
            )
    collab = raw.get("collaborators", default_collab)
    if not isinstance(collab, bool):
        raise UserError(f"{where}: collaborators must be true or false")
    points = _string(raw, "points", where)
    if not re.fullmatch(r"\d+(\.\d+)?%", points):
        raise UserError(f"{where}: points {points!r} must look like '2%'")
    return Question(
        number=_string(raw, "number", where),
        points=points,
        prompt=_string(raw, "prompt", where),
        answers=tuple(str(a) for a in answers),
        collaborators=collab,
        part_title=None,
    )


def _string(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{where}: {key} must be a non-empty string")
    return value


def _no_unknown(raw: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UserError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
