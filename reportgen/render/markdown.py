"""Answer text: Markdown to HTML with markdown-it-py, raw HTML disabled.

A student's `<script>` or `<img src=...>` comes out as the text it is. Images written in
Markdown are kept only when they name a file the caller can place (a figure beside the
section, a picture in answers/); any other address (http, file:, an absolute path) is
shown as a note instead of an image, so neither the PDF nor a browser opening Report.html
fetches it. Headings are moved below the report's own (# becomes h4).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# src as written -> the URL to use, or None to refuse it.
ImageResolver = Callable[[str], str | None]
HEADING_SHIFT = 3


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _render_image)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("heading_close", _render_heading_close)
    return md


def to_html(text: str, resolve_image: ImageResolver, image_refused: str) -> Markup:
    """image_refused: what stands for an image refused, with a {src} field (the catalog's
    document.image_refused)."""
    env = {"resolve_image": resolve_image, "image_refused": image_refused}
    return Markup(_parser().render(text, env))


def _render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    url = env["resolve_image"](src)
    if url is None:
        return f'<span class="image-refused">{escape(env["image_refused"].format(src=src))}</span>'
    title = token.attrGet("title")
    title_attr = f' title="{escape(str(title))}"' if title else ""
    return f'<img class="md-image" src="{escape(url)}" alt="{escape(alt)}"{title_attr}>'


def _shifted(tag: str) -> str:
    return f"h{min(6, int(tag[1]) + HEADING_SHIFT)}"


def _render_heading_open(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    tokens[idx].tag = _shifted(tokens[idx].tag)
    return self.renderToken(tokens, idx, options, env)


def _render_heading_close(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    tokens[idx].tag = _shifted(tokens[idx].tag)
    return self.renderToken(tokens, idx, options, env)
