"""The types, checked by mypy as `[tool.mypy]` in pyproject.toml sets it: the whole package,
and strictly where it measures (reportgen.measure and the Measured record). Each test fails
with mypy's own report."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from reportgen import SOURCE_ROOT

BIN = Path(sys.executable).parent
STRICT = ["reportgen.measure.*", "reportgen.questions.measured"]


def test_mypy_finds_nothing():
    result = subprocess.run(
        [str(BIN / "mypy")], cwd=SOURCE_ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_measuring_half_is_strict():
    """mypy's --strict, flag by flag, for the measuring modules (`strict = true` in an
    override would turn it on for every module)."""
    config = tomllib.loads((SOURCE_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert mypy["packages"] == ["reportgen"]
    strict = next(o for o in mypy["overrides"] if o["module"] == STRICT)
    assert "strict" not in strict
    assert strict["disallow_untyped_defs"] and strict["warn_return_any"]
    assert strict["implicit_reexport"] is False
