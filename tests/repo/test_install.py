"""reportgen as students get it: a wheel (or a git URL) installed without -e into a fresh
environment, run in an empty folder outside the checkout, on a machine without
os.sched_getaffinity (macOS and Windows have none). The fresh environments reuse the test
environment's installed dependencies (a .pth file behind their own site-packages), so nothing
is downloaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

from reportgen import PACKAGE_DIR, SOURCE_ROOT
from reportgen.project.ci import WORKFLOW_PATH
from reportgen.project.origin import built_commit, is_release, repository_url
from tests.helpers import git, workflow_is_clean
from tools.wheelbuild import build_wheel, source_copy

BIN = Path(sys.executable).parent
# Run by every Python of the environment at start-up: os as macOS and Windows have it (no
# sched_getaffinity, and on Python 3.13 process_cpu_count is cpu_count, as os.py makes it there).
NO_AFFINITY = (
    'import os; os.__dict__.pop("sched_getaffinity", None); "process_cpu_count" in os.__dict__ '
    'and os.__dict__.__setitem__("process_cpu_count", os.cpu_count)\n'
)
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"{d}{i}" for d in ("com", "lpt") for i in range(10)),
}
WINDOWS_FORBIDDEN = set('<>:"\\|?*') | {chr(c) for c in range(32)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of the checkout, at the version setuptools-scm gives it."""
    return build_wheel(tmp_path_factory.mktemp("wheel"), offline=True)


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def expected_install(version: str) -> str:
    """What a student's workflow installs for a wheel of this version: a release from the
    registry; a commit after one (no such version there) from the repository at its commit."""
    if is_release(version):
        return f"fer-reportgen=={version}"
    return f"fer-reportgen @ git+{repository_url()}@{built_commit(version)}"


def expected_version_line(version: str, wheel: Path) -> str:
    if is_release(version):
        return f"reportgen {version} (release, installed from {wheel.name})"
    commit = built_commit(version)
    return f"reportgen {version} (git commit {commit}, not a release, installed from {wheel.name})"


def fresh_env(folder: Path, *, without_affinity: bool = False) -> Path:
    """A new venv that sees the test environment's packages behind its own; its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
    ).strip()
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    lines = "".join(f"{path}\n" for path in ours) + (NO_AFFINITY if without_affinity else "")
    Path(purelib, "zz_test_environment.pth").write_text(lines, encoding="utf-8")
    return python


def pip_install(python: Path, *what: str) -> None:
    argv = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    # --force-reinstall: the test environment, which the fresh one sees, may hold this version
    argv += ["--no-deps", "--no-index", "--no-build-isolation", "--force-reinstall", *what]
    done = subprocess.run(argv, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def run(python: Path, cwd: Path, *argv: str, cache: Path) -> subprocess.CompletedProcess:
    """`reportgen ARGV` of that environment, in cwd, with nothing pointing at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {"REPORTGEN_CACHE_DIR": str(cache), "PATH": f"{python.parent}{os.pathsep}{env['PATH']}"}
    return subprocess.run(
        [python.parent / "reportgen", *argv], cwd=cwd, env=env, capture_output=True, text=True
    )


def windows_invalid(root: Path) -> list[str]:
    """Names under root that Windows refuses (or folds together): reserved names, forbidden
    characters, a trailing dot or space, two names differing only in case."""
    bad = []
    for folder, dirs, files in os.walk(root):
        names = dirs + files
        if len({n.lower() for n in names}) != len(names):
            bad.append(f"{folder}: names differing only in case")
        for name in names:
            stem = name.split(".")[0].lower()
            if stem in WINDOWS_RESERVED or set(name) & WINDOWS_FORBIDDEN or name[-1] in ". ":
                bad.append(os.path.join(folder, name))
    return bad


def install_line(root: Path) -> str:
    workflow = yaml.safe_load((root / WORKFLOW_PATH).read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    (line,) = [s["run"] for s in job["steps"] if "pip install" in s.get("run", "")]
    return line.strip()


def test_the_wheel_is_one_package_whole(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta = archive.read(f"fer_reportgen-{wheel_version(wheel)}.dist-info/METADATA").decode()
    tops = {n.split("/")[0] for n in names if ".dist-info/" not in n}
    assert tops == {"reportgen"}
    assert "Name: fer-reportgen" in meta.splitlines()
    package = {
        p.relative_to(SOURCE_ROOT).as_posix()
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert package - names == set()  # every file of the package, templates and catalogs too
    for needed in (
        "reportgen/templates/courses/ml2019.toml",
        "reportgen/words/zh/words.toml",
        "reportgen/words/en/q7_lime.md.j2",
        "reportgen/templates/report.css",
        "reportgen/questions/q8_gradcam.py",
        "reportgen/settings/profiles.toml",
    ):
        assert needed in names
    assert windows_invalid(PACKAGE_DIR) == []


def test_the_installed_wheel_builds_a_report_in_any_folder(wheel, tmp_path, cache_dir):
    """init, build --profile tiny (training the CNN), check: the installed copy, in an empty
    folder outside the checkout, on a Python without os.sched_getaffinity."""
    python = fresh_env(tmp_path / "venv", without_affinity=True)
    pip_install(python, str(wheel))
    project, cache = tmp_path / "hw3", cache_dir
    project.mkdir()
    assert not project.resolve().is_relative_to(SOURCE_ROOT.resolve())
    probe = "import os, reportgen; print(reportgen.__file__, hasattr(os, 'sched_getaffinity'))"
    where = subprocess.run([python, "-c", probe], cwd=project, capture_output=True, text=True)
    package_file, affinity = where.stdout.split()
    assert Path(package_file).is_relative_to(tmp_path / "venv") and affinity == "False"

    flags = ["--student-id", "R05942017", "--profile", "tiny", "--template", "ml2019-hw4"]
    done = run(python, project, "init", *flags, "--ci", "github", cache=cache)
    assert done.returncode == 0, done.stderr
    done = run(python, project, "build", "--profile", "tiny", "--quiet", cache=cache)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    done = run(python, project, "check", cache=cache)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(f"{project / 'Report.pdf'}: OK (")
    assert {"runs", "build", "answers", "Report.pdf"} <= {p.name for p in project.iterdir()}
    assert windows_invalid(project) == []
    # Installed from a wheel, the workflow installs this version: a release by our registry
    # name, a commit after one from the repository.
    version = wheel_version(wheel)
    assert install_line(project) == f'python -m pip install "{expected_install(version)}"'
    workflow_is_clean(project / WORKFLOW_PATH)


@pytest.mark.parametrize("release", [False, True], ids=["this-commit", "a-release"])
def test_the_installed_wheel_says_where_it_came_from(wheel, release, tmp_path, cache_dir):
    """--version, doctor and init --ci's install line of an installed wheel: the checkout's
    (a commit after a release, unless the checkout is a tagged commit) and a release's."""
    if release:
        wheel = build_wheel(tmp_path / "wheel", offline=True, version="0.4.0")
    python = fresh_env(tmp_path / "venv")
    pip_install(python, str(wheel))
    project, cache = tmp_path / "hw3", cache_dir
    project.mkdir()
    version = wheel_version(wheel)
    done = run(python, project, "--version", cache=cache)
    assert (done.returncode, done.stdout.strip()) == (0, expected_version_line(version, wheel))
    if release:
        assert version == "0.4.0" and "(release, installed from" in done.stdout
    done = run(python, project, "init", "--student-id", "R05942017", "--ci", "github", cache=cache)
    assert done.returncode == 0, done.stderr
    assert install_line(project) == f'python -m pip install "{expected_install(version)}"'
    done = run(python, project, "doctor", cache=cache)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()[1:-1]
    assert len(lines) == 11 and all(line.split()[0] in ("ok", "warn") for line in lines), lines
    assert f"reportgen     {expected_version_line(version, wheel).split(' ', 1)[1]}" in lines[1]
    assert "student R05942017" in lines[-1]


def test_a_git_install_writes_a_workflow_that_installs_that_commit(tmp_path, cache_dir):
    """pip install git+URL (a clone of this tree whose origin is a public URL): the workflow
    installs the public URL at the installed commit, and passes the schema and zizmor."""
    repo = source_copy(tmp_path / "repo")
    git(repo, "init", "--quiet")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "reportgen")
    git(repo, "remote", "add", "origin", "git@github.com:someone/fer-reportgen.git")
    commit = git(repo, "rev-parse", "HEAD")
    python = fresh_env(tmp_path / "venv")
    pip_install(python, f"git+{repo.as_uri()}")
    site = subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
    )
    (record,) = Path(site.strip()).glob("fer_reportgen-*.dist-info/direct_url.json")
    assert json.loads(record.read_text())["vcs_info"]["commit_id"] == commit  # as pip wrote it

    project = tmp_path / "hw3"
    project.mkdir()
    done = run(python, project, "init", "--ci", "github", cache=cache_dir)
    assert done.returncode == 0, done.stderr
    expected = f"fer-reportgen @ git+https://github.com/someone/fer-reportgen.git@{commit}"
    assert install_line(project) == f'python -m pip install "{expected}"'
    workflow_is_clean(project / WORKFLOW_PATH)


def test_nothing_in_the_package_is_linux_only():
    """No os.sched_getaffinity, no hand-built ~/.cache: the calls that break macOS and Windows."""
    for path in PACKAGE_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("sched_getaffinity", '".cache"', '"XDG_CACHE_HOME"'):
            assert needle not in text, f"{path.relative_to(SOURCE_ROOT)}: {needle}"
