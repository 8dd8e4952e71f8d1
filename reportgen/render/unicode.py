"""Text folding shared by rendering and checking.

Text copied out of a PDF (a course handout, a paper) often carries Kangxi radicals or CJK
compatibility ideographs that look exactly like ordinary ideographs (⽤ U+2F64 for 用).
Fonts draw both with one glyph, so a PDF's text layer can give either one back: we fold
them to the ordinary ideograph before rendering, and compare text after folding too.
"""

from __future__ import annotations

import re
import unicodedata

_COMPAT = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]+")


def _fold(match: re.Match[str]) -> str:
    char = match.group()
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def fold_ideographs(text: str) -> str:
    """Kangxi radicals and compatibility ideographs -> the unified ideograph (only those:
    full-width punctuation and everything else are kept as written)."""
    return _COMPAT.sub(_fold, text)


def squashed(text: str) -> str:
    """Folded, without whitespace or control characters (pypdf gives NULs for some CMaps):
    what a PDF's extracted text is compared as."""
    return _SPACE.sub("", fold_ideographs(text))
