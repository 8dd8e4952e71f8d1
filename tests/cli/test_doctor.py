"""`reportgen doctor` and `reportgen --version`: one line per check, each failed one with its
fix, exit 1 when a build would fail; and a Keras backend other than TensorFlow refused in one
line before anything trains."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from reportgen import tfenv
from reportgen.cli import doctor
from reportgen.cli.main import main
from reportgen.errors import UserError
from reportgen.project.origin import Source
from reportgen.render import native

NAMES = [
    "Python",
    "reportgen",
    "dependencies",
    "TensorFlow",
    "Keras",
    "Pango",
    "fonts",
    "hardware",
    "cache folder",
    "free disk",
    "project",
]


def run_doctor(capsys, **flags) -> tuple[int, dict[str, str], str]:
    """doctor's exit code, its lines by check name (state and text), and its last line."""
    code = doctor.cmd_doctor(argparse.Namespace(**flags))
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("reportgen doctor: ")
    checks = {line[6:18].strip(): line for line in out[1:-1]}
    assert list(checks) == NAMES
    return code, checks, out[-1]


def state(line: str) -> str:
    return line.split()[0]


@pytest.fixture
def a_project(project):
    (project / "reportgen.toml").write_text('[student]\nid = "R05942017"\n', encoding="utf-8")
    return project


def test_doctor_on_this_machine(a_project, capsys):
    code, checks, last = run_doctor(capsys)
    assert code == 0, checks
    assert {state(line) for line in checks.values()} <= {"ok", "warn"}
    assert last == "doctor: everything a build needs is here"
    assert checks["project"] == (
        "ok    project       reportgen.toml valid, 0 runs in runs/, no answers/ folder, "
        "student R05942017"
    )
    assert "backend tensorflow" in checks["Keras"]
    assert "precision " in checks["hardware"]
    assert "writable" in checks["cache folder"]


def test_a_folder_that_is_no_project_yet_is_a_warning(project, capsys):
    code, checks, _ = run_doctor(capsys)
    assert code == 0
    assert state(checks["project"]) == "warn"
    assert checks["project"].endswith(
        "; fix: reportgen init --student-id R0XXXXXXX (or pass --student-id to build)"
    )


def test_a_bad_reportgen_toml_fails_with_the_key(a_project, capsys):
    (a_project / "reportgen.toml").write_text('[report]\nlang = "fr"\n', encoding="utf-8")
    code, checks, last = run_doctor(capsys)
    assert code == 1
    assert state(checks["project"]) == "FAIL" and "lang" in checks["project"]
    assert last.startswith("doctor: a build needs project fixed first")


@pytest.mark.parametrize("platform, fix", [("darwin", "brew install pango"), ("linux", "libpango")])
def test_a_hidden_pango_fails_in_one_line_with_its_fix(
    no_pango,
    a_project,
    capsys,
    monkeypatch,
    platform,
    fix,
):
    monkeypatch.setattr(native.sys, "platform", platform)
    code, checks, last = run_doctor(capsys)
    assert code == 1
    assert state(checks["Pango"]) == "FAIL"
    assert "WeasyPrint cannot load Pango" in checks["Pango"] and fix in checks["Pango"]
    assert last == "doctor: a build needs Pango fixed first (see the fixes above)"


def test_another_keras_backend_fails_with_its_fix(a_project, capsys, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    code, checks, _ = run_doctor(capsys)
    assert code == 1
    assert state(checks["Keras"]) == "FAIL"
    assert "KERAS_BACKEND is 'jax'" in checks["Keras"]
    assert "KERAS_BACKEND=tensorflow" in checks["Keras"]
    assert state(checks["hardware"]) == "ok"  # TensorFlow itself does not mind
    with pytest.raises(UserError, match="KERAS_BACKEND is 'jax'"):
        tfenv.tensorflow()  # what training and the explanation methods import TensorFlow by


def test_little_disk_and_an_unwritable_cache_fail_with_their_fixes(a_project, capsys, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda path: usage(10, 10, 100 * 1024**2))
    real_access = os.access
    cache = doctor.cache_root()
    cache.mkdir()
    monkeypatch.setattr(
        doctor.os, "access", lambda path, mode: Path(path) != cache and real_access(path, mode)
    )
    code, checks, _ = run_doctor(capsys)
    assert code == 1
    assert checks["free disk"].startswith("FAIL  free disk     0.1 GB free; fix: free some space")
    assert checks["cache folder"] == (
        f"FAIL  cache folder  {cache} is not writable; fix: set REPORTGEN_CACHE_DIR to a folder "
        "you can write"
    )
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda path: usage(10, 10, 1024**3))
    _, checks, _ = run_doctor(capsys)
    assert state(checks["free disk"]) == "warn"


@pytest.mark.parametrize(
    "source, text",
    [
        (Source("release", "0.4.0"), "0.4.0 (release, installed from the package index)"),
        (
            Source("release", "0.4.0", None, "fer_reportgen-0.4.0-py3-none-any.whl"),
            "0.4.0 (release, installed from fer_reportgen-0.4.0-py3-none-any.whl)",
        ),
        (
            Source("commit", "0.4.1.dev3+g1a2b3c4", "1a2b3c4", "https://x/fer-reportgen"),
            "0.4.1.dev3+g1a2b3c4 (git commit 1a2b3c4, not a release, installed from "
            "https://x/fer-reportgen)",
        ),
        (
            Source("checkout", "0.4.1.dev3+g1a2b3c4", "9f8e7d6c5b4a", "/src/fer-reportgen", True),
            "0.4.1.dev3+g1a2b3c4 (git commit 9f8e7d6c5b4a of the checkout /src/fer-reportgen, "
            "editable install, with uncommitted changes)",
        ),
        (
            Source("folder", "0+unknown", None, "/src/fer-reportgen"),
            "0+unknown (not installed: imported from /src/fer-reportgen, no git commit)",
        ),
    ],
)
def test_the_version_says_where_it_came_from(source, text):
    assert doctor.version_text(source) == text


def _reportgen(cwd: Path, *argv: str, **env: str) -> subprocess.CompletedProcess:
    """reportgen ARGV in its own process, with the test's environment (its cache_dir) and env."""
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *argv],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


def test_the_command_line_has_version_and_doctor(a_project, capsys):
    assert main(["doctor"]) == 0
    assert "doctor: everything a build needs is here" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("reportgen ")
    (a_project / "reportgen.toml").write_text('[report]\nlang = "fr"\n', encoding="utf-8")
    assert main(["doctor"]) == 1  # doctor reports a bad reportgen.toml instead of refusing it


def test_another_keras_backend_stops_a_build_in_one_line_before_anything_trains(
    tmp_path, cache_dir
):
    """KERAS_BACKEND=jax exported: exit 2, one line with the fix, no runs/ made (in a process
    of its own: Keras is imported here already)."""
    done = _reportgen(
        tmp_path, "build", "--student-id", "R05942017", "--profile", "tiny", KERAS_BACKEND="jax"
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("reportgen: error: KERAS_BACKEND is 'jax'")
    assert "`KERAS_BACKEND=tensorflow reportgen ...`" in line
    assert not (tmp_path / "runs").exists()
