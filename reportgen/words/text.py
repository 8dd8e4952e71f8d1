"""Every word a reader sees, per language: words/<lang>/.

    words.toml        the strings: captions, table headers, class and region names, figure
                      labels, the data notice, the placeholder (Python str.format fields)
    <module>.md.j2    the prose of one question module (Jinja, Markdown out)

A new language is a new folder: no Python changes. The prose templates only interpolate
facts and choose sentences by them; every number they print comes from the facts (see
tests/test_prose_numbers.py). Their output is Markdown (rendered with raw HTML disabled, so
facts cannot inject markup).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from reportgen import PACKAGE_DIR
from reportgen.errors import UserError

TEXT_DIR = PACKAGE_DIR / "words"
WORDS_FILE = "words.toml"
PROSE_SUFFIX = ".md.j2"

# --- numbers as the report writes them -------------------------------------------------


def pct(value: float | None, digits: int = 1) -> str:
    """A share as a percentage: 0.1234 -> "12.3%"; None -> "–"."""
    return "–" if value is None else f"{100 * float(value):.{digits}f}%"


def num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{float(value):.{digits}f}"


def thousands(value: int) -> str:
    return f"{int(value):,}"


def seconds(value: float, units: Mapping[str, str]) -> str:
    """A duration in the catalog's units: minutes from 120 s on, else seconds."""
    value = float(value)
    if value >= 120:
        return units["minutes"].format(value=num(value / 60, 1))
    return units["seconds"].format(value=num(value, 1))


# --- the word catalog ------------------------------------------------------------------


class MissingWord(UserError, KeyError):
    """A key a language's catalog lacks: a one-line error (and a KeyError, so that `in` and
    .get() work on a catalog)."""

    def __str__(self) -> str:
        return str(self.args[0])


class Words(Mapping[str, Any]):
    """One table of a language's words.toml: tables come back as Words, strings as str,
    arrays as tuples. A missing key is a one-line error naming the file and the key."""

    def __init__(self, raw: Mapping[str, Any], file: Path, path: str = "") -> None:
        self._raw = raw
        self.file = file
        self.path = path

    def __getitem__(self, key: str) -> Any:
        where = f"{self.path}.{key}" if self.path else key
        try:
            value = self._raw[key]
        except KeyError:
            raise MissingWord(f"{self.file}: no string {where}") from None
        if isinstance(value, Mapping):
            return Words(value, self.file, where)
        return tuple(value) if isinstance(value, list) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def languages() -> tuple[str, ...]:
    """The languages there are words for: the folders of templates/text with a words.toml."""
    return tuple(sorted(p.parent.name for p in TEXT_DIR.glob(f"*/{WORDS_FILE}")))


def words_file(lang: str) -> Path:
    return TEXT_DIR / lang / WORDS_FILE


@cache
def words(lang: str) -> Words:
    path = words_file(lang)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(
            f"no words for language {lang!r} ({path} is missing; languages: "
            f"{', '.join(languages())})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None
    return Words(raw, path)


def class_name(label: int, lang: str) -> str:
    return words(lang)["classes"][int(label)]


# --- the prose -------------------------------------------------------------------------


def prose_file(lang: str, template: str) -> Path:
    return TEXT_DIR / lang / f"{template}{PROSE_SUFFIX}"


def prose_environment(lang: str) -> Any:
    """The Jinja environment of a language's prose: Markdown out, strict about undefined
    facts, the number filters, `cls` and `region` (names from the catalog), `words`."""
    import jinja2

    catalog = words(lang)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEXT_DIR / lang),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown output; the Markdown renderer escapes raw HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        pct=pct,
        num=num,
        thousands=thousands,
        seconds=lambda value: seconds(value, catalog["units"]),
        cls=lambda label: class_name(int(label), lang),
        region=lambda name: catalog["regions_in_text"][name],
        hardware=lambda h: catalog["hardware"][h["kind"]].format(
            count=h["count"], names=", ".join(h["names"])
        ),
    )
    env.globals["words"] = catalog
    return env


_env = cache(prose_environment)


def render_text(lang: str, template: str, facts: Mapping[str, Any]) -> str:
    """words/<lang>/<template>.md.j2 rendered with the facts."""
    return _env(lang).get_template(f"{template}{PROSE_SUFFIX}").render(**facts).strip() + "\n"


def draft(lang: str, template: str, facts: Mapping[str, Any]) -> str:
    """The prose rendered with its facts, its soft line breaks joined."""
    return join_lines(render_text(lang, template, facts))


_NUMBERED = re.compile(r"^\d+[.)] ")


def _joins_previous(line: str) -> bool:
    """Whether a template line continues the paragraph above (not a list item or table row)."""
    s = line.lstrip()
    return bool(s) and not s.startswith(("- ", "* ", "|", "#")) and not _NUMBERED.match(s)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def join_lines(markdown: str) -> str:
    """Joins the template's soft line breaks inside a paragraph: with nothing next to a
    wide (CJK) character or full-width punctuation (a line break there would print as a
    space), with a space between other words. Blank lines (paragraphs), list items and
    table rows are kept."""
    out: list[str] = []
    for line in markdown.splitlines():
        if out and out[-1].strip() and _joins_previous(line):
            prev, nxt = out[-1].rstrip(), line.strip()
            glue = "" if _wide(prev[-1]) or _wide(nxt[0]) else " "
            out[-1] = prev + glue + nxt
        else:
            out.append(line.rstrip())
    return "\n".join(out).strip() + "\n"
