"""The project files a question module reads, found from the files themselves: its code (the
project modules it imports, directly or not, found by parsing, never by importing) and its
words (its prose template, the templates that one includes, the language's catalog).

A section's cache key hashes these files (reportgen.build.section_key), so no list of
paths has to be kept up to date. Three packages are not followed: what a section gets from
them enters its key as values instead (see BY_VALUE).
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from reportgen import SOURCE_ROOT
from reportgen.text import WORDS_FILE, prose_file

# Imports the code digest does not follow, with the values that stand for them in the key.
BY_VALUE: dict[str, str] = {
    "reportgen.config": "the settings the module declares in params()",
    "reportgen.profiles": "the profile values the module declares in params()",
    "reportgen.runs": "the keys of the runs the module reads (spec, data, training code)",
}


def module_file(name: str) -> Path | None:
    """The project file of a dotted module name (its __init__.py for a package), or None
    for a module outside the project (numpy, keras, ...)."""
    base = SOURCE_ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file() and (SOURCE_ROOT / name.split(".")[0] / "__init__.py").is_file():
            return path
    return None


def _package(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported_names(path: Path, name: str) -> tuple[str, ...]:
    """Every module name the file imports anywhere (top level, inside functions, under
    TYPE_CHECKING), relative imports resolved; `from a import b` names a.b as well as a."""
    return _imported_names(path, name, path.stat().st_mtime_ns)


@cache
def _imported_names(path: Path, name: str, mtime_ns: int) -> tuple[str, ...]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = _package(name, path).split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names)
    return tuple(found)


def _with_parents(name: str) -> list[str]:
    """a.b.c -> a, a.b, a.b.c: importing a module runs its packages' __init__ first."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _by_value(name: str) -> bool:
    return any(name == stop or name.startswith(stop + ".") for stop in BY_VALUE)


def code_files(module: str) -> tuple[Path, ...]:
    """The project files the module runs when imported and called: itself and every project
    module it imports, transitively, but for the BY_VALUE packages. Sorted."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        for part in _with_parents(name):
            path = module_file(part)
            if part in seen or path is None or _by_value(part):
                continue
            seen[part] = path
            todo.extend(imported_names(path, part))
    return tuple(sorted(set(seen.values())))


def text_files(lang: str, template: str) -> tuple[Path, ...]:
    """The words a module's section reads: its prose template, the templates that one
    includes or imports, and the language's catalog."""
    from jinja2 import Environment, meta

    first = prose_file(lang, template)
    seen = {first}
    todo = [first]
    while todo:
        path = todo.pop()
        if not path.is_file():
            continue
        parsed = Environment().parse(path.read_text(encoding="utf-8"))
        for ref in meta.find_referenced_templates(parsed):
            if ref is not None and (path.parent / ref) not in seen:
                seen.add(path.parent / ref)
                todo.append(path.parent / ref)
    return (*sorted(seen), first.parent / WORDS_FILE)


def digest(paths: Iterable[Path]) -> str:
    """sha256 over each file's path (relative to the project) and bytes; a missing file
    counts as missing."""
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(SOURCE_ROOT)).encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"\0missing\0")
    return h.hexdigest()
