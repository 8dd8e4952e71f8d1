"""The project's code that each cache key covers, found and hashed from the files themselves.

A key that covers code names the modules it starts from; its files are those modules and
every project module they import, directly or not, found by parsing (never by importing:
imports inside functions and under TYPE_CHECKING count too), but for the modules the key
takes as values instead. Each file is hashed as `ast` sees it with its docstrings removed,
so a comment or a docstring changes no key and any change to the code does. No list of
files and no version number has to be kept up to date by hand.

- A run (runs/spec.py RunSpec.key): TRAINING and what it imports; RUN_VALUES are not
  followed.
- A section (build.section_key): its question module and what it imports; SECTION_VALUES
  and the training code are not followed (the training code reaches a section through the
  keys of its runs). The code that reads a run back (runs/run.py) is followed.
- The data loader's cache, the synthetic faces' cache and the font subsets: their module
  and everything it imports (module_digest).
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from reportgen import PACKAGE_DIR, SOURCE_ROOT

# Where a run comes from: the trainer, the importer of a student's trained model (what the
# store calls to make a run), and the catalog's reader and writer of a run folder (what is
# on disk for a key is the trainer's output as written there).
TRAINING = ("reportgen.runs.train", "reportgen.runs.imported", "reportgen.store.run_files")

# Imports a run key does not follow as code, and why.
RUN_VALUES: dict[str, str] = {
    "reportgen.settings.config": "a run gets its settings through its spec, whose values are in the key",
    "reportgen.settings.profiles": "likewise: the profile's recipe and model are the spec's values",
    "reportgen.runs.spec": "the spec itself: its key_dict is in the key",
    "reportgen.runs.plan": "how long a run trains: epochs are not in a run key (runs/spec.py)",
    "reportgen.progress": "what is shown while a run trains, not what it trains",
}
# The package's own __init__ alone (not what is inside the package): its version and where its
# files are, which change nothing a run trains into.
PACKAGE_INIT = PACKAGE_DIR.name

# Imports a section key does not follow as code, with the values that stand for them.
SECTION_VALUES: dict[str, str] = {
    "reportgen.settings.config": "the settings the module declares in params()",
    "reportgen.settings.profiles": "the profile values the module declares in params()",
}


def content_key(kind: str, parts: Mapping[str, Any], length: int = 16) -> str:
    """The one recipe of every content key (runs, measured and presented sections, the
    loader's cache, the synthetic faces, font subsets): sha256 of the kind and its parts as
    canonical JSON (sorted keys, no spaces), `length` hex digits of it. Parts are plain data:
    numbers, text, lists, mappings; a digest of code or files is one of them."""
    blob = json.dumps({"kind": kind, **parts}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:length]


def module_file(name: str) -> Path | None:
    """The project file of a dotted module name (its __init__.py for a package), or None
    for a module outside the project (numpy, keras, ...: installed beside reportgen, they
    share its SOURCE_ROOT, so the package's name decides)."""
    if name.split(".")[0] != PACKAGE_DIR.name:
        return None
    base = SOURCE_ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
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


def under(packages: Collection[str]) -> Callable[[str], bool]:
    """Whether a module name is one of packages or inside one of them."""
    return lambda name: any(name == p or name.startswith(p + ".") for p in packages)


def code_modules(
    starts: Iterable[str], stop: Callable[[str], bool] = lambda name: False
) -> dict[str, Path]:
    """Module name -> file of every project module the starts run when imported and called:
    themselves and what they import, transitively, but for the modules `stop` accepts."""
    seen: dict[str, Path] = {}
    visited: set[str] = set()
    todo = list(starts)
    while todo:
        for part in _with_parents(todo.pop()):
            path = None if part in visited or stop(part) else module_file(part)
            visited.add(part)
            if path is not None:
                seen[part] = path
                todo.extend(imported_names(path, part))
            if part in seen and seen[part].name != "__init__.py":
                break  # a plain module: what follows in the name is a name inside it
    return seen


def code_files(module: str, stop: Callable[[str], bool] = lambda name: False) -> tuple[Path, ...]:
    """The files of code_modules((module,), stop), sorted."""
    return tuple(sorted(set(code_modules((module,), stop).values())))


def training_modules() -> dict[str, Path]:
    """The code a run key covers: TRAINING and what it imports, RUN_VALUES left out."""
    values = under(RUN_VALUES)
    return code_modules(TRAINING, lambda name: name == PACKAGE_INIT or values(name))


def section_files(module: str) -> tuple[Path, ...]:
    """The code a section key covers: the question module and what it imports, but for
    SECTION_VALUES and the training code (in the keys of the section's runs)."""
    training = training_modules()
    values = under(SECTION_VALUES)
    return code_files(module, lambda name: values(name) or name in training)


# What presents a measurement (figures, words, blocks): a measurement's key never follows it.
PRESENTING = ("reportgen.plots", "reportgen.words", "reportgen.render")


def measuring_digest(module: str) -> str:
    """The digest of the code a question's measurement runs: the module's own definitions
    that its `measure` reaches by name (functions, classes, constants), and the project
    modules they import, transitively, but for PRESENTING, SECTION_VALUES and the training
    code. So an edit to how a section is presented, or to its words, changes no measurement."""
    path = module_file(module)
    if path is None:
        raise ValueError(f"no project module {module}")
    tree = ast.parse(path.read_bytes(), str(path))
    definitions = _definitions(tree)
    reached = _reached(definitions, "measure")
    bound = _import_bindings(tree.body)
    starts = {bound[name] for name in reached if name in bound}
    for name in reached & definitions.keys():
        starts |= set(_import_bindings(list(ast.walk(definitions[name]))).values())
    training, values, presenting = training_modules(), under(SECTION_VALUES), under(PRESENTING)
    files = code_modules(
        sorted(starts), lambda n: n == module or n in training or values(n) or presenting(n)
    )
    own = "\n".join(ast_text(definitions[n]) for n in sorted(reached & definitions.keys()))
    h = hashlib.sha256(own.encode())
    h.update(code_digest(sorted(set(files.values()))).encode())
    return h.hexdigest()


def _definitions(tree: ast.Module) -> dict[str, ast.stmt]:
    """A module's top-level definitions by name: functions, classes, assigned names."""
    found: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        found[name.id] = node
    return found


def _reached(definitions: dict[str, ast.stmt], start: str) -> set[str]:
    """Every name the definition `start` uses, and those the definitions it uses use."""
    reached: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        if name in definitions:
            todo += [n.id for n in ast.walk(definitions[name]) if isinstance(n, ast.Name)]
    return reached


def _import_bindings(statements: Iterable[ast.AST]) -> dict[str, str]:
    """Name bound -> the module it names, for the absolute imports among the statements
    (`from a.b import c` binds c to a.b.c, which code_modules reads as a module or as a
    name inside a.b)."""
    bound: dict[str, str] = {}
    for node in statements:
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


@cache
def training_digest() -> str:
    """The digest of the training code, as every run key holds it. Once per process: it
    trains with the code it has imported (and run keys are asked for often)."""
    return code_digest(sorted(set(training_modules().values())))


def module_digest(module: str) -> str:
    """The digest of a module and everything it imports in the project (a cache's code),
    the package's own __init__ (its version) aside."""
    return code_digest(code_files(module, lambda name: name == PACKAGE_INIT))


def code_digest(paths: Iterable[Path]) -> str:
    """sha256 over each file's path (relative to the project) and its code as `ast` sees it,
    docstrings removed: comments, docstrings and layout do not count."""
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(SOURCE_ROOT)).encode() + b"\0")
        h.update(_normalized_digest(path.read_bytes(), path.name).encode() + b"\0")
    return h.hexdigest()


@cache
def _normalized_digest(source: bytes, name: str) -> str:
    return hashlib.sha256(normalized(source, name).encode()).hexdigest()


def normalized(source: bytes, name: str = "<source>") -> str:
    """The code of a Python file as `ast` sees it, every docstring removed, written out by
    ast_text (not ast.dump, whose text differs between Python versions)."""
    tree = ast.parse(source, name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            node.body = [s for i, s in enumerate(node.body) if i or not _is_docstring(s)]
    return ast_text(tree)


def ast_text(node: object) -> str:
    """A syntax tree as text, fields that are None or empty left out: the same on Python 3.11
    to 3.13 (whose ast.dump writes them differently, and whose newer fields, such as
    type_params, are empty in code that does not use them), so that a run trained under one
    Python is reused under another."""
    if isinstance(node, ast.AST):
        fields = (f"{k}={ast_text(v)}" for k, v in ast.iter_fields(node) if v not in (None, []))
        return f"{type(node).__name__}({', '.join(fields)})"
    if isinstance(node, list):
        return f"[{', '.join(ast_text(item) for item in node)}]"
    return repr(node)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def digest(paths: Iterable[Path]) -> str:
    """sha256 over each file's path (relative to the project) and bytes; a missing file
    counts as missing (for files that are not code: prose templates, catalogs)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(SOURCE_ROOT)).encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"\0missing\0")
    return h.hexdigest()
