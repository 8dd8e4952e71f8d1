"""reportgen's wheel, built from a copy of the checkout's package files.

setuptools builds in the source folder (build/, *.egg-info), and the checkout's build/ is the
report's section cache: so the wheel is built from a copy holding what the wheel is made of.
The copy has no git history, so its version is the checkout's, given to setuptools-scm as
the version to pretend (a tagged commit builds 0.4.0, a later one 0.4.1.devN+g<commit>).
"""

from __future__ import annotations

import os
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


def checkout_version() -> str | None:
    """The version setuptools-scm gives the checkout (None: it is not installed here)."""
    done = subprocess.run(
        [sys.executable, "-m", "setuptools_scm"], cwd=CHECKOUT, capture_output=True, text=True
    )
    lines = done.stdout.split()
    return lines[-1] if done.returncode == 0 and lines else None


def build_wheel(workdir: Path, *, offline: bool = False, version: str | None = None) -> Path:
    """Build the wheel under workdir and return its path. offline: with the setuptools of
    this Python (no build isolation, no index), as the tests do. version: the wheel's
    (default: the checkout's)."""
    source = source_copy(workdir / "src")
    out = workdir / "dist"
    argv = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out)]
    if offline:
        argv += ["--no-build-isolation", "--no-index"]
    env = dict(os.environ)
    version = version or checkout_version()
    if version:
        env["SETUPTOOLS_SCM_PRETEND_VERSION_FOR_FER_REPORTGEN"] = version
    subprocess.run([*argv, str(source)], check=True, capture_output=True, text=True, env=env)
    (wheel,) = out.glob("*.whl")
    return wheel
