"""A module's tests are found by its name: tests/ mirrors reportgen/.

reportgen/<package>/<module>.py is tested in tests/<package>/test_<module>.py (or
test_<module>_<topic>.py, when a module's tests are many); a subpackage's in
tests/<package>/test_<subpackage>.py, and what a package's modules share in
tests/<package>/test_<package>.py. A module tested through another one is listed in TESTED_IN
below with the file that tests it, and that file names it. Tests of no one module live in
three folders that are no package: rules/ (the design's rules, checked over the whole tree),
flows/ (whole commands, end to end) and repo/ (the repository as shipped: install, release,
CI, notebook). Helpers are modules without the test_ prefix.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportgen import PACKAGE_DIR

TESTS = Path(__file__).resolve().parent.parent
CROSS_CUTTING = {"rules", "flows", "repo"}
# The entry points: `python -m reportgen` (tests/repo/test_install.py runs it).
NOT_A_UNIT = {"__init__", "__main__"}

# Modules whose behaviour is checked through another module's tests: module -> that test file.
TESTED_IN = {
    "errors": "cli/test_main.py",
    "data/classes": "data/test_loader.py",
    "data/csv_formats": "data/test_loader.py",
    "data/image_tree": "data/test_loader.py",
    "data/types": "data/test_synthetic.py",
    "data/synthetic_draw": "data/test_synthetic.py",
    "data/synthetic_params": "data/test_synthetic.py",
    "measure/facts/model": "questions/test_q1_cnn.py",
    "plots/confusion": "questions/test_q4_confusion.py",
    "plots/explain": "questions/test_questions.py",
    "plots/style": "render/test_fonts.py",
    "plots/training": "questions/test_q1_cnn.py",
    "project/folder": "flows/test_rebuild.py",
    "project/origin": "cli/test_doctor.py",
    "project/starter": "flows/test_own_model.py",
    "questions/context": "questions/test_questions.py",
    "questions/measured": "questions/test_q1_cnn.py",
    "questions/shared_runs": "questions/test_q3_augmentation.py",
    "questions/tables": "questions/test_q1_cnn.py",
    "render/blocks": "render/test_report.py",
    "render/document": "render/test_report.py",
    "render/html": "render/test_report.py",
    "render/native": "flows/test_platform.py",
    "render/unicode": "render/test_check.py",
    "runs/execute": "runs/test_plan.py",
    "runs/fence": "flows/test_own_model.py",
    "runs/history": "flows/test_own_model.py",
    "runs/imported": "flows/test_own_model.py",
    "runs/own": "flows/test_own_model.py",
    "runs/user_model": "flows/test_own_model.py",
    "runs/pipeline": "runs/test_train_recipe.py",
    "runs/probe": "runs/test_train_recipe.py",
    "runs/run": "runs/test_store.py",
    "settings/own_model": "flows/test_own_model.py",
    "settings/profiles": "runs/test_models.py",
    "settings/recipe": "runs/test_schedule.py",
    "store/cachedir": "flows/test_platform.py",
    "store/diskfull": "cli/test_main.py",
    "store/files": "store/test_outputs.py",
    "store/fingerprints": "data/test_fingerprint.py",
    "store/font_files": "render/test_fonts.py",
    "store/paths": "flows/test_kaggle_build.py",
    "store/run_files": "runs/test_store.py",
    "store/run_folders": "runs/test_store.py",
    "store/section_folders": "flows/test_rebuild.py",
}


def modules() -> list[str]:
    """Every module of the package, as its path under reportgen/ without .py."""
    found = (p.relative_to(PACKAGE_DIR).with_suffix("") for p in PACKAGE_DIR.rglob("*.py"))
    return sorted(p.as_posix() for p in found if p.name not in NOT_A_UNIT)


def packages() -> set[str]:
    """Every package folder under reportgen/, as a path ("" is reportgen itself)."""
    found = {p.parent.relative_to(PACKAGE_DIR).as_posix() for p in PACKAGE_DIR.rglob("*.py")}
    return {"" if f == "." else f for f in found}


def suite_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if "__pycache__" not in p.parts)


def named_after(module: str) -> list[Path]:
    """The test files named after a module, or after the subpackage it is in."""
    folder, _, name = module.rpartition("/")
    parent, _, sub = folder.rpartition("/")
    found = []
    for test in suite_files():
        where = test.parent.relative_to(TESTS).as_posix().removeprefix(".")
        stem = test.stem.removeprefix("test_")
        if (where == folder and (stem == name or stem.startswith(f"{name}_"))) or (
            sub and where == parent and stem == sub
        ):
            found.append(test)
    return found


def names(text: str, module: str) -> bool:
    """Whether a test file names the module: its dotted name, its path, or an import of it."""
    name = module.rpartition("/")[2]
    dotted = "reportgen." + module.replace("/", ".")
    parent = dotted.rpartition(".")[0]
    spelled = (
        rf"{re.escape(dotted)}\b",
        rf"(?<![\w/])(reportgen/)?{re.escape(module)}\.py",
        rf"from {re.escape(parent)} import [^\n]*\b{name}\b",
    )
    return any(re.search(p, text) for p in spelled)


def test_every_module_has_tests_found_by_its_name():
    lost = [m for m in modules() if not named_after(m) and m not in TESTED_IN]
    assert lost == [], f"no tests/<package>/test_<module>.py and not in TESTED_IN: {lost}"


def test_a_module_tested_elsewhere_is_named_where_it_is_tested():
    wrong = []
    for module, test in TESTED_IN.items():
        path = TESTS / test
        if named_after(module):
            wrong.append(f"{module}: has its own test file, drop it from TESTED_IN")
        elif not path.exists():
            wrong.append(f"{module}: {test} does not exist")
        elif not names(path.read_text(encoding="utf-8"), module):
            wrong.append(f"{module}: {test} does not name it")
    assert wrong == []


def test_every_test_file_is_named_after_what_it_tests():
    known = set(modules()) | packages()
    wrong = []
    for test in suite_files():
        where = test.parent.relative_to(TESTS).as_posix().removeprefix(".")
        if where.split("/")[0] in CROSS_CUTTING:
            continue
        stem = test.stem.removeprefix("test_")
        here = [m.rpartition("/")[2] for m in known if m.rpartition("/")[0] == where and m]
        fits = [n for n in here if stem == n or stem.startswith(f"{n}_")]
        if where not in packages() or not (fits or stem == where.rpartition("/")[2]):
            wrong.append(test.relative_to(TESTS).as_posix())
    assert wrong == [], f"named after no module of reportgen/<same folder>: {wrong}"


def test_the_cross_cutting_folders_are_no_package():
    assert not CROSS_CUTTING & packages()
    assert {p.name for p in TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"} <= (
        CROSS_CUTTING | {p.split("/")[0] for p in packages() if p}
    )
