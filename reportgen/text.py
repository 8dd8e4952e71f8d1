"""Prose templates: one per module and language, templates/text/<lang>/<name>.md.j2.

They only interpolate facts and choose sentences by them; every number comes from a run.
The output is Markdown (rendered with raw HTML disabled, so facts cannot inject markup).
"""

from __future__ import annotations

from functools import cache

import jinja2

from reportgen import TEMPLATES_DIR
from reportgen.classes import class_name


def pct(value: float, digits: int = 1) -> str:
    return f"{100 * float(value):.{digits}f}%"


def num(value: float, digits: int = 3) -> str:
    return f"{float(value):.{digits}f}"


def thousands(value: int) -> str:
    return f"{int(value):,}"


def seconds(value: float) -> str:
    value = float(value)
    if value >= 120:
        return f"{value / 60:.1f} min"
    return f"{value:.1f} s"


@cache
def _env(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "text" / lang),
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
        seconds=seconds,
        cls=lambda label: class_name(int(label), lang),
    )
    return env


def render_text(lang: str, template: str, facts: dict) -> str:
    return _env(lang).get_template(f"{template}.md.j2").render(**facts).strip() + "\n"
