"""A release in one step: the version from the git tag (setuptools-scm), the release workflow
(.github/workflows/release.yml: build, check, the tiny report from the wheel in a fresh venv,
trusted publishing), the changelog, and the README's install. The workflow cannot run here;
its build and checks do, on a copy of the package in a git repository with a test tag."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from reportgen import SOURCE_ROOT
from reportgen.project import ci
from tests.helpers import git, workflow_is_clean
from tools.wheelbuild import source_copy

WORKFLOW = SOURCE_ROOT / ".github" / "workflows" / "release.yml"
RELEASE_CHECK = "tools/release_check.sh"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")
CHANGELOG = SOURCE_ROOT / "CHANGELOG.md"
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_the_release_workflow_passes_the_schema_and_zizmor():
    workflow_is_clean(WORKFLOW)


def test_a_v_tag_builds_checks_and_publishes_by_trusted_publishing():
    workflow = _workflow()
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML reads `on:` as True
    assert workflow["permissions"] == {}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in build["steps"]]
    assert f"{RELEASE_CHECK} python" in runs
    # Only the publishing job gets the OIDC token, in its environment, after the checks.
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    (*_, last) = publish["steps"]
    assert last["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in last  # no token, no password: trusted publishing
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "secrets." not in text and "password" not in text and "cache:" not in text


def test_its_actions_are_pinned_to_commits():
    jobs = _workflow()["jobs"].values()
    uses = {s["uses"].split(" ")[0] for job in jobs for s in job["steps"] if "uses" in s}
    assert all(PINNED.match(u) for u in uses), uses
    for shared in (ci.CHECKOUT, ci.SETUP_PYTHON, ci.UPLOAD_ARTIFACT):  # as the students' workflow
        assert shared.split(" #")[0] in uses
    text = WORKFLOW.read_text(encoding="utf-8")
    for use in uses:  # each with its release in a comment
        assert re.search(rf"{re.escape(use)} # v\d+\.\d+\.\d+", text), use


def test_it_installs_the_tools_the_dev_extra_names():
    """build, twine and check-wheel-contents at the versions pyproject.toml's dev extra asks for
    (Dependabot updates both)."""
    pyproject = tomllib.loads((SOURCE_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dev = {
        Requirement(r).name: str(Requirement(r))
        for r in pyproject["project"]["optional-dependencies"]["dev"]
    }
    steps = _workflow()["jobs"]["build"]["steps"]
    (install,) = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    asked = {Requirement(r).name: str(Requirement(r)) for r in re.findall(r'"([^"]+)"', install)}
    assert asked == {name: dev[name] for name in ("build", "twine", "check-wheel-contents")}


def _build(repo: Path) -> list[Path]:
    """The sdist and the wheel, as release_check.sh builds them (offline: this Python's
    setuptools and setuptools-scm, no isolation), after its checks pass on them."""
    out = repo / "dist"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SETUPTOOLS_SCM")}

    def run(*argv: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", *argv], cwd=repo, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr

    run("build", "--no-isolation", "--outdir", str(out), str(repo))
    built = sorted(out.iterdir())
    run("twine", "check", "--strict", *map(str, built))
    run("check_wheel_contents", "--package", "reportgen", *map(str, out.glob("*.whl")))
    return built


def test_the_version_comes_from_the_tag(tmp_path):
    """A copy of the package in a git repository tagged v9.8.7 builds 9.8.7 (sdist and
    wheel, each passing the release's checks); the commit after it builds 9.8.8.dev1+g<it>."""
    repo = source_copy(tmp_path / "repo")
    git(repo, "init", "--quiet")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "release")
    git(repo, "tag", "v9.8.7")
    built = _build(repo)
    assert [p.name for p in built] == [
        "fer_reportgen-9.8.7-py3-none-any.whl",
        "fer_reportgen-9.8.7.tar.gz",
    ]
    with zipfile.ZipFile(built[0]) as wheel:
        meta = wheel.read("fer_reportgen-9.8.7.dist-info/METADATA").decode()
    assert "Version: 9.8.7" in meta.splitlines()
    source = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f"Project-URL: Source, {source['urls']['Source']}" in meta.splitlines()

    for path in built:
        path.unlink()
    (repo / "README.md").write_text("# reportgen\n", encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "after the release")
    (wheel, _) = _build(repo)
    version = wheel.name.split("-")[1]
    assert version == f"9.8.8.dev1+g{git(repo, 'rev-parse', '--short=9', 'HEAD')}"
    assert Version(version) > Version("9.8.7")


def test_the_release_check_is_one_script(tmp_path):
    """release_check.sh (what the workflow runs) builds, checks, and hands the fresh venv's
    reportgen to the build-and-check that every CI runs; a tag without its changelog section
    or of another version stops it."""
    script = (SOURCE_ROOT / RELEASE_CHECK).read_text(encoding="utf-8")
    assert os.access(SOURCE_ROOT / RELEASE_CHECK, os.X_OK)
    for step in ("-m build", "-m twine check --strict", "-m check_wheel_contents --package"):
        assert step in script
    assert 'tools/build_and_check.sh "$work/venv/bin/reportgen"' in script
    assert "CHANGELOG.md" in script and "GITHUB_REF_NAME" in script


def test_the_changelog_keeps_a_changelog():
    """Keep a Changelog's form: an Unreleased section, then every release, newest first, with
    its date and its changes under Added, Changed, ... ; the newest is the tag to come."""
    text = CHANGELOG.read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert headings[0] == ("Unreleased", "")
    releases = [Version(v) for v, _ in headings[1:]]
    assert len(releases) >= 4 and releases == sorted(releases, reverse=True)
    assert all(date for _, date in headings[1:])
    assert set(re.findall(r"^### (.+)$", text, re.M)) <= SECTIONS
    assert len(re.findall(r"^## ", text, re.M)) == len(headings)  # no other second-level heading


def test_the_readme_installs_the_release_first():
    readme = (SOURCE_ROOT / "README.md").read_text(encoding="utf-8")
    install = readme.split("## Install once", 1)[1].split("```")[1].strip().splitlines()
    assert install[0].startswith("pip install fer-reportgen ")
    block = "\n".join(install)
    assert "pipx install fer-reportgen" in block and "uv tool install fer-reportgen" in block
    rest = readme.split("## Install once", 1)[1].split("## ", 1)[0]
    assert "pip install ./fer-reportgen" in rest  # a checkout
    assert re.search(r"pip install \./fer_reportgen-[\d.]+-py3-none-any\.whl", rest)  # a wheel


@pytest.mark.parametrize("path", [RELEASE_CHECK, "tools/build_and_check.sh", ".ci/run"])
def test_the_scripts_are_bash_that_parses(path):
    done = subprocess.run(["bash", "-n", SOURCE_ROOT / path], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
