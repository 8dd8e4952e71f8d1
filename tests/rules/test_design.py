"""docs/DESIGN.md points only at what exists: every path of the repository and every
reportgen.* module it names, and its layers are the import contracts' layers."""

from __future__ import annotations

import importlib
import re
import tomllib

import pytest

from reportgen import PACKAGE_DIR, SOURCE_ROOT

DESIGN = SOURCE_ROOT / "docs" / "DESIGN.md"
TEXT = DESIGN.read_text(encoding="utf-8")
# A path in the repository: under one of its folders, or a file of the package's folders
# named in code quotes (relative to reportgen/), like `templates/courses/<id>.toml`.
REPO_PATH = re.compile(
    r"(?<![\w/.])(?:reportgen|tests|docs|tools|notebooks|benchmarks)/[\w./<>*-]*"
)
QUOTED = re.compile(r"`([^`\s]+)`")
PACKAGE_FOLDERS = (
    *("cli/", "project/", "questions/", "plots/", "render/", "measure/", "runs/", "settings/"),
    *("words/", "data/", "store/", "templates/"),
)
MODULE = re.compile(r"\breportgen(?:\.[a-z_][a-z0-9_]*)+(?![\w*])")
PROJECT_FILES = {"reportgen.toml"}  # a project's settings, not a module


def _exists(path: str, base=SOURCE_ROOT) -> bool:
    pattern = re.sub(r"<[^>]*>", "*", path.rstrip("/.")).replace("qN_*", "q*_*")
    return any(base.glob(pattern)) if "*" in pattern else (base / pattern).exists()


def _paths() -> list[str]:
    found = set(REPO_PATH.findall(TEXT))
    quoted = {q for q in QUOTED.findall(TEXT) if q.startswith(PACKAGE_FOLDERS)}
    return sorted(found | {f"reportgen/{q}" for q in quoted})


@pytest.mark.parametrize("path", _paths())
def test_every_path_it_names_exists(path):
    assert _exists(path), f"docs/DESIGN.md names {path}, which does not exist"


@pytest.mark.parametrize("name", sorted(set(MODULE.findall(TEXT)) - PROJECT_FILES))
def test_every_module_it_names_exists(name):
    parts = name.split(".")
    for end in range(len(parts), 0, -1):  # the longest importable prefix, then attributes
        try:
            obj = importlib.import_module(".".join(parts[:end]))
        except ModuleNotFoundError:
            continue
        for attr in parts[end:]:
            assert hasattr(obj, attr), f"docs/DESIGN.md names {name}: no {attr}"
            obj = getattr(obj, attr)
        return
    pytest.fail(f"docs/DESIGN.md names {name}, which is no module")


def test_its_layers_are_the_contracts_layers():
    config = tomllib.loads((SOURCE_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers")
    block = TEXT.split("## Layers", 1)[1].split("```")[1]
    documented = [line.split("  ")[0].strip() for line in block.strip().splitlines()]
    assert documented == contract["layers"]


def test_the_check_finds_what_does_not_exist():
    assert not _exists("course/TEMPLATES.md")
    assert _exists("reportgen/templates/courses/<id>.toml")
    assert not _exists("reportgen/questions/_runs.py")
    assert (PACKAGE_DIR / "settings" / "course.py").is_file()
