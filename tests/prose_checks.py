"""How the tests find a number in the prose that is no fact: the numbers of a text, the
spellings the report gives a fact's numbers, and a render whose every number is tracked back
to the facts. Shared by the tests of the prose and of the student's own model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jinja2
from jinja2 import nodes

from reportgen.render.blocks import Figure, Table, Text

# A number as the report writes one: 7, 2,304, 0.125, 1.2e-05, 99.5th; digits inside a name
# (HW3, block2_conv1, float32, R²) are not numbers.
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?"
    r"(?:(?=(?:st|nd|rd|th)(?![A-Za-z]))|(?![A-Za-z0-9_]|\.\d))"
)
LIST_MARKER = re.compile(r"^\s*\d+\. ", re.MULTILINE)  # Markdown's numbered list


def numbers(text: str) -> list[tuple[str, bool]]:
    """(number, followed by %) for each number in the text, list markers left out."""
    text = LIST_MARKER.sub(" ", text)
    return [(m.group(), text[m.end() : m.end() + 1] == "%") for m in NUMBER.finditer(text)]


def fact_values(value: Any) -> Iterator[float]:
    """Every number in the facts: the numbers, the numbers inside strings, list lengths."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, str):
        for token, _ in numbers(value):
            yield float(token.replace(",", ""))
    elif isinstance(value, dict):
        for v in value.values():
            yield from fact_values(v)
    elif isinstance(value, list | tuple):
        yield float(len(value))
        for v in value:
            yield from fact_values(v)


def spellings(facts: dict[str, Any]) -> tuple[set[str], set[str]]:
    """How the report can write the facts' numbers: (plain, as a percentage). Plain: the value,
    in percentage points or, for seconds, in minutes, rounded to 0..4 decimals or to 1..3
    significant digits; a percentage: 100 x the value, rounded."""
    plain, percent = set(), set()
    for value in set(fact_values(facts)):
        v = abs(value)
        for d in range(5):
            plain.update(f"{x:.{d}f}" for x in (v, 100 * v, v / 60))
            percent.add(f"{100 * v:.{d}f}")
        plain.update(f"{v:.{k}g}" for k in (1, 2, 3))
    return plain, percent


def unfounded(text: str, facts: dict[str, Any]) -> list[str]:
    """The numbers of the text that are no value of the facts."""
    plain, percent = spellings(facts)
    return [
        token
        for token, is_pct in numbers(text)
        if token.replace(",", "") not in (percent if is_pct else plain)
    ]


def shown_words(section) -> str:
    """Everything a reader reads in a section but the table cells: prose and captions."""
    parts = []
    for block in section.blocks:
        if isinstance(block, Text):
            parts.append(block.markdown)
        elif isinstance(block, Figure | Table):
            parts.append(block.caption)
    return "\n".join(parts)


def _tracked(base: type) -> type:
    """A number of the facts (of type base). Arithmetic on it gives a plain number (a result
    the template computed), but for its sign, its absolute value and x100 (a share as
    percentage points)."""

    def same(self, value):
        return type(self)(value)

    def mul(self, other):
        value = base(self) * other
        return type(self)(value) if other == 100 else value

    return type(
        f"Tracked{base.__name__.title()}",
        (base,),
        {
            "__neg__": lambda self: same(self, -base(self)),
            "__abs__": lambda self: same(self, abs(base(self))),
            "__mul__": mul,
            "__rmul__": mul,
        },
    )


TrackedInt, TrackedFloat = _tracked(int), _tracked(float)
TRACKED = (TrackedInt, TrackedFloat, bool)


def tracked(value: Any) -> Any:
    """The facts with every number marked as one."""
    if isinstance(value, dict):
        return {k: tracked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tracked(v) for v in value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return TrackedInt(value) if isinstance(value, int) else TrackedFloat(value)


def render_tracked(
    lang: str, template: str, facts: dict[str, Any], source: str | None = None
) -> list[str]:
    """Render the prose (or `source`) with tracked facts; every number that reaches the text
    without being one of them (printed, formatted, joined) is returned."""
    from reportgen.words.text import PROSE_SUFFIX, prose_environment

    found: list[str] = []

    def check(value: Any, how: str) -> None:
        if isinstance(value, int | float) and not isinstance(value, TRACKED):
            found.append(f"{how} {value!r}")

    def guarded(name: str, f: Any) -> Any:
        def g(value: Any, *args: Any, **kwargs: Any) -> Any:
            for v in [value, *args] if name == "format" else [value]:
                check(v, name)
            return f(value, *args, **kwargs)

        return g

    def joined(items: Any, sep: str = "") -> str:
        for v in items:
            check(v, "join")
        return sep.join(str(v) for v in items)

    env = prose_environment(lang)
    env.finalize = lambda value: (check(value, "printed"), value)[1]
    for name in ("pct", "num", "thousands", "seconds", "format"):
        env.filters[name] = guarded(name, env.filters[name])
    env.filters.update(
        join=joined,
        length=lambda x: TrackedInt(len(x)),  # how many items a fact lists is a fact
        abs=abs,
    )
    loaded = env.from_string(source) if source else env.get_template(f"{template}{PROSE_SUFFIX}")
    loaded.render(**tracked(facts))
    return found


def template_parts(lang: str, module: str) -> list[str | None]:
    """The passages of a prose template (the values it compares `part` with), and one more
    for its else branch; [None] for a template in one passage."""
    from reportgen.words.text import prose_file

    parsed = jinja2.Environment().parse(prose_file(lang, module).read_text(encoding="utf-8"))
    names = {
        op.expr.value
        for c in parsed.find_all(nodes.Compare)
        if isinstance(c.expr, nodes.Name) and c.expr.name == "part"
        for op in c.ops
        if isinstance(op.expr, nodes.Const)
    }
    return [*sorted(names), "(any other)"] if names else [None]
