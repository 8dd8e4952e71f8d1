"""What a question module returns: an ordered list of blocks and the facts behind them.

Blocks carry a `part` label so that a course template can place one part of a module's
answer under one question (ml2019-hw3 puts the training curves of q1_cnn and q2_dnn under
its question 2): a template entry "q2_dnn" takes every block, "q2_dnn:curves" only the
blocks whose part is "curves".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

MAIN = "main"


@dataclass(frozen=True)
class Text:
    """Markdown prose (the generated draft or the student's own words)."""

    markdown: str
    part: str = MAIN
    kind: Literal["text"] = "text"


@dataclass(frozen=True)
class Table:
    """A real HTML table. Cells are plain strings (escaped when rendered)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[tuple[str, ...], ...] = ()
    part: str = MAIN
    kind: Literal["table"] = "table"


@dataclass(frozen=True)
class Figure:
    """An image file inside the section's folder (`file` is the bare file name)."""

    file: str
    caption: str
    width: str = "100%"
    alt: str = ""  # what the image shows, for a reader who cannot see it (the PDF's /Alt)
    part: str = MAIN
    kind: Literal["figure"] = "figure"


Block = Text | Table | Figure


@dataclass
class Section:
    module: str
    blocks: list[Block] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    placeholder: bool = False

    def part(self, name: str | None) -> list[Block]:
        return [b for b in self.blocks if name is None or b.part == name]

    def to_json(self) -> str:
        return json.dumps(
            {
                "module": self.module,
                "placeholder": self.placeholder,
                "facts": self.facts,
                "blocks": [asdict(b) for b in self.blocks],
            },
            ensure_ascii=False,
            indent=1,
            default=plain,
        )

    @classmethod
    def from_json(cls, text: str) -> Section:
        raw = json.loads(text)
        return cls(
            module=raw["module"],
            placeholder=raw["placeholder"],
            facts=raw["facts"],
            blocks=[_block(b) for b in raw["blocks"]],
        )


def _block(raw: dict[str, Any]) -> Block:
    kind = raw.pop("kind")
    if kind == "text":
        return Text(**raw)
    if kind == "figure":
        return Figure(**raw)
    return Table(
        caption=raw["caption"],
        header=tuple(raw["header"]),
        rows=tuple(tuple(r) for r in raw["rows"]),
        footer=tuple(tuple(r) for r in raw["footer"]),
        part=raw["part"],
    )


def plain(value: Any) -> Any:
    """json.dumps fallback: numpy scalars and arrays, paths."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON-serializable: {type(value).__name__}")


def placeholder(module: str, command: str, lang: str) -> Section:
    """A section never built: the command that fills it, then the catalog's words. The
    command comes first after "reportgen:" in every language, which is what `check` finds."""
    from reportgen.words.text import words

    message = words(lang)["placeholder"]
    return Section(
        module=module,
        placeholder=True,
        blocks=[Text(f"**reportgen: `{command}`** {message}")],
    )
