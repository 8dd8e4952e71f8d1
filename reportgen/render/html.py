"""The report as HTML: templates/report.html.j2 and templates/report.css, filled by Jinja
(autoescaped, StrictUndefined). The same template serves the PDF (files named by absolute
file: URLs for WeasyPrint) and the Report.html preview (paths relative to its folder)."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import jinja2
from markupsafe import Markup

from reportgen import TEMPLATES_DIR
from reportgen.render import markdown
from reportgen.render.document import Document, TextItem
from reportgen.render.fonts import FontFace

HTML_TEMPLATE = "report.html.j2"
CSS_FILE = TEMPLATES_DIR / "report.css"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Target:
    """How the HTML names local files: absolute file: URLs (base None) or relative paths."""

    base: Path | None = None

    def url(self, path: Path) -> str:
        real = Path(os.path.realpath(path))
        if self.base is None:
            return real.as_uri()
        rel = os.path.relpath(real, os.path.realpath(self.base))
        return quote(rel.replace(os.sep, "/"))


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def font_css(fonts: Sequence[FontFace], target: Target) -> str:
    rules = []
    for face in fonts:
        rules.append(
            "@font-face {\n"
            f'  font-family: "{face.css_family}";\n'
            f'  src: url("{target.url(face.path)}") format("opentype");\n'
            "  font-weight: normal;\n  font-style: normal;\n}\n"
        )
    return "".join(rules)


def render_html(
    doc: Document,
    fonts: Sequence[FontFace],
    target: Target,
    *,
    answers_dir: Path | None = None,
) -> str:
    css = font_css(fonts, target) + CSS_FILE.read_text(encoding="utf-8")
    if "</" in css:
        raise ValueError("the stylesheet must not contain '</'")

    def text_html(item: TextItem) -> Markup:
        bases = [b for b in (item.folder, answers_dir) if b is not None]
        resolve = functools.partial(_image_url, bases, target)
        return markdown.to_html(item.markdown, resolve, doc.labels["image_refused"])

    return (
        _environment()
        .get_template(HTML_TEMPLATE)
        .render(
            doc=doc,
            css=Markup(css),
            text_html=text_html,
            url=target.url,
        )
    )


def _image_url(bases: Sequence[Path], target: Target, src: str) -> str | None:
    """A Markdown image's URL: a relative path to a file under one of the bases, or a
    data:image URL (markdown-it only lets through gif, png, jpeg and webp); else None."""
    if src.startswith("data:image/"):
        return src
    if not src or _SCHEME.match(src) or src.startswith(("/", "\\")) or "\\" in src:
        return None
    for base in bases:
        real_base = Path(os.path.realpath(base))
        path = Path(os.path.realpath(real_base / unquote(src)))
        if path.is_relative_to(real_base) and path.is_file():
            return target.url(path)
    return None
