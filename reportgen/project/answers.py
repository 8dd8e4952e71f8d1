"""The student's own words: answers/<module>.md, added after the generated draft or, when its
front matter says `mode: replace`, in place of the draft's text (figures and tables stay).

    ---
    mode: replace          # or append (the default)
    collaborators: B06902000 王小明
    ---
    My own answer, in Markdown.

A build only reads this folder; it never writes into it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reportgen.errors import UserError
from reportgen.render.blocks import MAIN, Section, Text

MODES = ("append", "replace")
KEYS = ("mode", "collaborators")


def parse_answer(path: Path) -> tuple[dict[str, str], str]:
    """(front matter, Markdown body)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    meta: dict[str, str] = {}
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            raise UserError(
                f"{path}: front matter opened with --- on line 1 is never closed"
            ) from None
        for n, line in enumerate(lines[1:end], start=2):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            key = key.strip()
            if not sep or key not in KEYS:
                raise UserError(
                    f"{path}, line {n}: expected one of {', '.join(KEYS)} as 'key: value'"
                )
            meta[key] = value.split(" #")[0].strip()
        lines = lines[end + 1 :]
    mode = meta.get("mode", "append")
    if mode not in MODES:
        raise UserError(f"{path}: mode {mode!r} must be append or replace")
    return meta, "\n".join(lines).strip()


def apply_answers(section: Section, answers_dir: Path) -> Section:
    path = answers_dir / f"{section.module}.md"
    if not path.is_file():
        return section
    meta, body = parse_answer(path)
    blocks = list(section.blocks)
    if meta.get("mode") == "replace":
        blocks = [b for b in blocks if not (isinstance(b, Text) and b.part == MAIN)]
    if body:
        blocks.append(Text(body, part=MAIN))
    facts = dict(section.facts)
    if "collaborators" in meta:
        facts["collaborators"] = meta["collaborators"]
    return replace(
        section, blocks=blocks, facts=facts, placeholder=section.placeholder and not body
    )
