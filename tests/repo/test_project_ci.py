"""The project's own CI (.github/workflows/ci.yml, .ci/run, .github/dependabot.yml): GitHub's
schemas, zizmor's audits, the actions pinned as the students' workflow pins them, every
promised Python and platform, the same steps as .ci/run, and the skips the suite expects.
The workflow cannot run here; what can be checked here is."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from reportgen import SOURCE_ROOT
from reportgen.project import ci
from tests.conftest import EXPECTED_SKIPS, STRICT_PLATFORMS, unexpected_skip
from tests.helpers import config_is_clean, workflow_is_clean

WORKFLOW = SOURCE_ROOT / ".github" / "workflows" / "ci.yml"
DEPENDABOT = SOURCE_ROOT / ".github" / "dependabot.yml"
CI_RUN = SOURCE_ROOT / ".ci" / "run"
BUILD_AND_CHECK = "tools/build_and_check.sh"


def _job() -> dict:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return job


def test_the_project_workflow_passes_the_schema_and_zizmor():
    workflow_is_clean(WORKFLOW)


def test_it_runs_on_every_promised_python_and_platform():
    """The README's Python 3.11 to 3.13 on Linux, and Colab's 3.13 on macOS (arm64)."""
    job = _job()
    runs = {(m["os"], m["python"]) for m in job["strategy"]["matrix"]["include"]}
    assert runs == {
        ("ubuntu-latest", "3.11"),
        ("ubuntu-latest", "3.12"),
        ("ubuntu-latest", "3.13"),
        ("macos-latest", "3.13"),  # GitHub's macos-latest runners are Apple silicon
    }
    assert job["strategy"]["fail-fast"] is False


def test_it_runs_what_ci_run_runs():
    """ruff, the README's test command and the one build-and-check script, as .ci/run does."""
    steps = _job()["steps"]
    commands = [s["run"] for s in steps if "run" in s and "Pango" not in s["name"]]
    lint = [".venv/bin/ruff check .", ".venv/bin/ruff format --check ."]
    assert commands == ["./dev --version", *lint, "./dev test", BUILD_AND_CHECK]
    ci_run = [
        line
        for line in CI_RUN.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci_run == ["./dev test", *lint, BUILD_AND_CHECK]
    assert os.access(SOURCE_ROOT / BUILD_AND_CHECK, os.X_OK)


def test_it_pins_the_students_actions_and_caches_pip():
    steps = _job()["steps"]
    uses = {s["uses"].split("@")[0]: s["uses"] for s in steps if "uses" in s}
    assert uses == {  # the same commits as the students' workflow
        "actions/checkout": ci.CHECKOUT.split(" #")[0],
        "actions/setup-python": ci.SETUP_PYTHON.split(" #")[0],
    }
    (setup,) = [s for s in steps if s.get("uses", "").startswith("actions/setup-python")]
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "pyproject.toml"
    pango = " ".join(s.get("run", "") for s in steps if "Pango" in s.get("name", ""))
    assert "brew install pango" in pango and "libpango-1.0-0" in pango


def test_dependabot_keeps_the_actions_and_the_python_requirements_current():
    config_is_clean(DEPENDABOT, "vendor.dependabot")
    updates = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))["updates"]
    assert {u["package-ecosystem"] for u in updates} == {"github-actions", "pip"}


def test_the_expected_skips():
    assert {"linux"} == STRICT_PLATFORMS
    assert not unexpected_skip("needs /dev/full", "darwin")  # macOS has no /dev/full
    assert unexpected_skip("needs /dev/full", "linux")
    assert not unexpected_skip("a system font covers U+13000", "linux")
    assert unexpected_skip("anything else", "linux")
    assert not unexpected_skip("anything else", "darwin")  # reported, not failed
    assert set(EXPECTED_SKIPS) == {"needs /dev/full", "a system font covers U+13000"}


SKIPPING = """
import pytest


def test_expected():
    pytest.skip("a system font covers U+13000")


@pytest.mark.skipif(True, reason="needs /dev/full")
def test_needs_dev_full():
    pass


def test_unexpected():
    pytest.skip("the network is down")
"""


@pytest.mark.parametrize("workers", ["0", "2"])
def test_an_unexpected_skip_fails_the_run_on_linux(tmp_path, workers):
    """The suite's conftest, as a plugin, on a file of skips (with xdist's workers too)."""
    (tmp_path / "test_skips.py").write_text(SKIPPING, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SOURCE_ROOT)}
    argv = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*argv, "-q", "-n", workers, "test_skips.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    summary = done.stdout.strip().splitlines()[-1]
    if sys.platform in STRICT_PLATFORMS:
        assert done.returncode == 1, done.stdout
        assert "unexpected skip on linux: 'the network is down'" in done.stdout
        assert "unexpected skip on linux: 'needs /dev/full'" in done.stdout
        assert "1 skipped" in summary
    else:
        assert done.returncode == 0, done.stdout
        assert "3 skipped" in summary
