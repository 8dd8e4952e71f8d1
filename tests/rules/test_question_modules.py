"""The question modules read top to bottom: found by file name, each with runs(), params()
and answer(ctx) (or, converted, measure(ctx) and present(measured, page)), every function
short (tests/rules/test_function_length.py)."""

from __future__ import annotations

import ast
import inspect

import pytest

from reportgen import PACKAGE_DIR, questions
from reportgen.settings.config import load_config
from reportgen.settings.profiles import PROFILES

FILES = sorted((PACKAGE_DIR / "questions").glob("*.py"))
# The runs each module reads, by the name it reads them under (docs/DESIGN.md: q1, q4..q8
# read the one CNN run, q2 that CNN and its matched DNN, q3 its own 2x2 grid per seed).
CNN_ONLY = {"q1_cnn", "q4_confusion", "q5_saliency", "q6_filters", "q7_lime", "q8_gradcam"}


def test_the_modules_are_found_by_their_file_names_in_number_order():
    found = [p.stem for p in FILES if p.stem.startswith("q")]
    assert list(questions.MODULES) == sorted(found, key=lambda n: int(n[1:].split("_")[0]))
    assert questions.resolve("q7") == "q7_lime"


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


@pytest.mark.parametrize("module", questions.MODULES)
def test_each_module_declares_its_runs_and_settings_as_plain_data(module, tmp_path):
    mod = questions.load(module)
    assert module == mod.MODULE
    assert isinstance(mod.TITLE, str) and mod.TITLE.strip() == mod.TITLE != ""
    if hasattr(mod, "measure"):  # converted: measured apart from its words
        assert _parameters(mod.measure) == ["ctx"]
        assert _parameters(mod.present) == ["measured", "page"]
        assert not hasattr(mod, "answer")
    else:
        assert _parameters(mod.answer) == ["ctx"]
    config = load_config(tmp_path, {"profile": "tiny"})
    for profile in PROFILES.values():
        params = mod.params(profile, config)
        assert isinstance(params, dict)
        assert ast.literal_eval(repr(params)) == params  # numbers, strings, lists: data


def _grid_names(seeds) -> dict[str, tuple[bool, bool, int]]:
    """q3's runs by name, each with (normalize, augment, seed), written out independently."""
    return {
        f"cnn-norm{'+' if n else '-'}-aug{'+' if a else '-'}-seed{s}": (n, a, s)
        for s in seeds
        for n in (False, True)
        for a in (False, True)
    }


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_module_needs_the_runs_its_section_reads(profile, tmp_path):
    """Not just some runs: the names, roles, models and lengths the design says, and one
    CNN run shared by every module that reads the CNN."""
    prof = PROFILES[profile]
    config = load_config(tmp_path, {"profile": profile})
    runs = {m: questions.load(m).runs(prof, config) for m in questions.MODULES}
    cnn = runs["q1_cnn"]["cnn"]
    assert (cnn.role, cnn.model.kind, cnn.normalize, cnn.seed) == ("cnn", "cnn", True, 0)
    assert cnn.augment is not None and cnn.epochs == prof.epochs["cnn"]
    assert tuple(cnn.model.filters) == tuple(prof.model.filters)
    for module in CNN_ONLY:
        assert runs[module] == {"cnn": cnn}, module
    assert set(runs["q2_dnn"]) == {"cnn", "dnn"} and runs["q2_dnn"]["cnn"] == cnn
    dnn = runs["q2_dnn"]["dnn"]
    assert (dnn.role, dnn.model.kind, dnn.epochs) == ("dnn", "dnn", prof.epochs["dnn"])
    grid = runs["q3_augmentation"]
    expected = _grid_names(prof.seeds)
    assert set(grid) == set(expected) and len(grid) == 4 * len(prof.seeds)
    for name, spec in grid.items():
        normalize, augment, seed = expected[name]
        assert (spec.normalize, spec.augment is not None, spec.seed) == (normalize, augment, seed)
        # q3 trains the CNN's twin: the same layers at the profile's ablation width.
        assert (spec.role, spec.epochs, spec.model.kind) == (
            "ablation",
            prof.epochs["ablation"],
            "cnn",
        )
        ratio = prof.ablation_width
        assert tuple(spec.model.filters) == tuple(
            max(1, round(f * ratio)) for f in cnn.model.filters
        ), name
