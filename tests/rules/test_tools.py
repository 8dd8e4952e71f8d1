"""The design's rules, checked by tools: the layers of docs/DESIGN.md (import-linter, its
contracts in pyproject.toml), every import declared and every dependency used (deptry), no
dead code (vulture). Each test fails with the tool's own report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reportgen import SOURCE_ROOT

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("tool", ["lint-imports", "deptry", "vulture"])
def test_the_tool_finds_nothing(tool):
    args = {"lint-imports": [], "deptry": ["."], "vulture": []}[tool]
    result = subprocess.run(
        [str(BIN / tool), *args], cwd=SOURCE_ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
