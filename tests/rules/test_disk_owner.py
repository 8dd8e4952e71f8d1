"""One owner for what is on disk: outside reportgen/store/ (the owner of disk), no module
writes, truncates or deletes a file, but for the atomic helpers of reportgen/store/files.py."""

from __future__ import annotations

import ast
from pathlib import Path

from reportgen import PACKAGE_DIR, SOURCE_ROOT

OWNER = PACKAGE_DIR / "store"
# The helpers the owner writes with: a temporary file, renamed over the target or removed.
ATOMIC_HELPERS = {
    ("reportgen/store/files.py", "atomic_path"),
    ("reportgen/store/files.py", "write_bytes_atomic"),
}
WRITING_CALLS = {"write_bytes", "write_text", "rmtree", "unlink", "rmdir"}


def writes(call: ast.Call) -> str | None:
    """What the call does to the disk, if it writes or deletes."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in WRITING_CALLS:
        return name
    if name == "open":
        mode = call.args[1] if len(call.args) > 1 else None
        mode = mode or next((k.value for k in call.keywords if k.arg == "mode"), None)
        if isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+"):
            return f"open(..., {mode.value!r})"
    return None


def writers(path: Path) -> list[tuple[str, str, int, str]]:
    """(file, function, line, what) of every call in the file that writes or deletes."""
    where = str(path.relative_to(SOURCE_ROOT))
    found = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            what = writes(node) if isinstance(node, ast.Call) else None
            if what:
                found.append((where, function.name, node.lineno, what))
    return found


def test_only_the_catalog_writes_to_disk():
    outside = [p for p in sorted(PACKAGE_DIR.rglob("*.py")) if OWNER not in p.parents]
    found = [w for path in outside for w in writers(path) if w[:2] not in ATOMIC_HELPERS]
    assert found == []


def test_the_check_sees_a_write():
    source = "def f(p, q):\n    p.write_text('x')\n    open(q, 'wb')\n    open(q)\n"
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]
    assert [writes(c) for c in calls] == ["write_text", "open(..., 'wb')", None]


def test_the_catalog_writes_runs_sections_caches_and_outputs():
    found = {w[0] for path in sorted(OWNER.rglob("*.py")) for w in writers(path)}
    assert {
        "reportgen/store/run_folders.py",
        "reportgen/store/run_files.py",
        "reportgen/store/section_folders.py",
        "reportgen/store/fingerprints.py",
        "reportgen/store/font_files.py",
        "reportgen/store/outputs.py",
    } <= found
