"""What differs between Linux, macOS, Windows and Colab: a missing Pango, cache folders,
the core count, and where an installed copy came from (the workflow's install line)."""

from __future__ import annotations

import importlib.abc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen import NOT_INSTALLED, SOURCE_ROOT, tfenv
from reportgen.cli.main import main
from reportgen.project import origin
from reportgen.render import fonts, native
from reportgen.store import cachedir

GOBJECT_MISSING = (
    "cannot load library 'gobject-2.0-0': gobject-2.0-0: cannot open shared object file: No "
    "such file or directory.  Additionally, ctypes.util.find_library() did not manage to "
    "locate a library called 'gobject-2.0-0'"
)


class _NoPango(importlib.abc.MetaPathFinder):
    """Importing weasyprint fails as it does where Pango is missing."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            print("\n-----\nWeasyPrint could not import some external libraries.\n-----\n")
            raise OSError(GOBJECT_MISSING)
        return None


@pytest.fixture
def no_pango(monkeypatch):
    for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "reportgen.render.fetcher", raising=False)
    monkeypatch.delitem(sys.modules, "reportgen.render.report", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])


@pytest.mark.parametrize(
    "platform, fix",
    [
        ("darwin", "brew install pango"),
        ("win32", "WSL2"),
        ("linux", "libpango-1.0-0 libpangoft2-1.0-0"),
    ],
)
def test_a_missing_pango_is_one_line_with_the_platforms_fix(
    no_pango, project, monkeypatch, capsys, platform, fix
):
    monkeypatch.setattr(native.sys, "platform", platform)
    code = main(["build", "--student-id", "R05942017", "--profile", "tiny"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""  # WeasyPrint's banner is not shown
    (line,) = err.splitlines()
    assert line.startswith("reportgen: error: WeasyPrint cannot load Pango")
    assert "cannot load library 'gobject-2.0-0'" in line and "Additionally" not in line
    assert fix in line
    if platform == "win32":
        assert "Colab" in line
    assert not (project / "runs").exists()  # refused before any training


def test_the_render_module_refuses_the_same_way(no_pango, capsys):
    from reportgen.errors import UserError

    with pytest.raises(UserError, match="WeasyPrint cannot load Pango"):
        import reportgen.render.report  # noqa: F401
    assert capsys.readouterr().out == ""


def test_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "mine"))
    assert cachedir.cache_root() == tmp_path / "mine"  # REPORTGEN_CACHE_DIR wins
    assert fonts.user_cache_dir() == tmp_path / "mine" / "fonts"
    monkeypatch.delenv("REPORTGEN_CACHE_DIR")
    import platformdirs

    expected = Path(platformdirs.user_cache_dir("reportgen", appauthor=False))
    assert cachedir.cache_root() == expected
    assert fonts.user_cache_dir() == expected / "fonts"


def test_the_core_count_without_sched_getaffinity(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.delattr(os, "process_cpu_count", raising=False)  # Python 3.11 and 3.12
    cpu = tfenv.hardware()
    if cpu["kind"] == "cpu":
        assert cpu["count"] == os.cpu_count()


@pytest.mark.parametrize(
    "remote, url",
    [
        ("git@github.com:me/fer-reportgen.git", "https://github.com/me/fer-reportgen.git"),
        ("ssh://git@github.com/me/fer-reportgen", "https://github.com/me/fer-reportgen"),
        ("https://github.com/me/fer-reportgen", "https://github.com/me/fer-reportgen"),
        ("/home/me/fer-reportgen", None),
        ("C:\\Users\\me\\fer-reportgen", None),
        ("file:///home/me/fer-reportgen", None),
    ],
)
def test_public_url(remote, url):
    assert origin.public_url(remote) == url


def _git(folder: Path, *argv: str) -> str:
    user = ["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    return subprocess.check_output(["git", "-C", str(folder), *user, *argv], text=True).strip()


def _clone(tmp_path: Path) -> tuple[Path, str]:
    clone = tmp_path / "clone"
    clone.mkdir()
    _git(clone, "init", "--quiet")
    _git(clone, "commit", "--quiet", "--allow-empty", "-m", "x")
    return clone, _git(clone, "rev-parse", "HEAD")


RELEASE, AFTER = "0.4.0", "0.4.1.dev3+g1a2b3c4d"  # a tag's version, and a commit's after it


def test_where_this_copy_came_from(tmp_path, monkeypatch):
    """PEP 610 records as pip writes them, one per kind of install, for a release and for a
    commit after it."""
    clone, head = _clone(tmp_path)
    public = "https://github.com/me/fer-reportgen.git"
    ours = origin.repository_url()  # pyproject's [project.urls] Source, from the metadata
    wheel = {"url": "file:///tmp/fer_reportgen.whl", "archive_info": {}}
    editable = {"url": clone.as_uri(), "dir_info": {"editable": True}}
    cases = [
        (RELEASE, {}, f"fer-reportgen=={RELEASE}"),  # from the registry
        (RELEASE, wheel, f"fer-reportgen=={RELEASE}"),
        (AFTER, wheel, f"fer-reportgen @ git+{ours}@1a2b3c4d"),  # the registry has no such one
        (
            RELEASE,
            {"url": public, "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            f"fer-reportgen @ git+{public}@abc123",
        ),
        # A local folder: a clone without a public remote cannot be installed elsewhere: a
        # release by its version, a commit from the repository, at the folder's commit.
        (RELEASE, editable, f"fer-reportgen=={RELEASE}"),
        (AFTER, editable, f"fer-reportgen @ git+{ours}@{head[:12]}"),
    ]
    for version, record, expected in cases:
        monkeypatch.setattr(origin, "__version__", version)
        monkeypatch.setattr(origin, "direct_url", lambda record=record: record)
        assert origin.requirement() == expected, (version, record)
    # ... one with a public origin gives that, at the folder's commit (or the installed one).
    _git(clone, "remote", "add", "origin", "git@github.com:me/fer-reportgen.git")
    monkeypatch.setattr(origin, "direct_url", lambda: {"url": clone.as_uri(), "dir_info": {}})
    assert origin.requirement() == f"fer-reportgen @ git+{public}@{head}"
    local_git = {"url": clone.as_uri(), "vcs_info": {"vcs": "git", "commit_id": "abc123"}}
    monkeypatch.setattr(origin, "direct_url", lambda: local_git)
    assert origin.requirement() == f"fer-reportgen @ git+{public}@abc123"


def test_the_repository_address_comes_from_the_installed_metadata():
    import tomllib

    pyproject = tomllib.loads((SOURCE_ROOT / "pyproject.toml").read_text("utf-8"))
    assert origin.repository_url() == pyproject["project"]["urls"]["Source"]


@pytest.mark.parametrize(
    "version, release, commit",
    [
        ("0.4.0", True, None),
        ("1.0rc1", True, None),
        ("0.4.1.dev3+g1a2b3c4", False, "1a2b3c4"),
        ("0.0.1.dev94+ge830ec20f.d20261205", False, "e830ec20f"),  # no tag, changed files
        ("0.0.0", False, None),  # setuptools-scm's fallback: a folder without git
        ("0+unknown", False, None),  # imported, never installed
        ("not a version", False, None),
    ],
)
def test_a_release_is_what_a_tag_made(version, release, commit):
    assert origin.is_release(version) is release
    assert origin.built_commit(version) == commit


def test_the_kinds_of_source(tmp_path, monkeypatch):
    """install_source() for each way reportgen gets onto a machine."""
    clone, _ = _clone(tmp_path)
    (clone / "f.txt").write_text("x")
    _git(clone, "add", "f.txt")
    _git(clone, "commit", "--quiet", "-m", "f")
    head = _git(clone, "rev-parse", "HEAD")
    (clone / "f.txt").write_text("changed")
    wheel = {"url": "file:///tmp/fer_reportgen-0.4.0-py3-none-any.whl", "archive_info": {}}
    git_url = {"url": "https://x/fer-reportgen", "vcs_info": {"vcs": "git", "commit_id": "c0ffee"}}
    quoted = {
        "url": f"file:///tmp/fer_reportgen-{AFTER.replace('+', '%2B')}.whl",
        "archive_info": {},
    }
    cases = [
        (RELEASE, {}, origin.Source("release", RELEASE)),
        (RELEASE, wheel, origin.Source("release", RELEASE, None, Path(wheel["url"]).name)),
        (AFTER, quoted, origin.Source("commit", AFTER, "1a2b3c4d", f"fer_reportgen-{AFTER}.whl")),
        (AFTER, git_url, origin.Source("commit", AFTER, "c0ffee", git_url["url"])),
        (
            AFTER,
            {"url": clone.as_uri(), "dir_info": {"editable": True}},
            origin.Source("checkout", AFTER, head[:12], str(clone), changed=True),
        ),
        # Installed from the folder, not editable: as it was then (its version says the commit).
        (
            AFTER,
            {"url": clone.as_uri(), "dir_info": {}},
            origin.Source("commit", AFTER, "1a2b3c4d", str(clone)),
        ),
        (
            RELEASE,
            {"url": clone.as_uri(), "dir_info": {}},
            origin.Source("release", RELEASE, None, str(clone)),
        ),
    ]
    for version, record, expected in cases:
        monkeypatch.setattr(origin, "__version__", version)
        monkeypatch.setattr(origin, "direct_url", lambda record=record: record)
        assert origin.install_source() == expected, record
    monkeypatch.setattr(origin, "__version__", NOT_INSTALLED)
    monkeypatch.setattr(origin, "SOURCE_ROOT", clone)
    assert origin.install_source() == origin.Source(
        "folder", NOT_INSTALLED, head[:12], str(clone), changed=True
    )


def test_a_missing_python_part_of_weasyprint_is_one_line_too(monkeypatch):
    from reportgen.errors import UserError

    class _NoCffi(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == "weasyprint":
                raise ModuleNotFoundError("No module named 'cffi'", name="cffi")

    for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoCffi(), *sys.meta_path])
    with pytest.raises(UserError, match=r"No module named 'cffi'.*pip install"):
        native.load_weasyprint()
