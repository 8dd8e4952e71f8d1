"""The report's CJK font: the faces of the Noto Sans CJK collection (the noto-cjk-sans-otc
wheel) that the report's language names in its language.toml.

The wheel ships one 19 MB collection (.ttc) of ten faces: sans and mono, each for Japanese,
Korean, Simplified and Traditional Chinese and Hong Kong. WeasyPrint given that file would
write all of it to a temporary folder for every render, let Fontconfig pick any of its
faces, and, on a machine without libharfbuzz-subset (the usual case for a pip install),
subset it with fontTools at ~10 s a report. So the report never sees the collection: the
language's faces are cut down with uharfbuzz (milliseconds) to the characters of the
document, once per character set (cached by its key), and the small font is what the HTML's
@font-face names and the PDF embeds as it is.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import UserError
from reportgen.settings.config import Config
from reportgen.store.font_files import FULL_SUFFIX, cached_font, write_font
from reportgen.store.keys import content_key, module_digest
from reportgen.store.paths import font_cache
from reportgen.words.text import language, language_file

PACKAGE = "noto_cjk_sans_otc"
# The roles a language.toml's [font] names a face for.
SANS = "sans"
MONO = "mono"
# The CSS families the stylesheet uses; distinct from any installed Noto so that Fontconfig
# can never substitute a system copy (which would then be embedded whole).
CSS_FAMILIES = {SANS: "ReportGen Sans", MONO: "ReportGen Mono"}
# Characters that can appear without being in the HTML text: page numbers, list markers,
# generated punctuation. Always kept, so that the cache key rarely changes.
BASE_CHARS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "\u00a0\u2010\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2212\u25e6\u25aa\u00b7"
    + "，。、：；？！（）「」『』《》〈〉【】～…％＋－＝　圖表頁"
)


@dataclass(frozen=True)
class FontSource:
    path: Path  # the collection file
    index: int  # the face inside it
    postscript_name: str
    family: str  # as the font names itself: "Noto Sans CJK TC"


@dataclass(frozen=True)
class FontFace:
    """One font file for one CSS family, ready for @font-face."""

    css_family: str
    path: Path
    source: FontSource


def font_file() -> Path:
    """The collection inside the installed noto-cjk-sans-otc package."""
    spec = importlib.util.find_spec(PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        found = sorted(Path(folder).glob("*.tt[cf]")) + sorted(Path(folder).glob("*.otf"))
        if found:
            return found[0]
    raise UserError(
        "no CJK font: the noto-cjk-sans-otc package is not installed or holds no font file "
        "(pip install noto-cjk-sans-otc); refusing to render Chinese as empty boxes"
    )


def cjk_sources(lang: str | None = None) -> dict[str, FontSource]:
    """The faces a language names in its language.toml, by role (SANS, MONO); lang None:
    those of the default report language (the figures' font)."""
    lang = lang or Config().report.lang
    path = font_file()
    faces = collection_faces(path)
    found: dict[str, FontSource] = {}
    for role, name in language(lang).fonts.items():
        if name not in faces:
            raise UserError(
                f"{language_file(lang)}: font.{role} {name!r} is no face of the CJK font "
                f"{path.name} (its faces: {', '.join(faces)})"
            )
        found[role] = faces[name]
    return found


@functools.cache
def collection_faces(path: Path) -> dict[str, FontSource]:
    """Every face of the collection, by PostScript name."""
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(str(path))
    found: dict[str, FontSource] = {}
    for index in range(hb.Face(blob).count):
        face = hb.Face(blob, index)
        name = face.get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME) or ""
        family = face.get_name(hb.OTNameIdPredefined.FONT_FAMILY) or name
        found[name] = FontSource(path, index, name, family)
    if not found:
        raise UserError(
            f"no CJK font: {path} holds no face (is noto-cjk-sans-otc intact?); "
            "refusing to render Chinese as empty boxes"
        )
    return found


@functools.cache
def _face(source: FontSource):  # -> uharfbuzz.Face
    import uharfbuzz as hb

    return hb.Face(hb.Blob.from_file_path(str(source.path)), source.index)


def covered(source: FontSource, chars: set[str]) -> set[str]:
    """The characters the face has a glyph for."""
    unicodes = _face(source).unicodes
    return {c for c in chars if ord(c) in unicodes}


def document_chars(text: str) -> set[str]:
    """The characters a document may draw: its text plus BASE_CHARS, no control characters."""
    return {c for c in set(text) | set(BASE_CHARS) if c.isprintable() or c == "\u3000"}


def subset_faces(chars: set[str], cache_dir: Path, lang: str) -> list[FontFace]:
    """The language's sans and mono faces cut to `chars`, cached in cache_dir by their key."""
    faces = []
    for role, source in sorted(cjk_sources(lang).items()):
        faces.append(FontFace(CSS_FAMILIES[role], subset_font(source, chars, cache_dir), source))
    return faces


def subset_font(source: FontSource, chars: set[str], cache_dir: Path) -> Path:
    keep = sorted(ord(c) for c in covered(source, chars))
    key = content_key(
        "font-subset",
        {
            "code": _subsetter_code(),  # this module's code: a change to the subsetting misses
            "collection": source.path.name,
            "size": source.path.stat().st_size,
            "index": source.index,
            "keep": keep,
        },
        length=16,
    )
    target = cache_dir / f"{source.postscript_name}-{key}.otf"
    if cached_font(target):
        return target
    import uharfbuzz as hb

    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(keep)
    # No glyph substitutions (GSUB): every glyph drawn is then one the cmap names, so the PDF
    # can map each back to its character (WeasyPrint embeds our font as it is, and derives
    # the text layer from the cmap). Positioning (GPOS: kerning) stays. No hinting in a PDF.
    subset_input.drop_table_tag_set.add(int.from_bytes(b"GSUB", "big"))
    subset_input.flags = hb.SubsetFlags.NO_HINTING
    result = hb.subset(_face(source), subset_input)
    data = result.blob.data if result is not None else b""
    if not data:
        raise UserError(f"could not cut the CJK font {source.postscript_name} down to the report")
    return write_font(target, data, prune=True)


def full_face(source: FontSource, cache_dir: Path) -> Path:
    """The whole face as a standalone font file (for matplotlib without collection support,
    and for the benchmark of WeasyPrint's own subsetting). Tables are copied, not parsed."""
    import io

    from fontTools.ttLib import TTCollection

    target = cache_dir / f"{source.postscript_name}{FULL_SUFFIX}.otf"
    if target.is_file():
        return target
    collection = TTCollection(str(source.path), lazy=True)
    buffer = io.BytesIO()
    collection.fonts[source.index].save(buffer, reorderTables=False)
    return write_font(target, buffer.getvalue(), prune=False)


@functools.cache
def _subsetter_code() -> str:
    return module_digest(__name__)


def user_cache_dir() -> Path:
    return font_cache()
