"""Every word a reader sees, per language: words/<lang>/.

    language.toml     what the folder declares of its language: its name, its tag (the HTML's
                      lang, the PDF's /Lang), the tag of what the report quotes from the
                      course as it is, and the faces of the CJK font collection it is set in
    words.toml        the strings: captions, table headers, class and region names, figure
                      labels, the data notice, the placeholder (Python str.format fields)
    <module>.md.j2    the prose of one question module (Jinja, Markdown out)

A new language is a new folder: no Python changes, and no code names a language. The prose
templates only interpolate facts and choose sentences by them; every number they print comes
from the facts (see tests/rules/test_prose_numbers.py). Their output is Markdown (rendered with raw
HTML disabled, so facts cannot inject markup).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportgen import PACKAGE_DIR
from reportgen.errors import UserError

TEXT_DIR = PACKAGE_DIR / "words"
WORDS_FILE = "words.toml"
LANGUAGE_FILE = "language.toml"
PROSE_SUFFIX = ".md.j2"
# What a language.toml holds; its [font] table names a face of the collection for each role.
_LANGUAGE_KEYS = ("name", "tag", "course_tag", "font")
FONT_ROLES = ("sans", "mono")
_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")  # a BCP 47 tag: en, zh-Hant, ja

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
    """The languages there are: the folders of words/ that declare one (a language.toml)."""
    return tuple(sorted(p.parent.name for p in TEXT_DIR.glob(f"*/{LANGUAGE_FILE}")))


def words_file(lang: str) -> Path:
    return TEXT_DIR / lang / WORDS_FILE


def language_file(lang: str) -> Path:
    return TEXT_DIR / lang / LANGUAGE_FILE


def _read_toml(path: Path, lang: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(f"{code} ({language(code).name})" for code in languages())
        raise UserError(
            f"no words for language {lang!r} ({path} is missing; languages: {known})"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None


@cache
def words(lang: str) -> Words:
    path = words_file(lang)
    return Words(_read_toml(path, lang), path)


@dataclass(frozen=True)
class Language:
    """What a folder's language.toml declares: everything rendering needs of a language."""

    code: str  # the folder's name, what --lang takes
    name: str  # the language's name for itself
    tag: str  # BCP 47: the HTML's lang, the PDF's /Lang
    course_tag: str  # the tag of what the report quotes from the course as it is
    fonts: Mapping[str, str]  # FONT_ROLES -> PostScript name of a face of the CJK collection


@cache
def language(lang: str) -> Language:
    """words/<lang>/language.toml, checked: a wrong key is a one-line error naming the file."""
    path = language_file(lang)
    raw = _read_toml(path, lang)
    unknown = sorted(set(raw) - set(_LANGUAGE_KEYS))
    if unknown:
        raise UserError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(_LANGUAGE_KEYS)})")
    name, tag, course_tag = (_string(raw, key, path) for key in ("name", "tag", "course_tag"))
    for key, value in (("tag", tag), ("course_tag", course_tag)):
        if not _TAG.fullmatch(value):
            raise UserError(f"{path}: {key} {value!r} is not a language tag (en, zh-Hant, ja)")
    font = raw.get("font")
    if not isinstance(font, dict) or sorted(font) != sorted(FONT_ROLES):
        raise UserError(
            f"{path}: [font] must name a face of the CJK collection for each of "
            f"{', '.join(FONT_ROLES)}, and nothing else"
        )
    fonts = {role: _string(font, role, path, "font.") for role in FONT_ROLES}
    return Language(lang, name, tag, course_tag, fonts)


def _string(raw: Mapping[str, Any], key: str, path: Path, where: str = "") -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{path}: {where}{key} must be a non-empty string")
    return value


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
