"""reportgen's wheel, built from a copy of the checkout's package files.

setuptools builds in the source folder (build/, *.egg-info), and the checkout's build/ is the
report's section cache: so the wheel is built from a copy holding what the wheel is made of.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SOURCE_FILES = ("pyproject.toml", "README.md", "reportgen")


def source_copy(dest: Path) -> Path:
    """The files a wheel is built from, copied into dest (without caches)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SOURCE_FILES:
        src = CHECKOUT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def build_wheel(workdir: Path, *, offline: bool = False) -> Path:
    """Build the wheel under workdir and return its path. offline: with the setuptools of
    this Python (no build isolation, no index), as the tests do."""
    source = source_copy(workdir / "src")
    out = workdir / "dist"
    argv = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out)]
    if offline:
        argv += ["--no-build-isolation", "--no-index"]
    subprocess.run([*argv, str(source)], check=True, capture_output=True, text=True)
    (wheel,) = out.glob("*.whl")
    return wheel
