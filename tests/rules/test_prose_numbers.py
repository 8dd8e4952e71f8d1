"""A number in the prose comes from the facts, and a test can find it there.

Two checks: nothing the templates and the catalogs type themselves is a number (their
literal text, and arithmetic with constants in what they print, but for the x100 of a
percentage); and every number in every module's draft and captions, in both languages on the
tiny profile, is a value of the facts the section was rendered from, as the report writes
numbers (rounded, as a percentage, in minutes).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

import jinja2
import pytest
from jinja2 import nodes

from reportgen import questions
from reportgen.words.text import TEXT_DIR, WORDS_FILE, languages
from tests.prose_checks import (
    numbers,
    render_tracked,
    shown_words,
    template_parts,
    unfounded,
)

FIELD = re.compile(r"\{[^{}]*\}")  # a str.format field of a catalog string
ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)


# ------------------------------------------------------------------------------ the checker


def test_the_checker_finds_a_typed_in_number():
    facts = {"accuracy": 0.6154, "epochs": 12, "rows": [1, 2, 3], "layer": "block2_conv1"}
    assert unfounded("61.5% after 12 epochs, 3 rows, 61.54 points, block2_conv1", facts) == []
    assert unfounded("within 5% of the minimum", facts) == ["5"]
    assert unfounded("after 13 epochs", facts) == ["13"]
    assert unfounded("1. a list\n2. item", {}) == []
    assert numbers("the 99.5th percentile of HW3's block2_conv1") == [("99.5", False)]


# --------------------------------------------------------------- nothing typed in the words


def _literal_numbers(template: jinja2.nodes.Template) -> Iterator[str]:
    for node in template.find_all(nodes.TemplateData):
        yield from (token for token, _ in numbers(node.data))


def _arithmetic_constants(template: jinja2.nodes.Template) -> Iterator[str]:
    """Numeric constants in arithmetic that a template prints (indices like x[-1] and the
    x100 of a percentage are not arithmetic on a fact)."""
    indices = {id(n) for g in template.find_all(nodes.Getitem) for n in g.arg.find_all(nodes.Expr)}
    indices |= {id(g.arg) for g in template.find_all(nodes.Getitem)}
    for output in template.find_all(nodes.Output):
        for op in output.find_all((*ARITHMETIC, nodes.Neg)):
            if id(op) in indices:
                continue
            consts = [
                c.value
                for c in op.iter_child_nodes()
                if isinstance(c, nodes.Const) and type(c.value) in (int, float)
            ]
            if consts and not (isinstance(op, nodes.Mul) and consts == [100]):
                yield f"line {op.lineno}: {type(op).__name__} {consts}"


@pytest.mark.parametrize("lang", languages())
def test_the_templates_type_in_no_number(lang):
    env = jinja2.Environment()
    for path in sorted((TEXT_DIR / lang).glob("*.md.j2")):
        template = env.parse(path.read_text(encoding="utf-8"))
        assert not list(_literal_numbers(template)), path
        assert not list(_arithmetic_constants(template)), path


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{where}.{k}")
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, where)
    else:
        yield where, value


@pytest.mark.parametrize("lang", languages())
def test_the_catalog_types_in_no_number(lang):
    raw = tomllib.loads((TEXT_DIR / lang / WORDS_FILE).read_text(encoding="utf-8"))
    typed = [(w, s) for w, s in _strings(raw, lang) if numbers(FIELD.sub("", s))]
    assert typed == []


# -------------------------------------------------------- every number of a draft is a fact


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("module", questions.MODULES)
def test_every_number_in_a_draft_is_a_fact(tiny_project_factory, section_of, lang, module):
    project = tiny_project_factory(**({} if lang == "zh" else {"lang": lang}))  # zh: the default
    section, _ = section_of(project, module)
    text = shown_words(section)
    assert numbers(text), "a draft without numbers checks nothing"
    assert unfounded(text, section.facts) == []


def test_the_scan_finds_typed_in_numbers_and_arithmetic():
    template = jinja2.Environment().parse(
        "within 5% {{ (1 - x.recall)|pct }} {{ y[-1] }} {{ (100 * z)|num }} {{ w|num(2) }}"
    )
    assert list(_literal_numbers(template)) == ["5"]
    assert [c.split(": ")[1] for c in _arithmetic_constants(template)] == ["Sub [1]"]


# ------------------------------------------- every number printed is a fact, not a result


def test_the_tracked_render_finds_a_computed_number():
    facts = {"recall": 0.75, "classes": [1, 2], "epochs": 3, "shape": [6, 6], "gap": -0.02}
    fine = (
        "{{ recall|pct }} {{ epochs }} {{ classes|length }} {{ shape|join('×') }}"
        " {{ (100 * gap)|abs|num(1) }} {{ [epochs, 2]|max }} {{ (-gap)|pct }}"
    )
    assert render_tracked("en", "", facts, fine) == []
    computed = "{{ (1 - recall)|pct }} {{ epochs - 1 }} {{ classes|sum }}"
    assert render_tracked("en", "", facts, computed) == ["pct 0.25", "printed 2", "printed 3"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("module", questions.MODULES)
def test_a_draft_prints_the_facts_and_computes_no_number(
    tiny_project_factory, section_of, lang, module
):
    project = tiny_project_factory(**({} if lang == "zh" else {"lang": lang}))
    section, _ = section_of(project, module)
    for part in template_parts(lang, module):
        facts = section.facts if part is None else {**section.facts, "part": part}
        assert render_tracked(lang, module, facts) == [], part


# ------------------------------------------------- the budget's sentences, when one planned

BUDGET = {
    "text": "45m",
    "share": 0.085,
    "planned_epochs": 7,
    "epochs": 9,
    "longer_text": "3h",
    "longer_epochs": 41,
}


def with_budget(module: str, facts: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The section's facts as a run trained under a budget would give them, and the budget
    facts put in (the tiny project trains without one)."""
    if module == "q1_cnn":
        budget = {**BUDGET, "share": 0.62}
        return {**facts, "results": {**facts["results"], "budget": budget}}, budget
    budget = {**BUDGET, "role_share": 0.34, "holds_epochs": 0}  # 0: not measured (tiny)
    return {**facts, "methods": {**facts["methods"], "budget": budget}}, budget


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("module", ["q1_cnn", "q3_augmentation"])
def test_the_budget_is_told_from_the_facts(tiny_project_factory, section_of, lang, module):
    from reportgen.words.text import render_text

    project = tiny_project_factory(**({} if lang == "zh" else {"lang": lang}))
    section, _ = section_of(project, module)
    facts, budget = with_budget(module, section.facts)
    for part in template_parts(lang, module):
        assert (
            render_tracked(lang, module, facts if part is None else {**facts, "part": part}) == []
        )
    parts = template_parts(lang, module)
    text = "".join(render_text(lang, module, {**facts, "part": p}) for p in parts)
    assert "--budget 45m" in text and str(budget["epochs"]) in text
    if module == "q3_augmentation":  # what a longer budget would change
        assert "--budget 3h" in text and str(budget["longer_epochs"]) in text
    assert unfounded(text, facts) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("holds", [True, False])
def test_q3_says_what_it_compared_and_whether_its_length_holds(
    tiny_project_factory, section_of, lang, holds
):
    """The cells trained the CNN's cheaper twin (issue 23), and the budget gave them enough
    epochs for the verdicts of 30-epoch cells, or says which budget would."""
    from reportgen.words.text import render_text

    module = "q3_augmentation"
    project = tiny_project_factory(**({} if lang == "zh" else {"lang": lang}))
    section, _ = section_of(project, module)
    facts, budget = with_budget(module, section.facts)
    budget |= {"holds_epochs": 12, "holds": holds, "holds_text": "1h10", "reference_epochs": 30}
    twin = {"width": 0.5, "filters": [16, 32, 64], "dense_units": 128, "params": 176_535}
    facts = {**facts, "methods": {**facts["methods"], "budget": budget, "twin": twin}}
    parts = template_parts(lang, module)
    for part in parts:
        assert (
            render_tracked(lang, module, facts if part is None else {**facts, "part": part}) == []
        )
    text = "".join(render_text(lang, module, {**facts, "part": p}) for p in parts)
    assert "16/32/64" in text and "176,535" in text
    assert ("--budget 1h10" in text) != holds and "12" in text
    assert unfounded(text, facts) == []
