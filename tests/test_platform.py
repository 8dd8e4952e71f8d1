"""What differs between Linux, macOS, Windows and Colab: a missing Pango, cache folders,
the core count, and where an installed copy came from (the workflow's install line)."""

from __future__ import annotations

import importlib.abc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen import __version__, tfenv
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


def test_where_this_copy_came_from(tmp_path, monkeypatch):
    """PEP 610 records as pip writes them, one per kind of install."""
    clone = tmp_path / "clone"
    clone.mkdir()
    _git(clone, "init", "--quiet")
    _git(clone, "commit", "--quiet", "--allow-empty", "-m", "x")
    head = _git(clone, "rev-parse", "HEAD")
    public = "https://github.com/me/fer-reportgen.git"
    cases = [
        ({}, f"fer-reportgen=={__version__}"),  # from the registry
        (
            {"url": "file:///tmp/fer_reportgen.whl", "archive_info": {}},
            f"fer-reportgen=={__version__}",
        ),
        (
            {"url": public, "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            f"fer-reportgen @ git+{public}@abc123",
        ),
        # A local folder: a clone without a public remote cannot be installed elsewhere ...
        ({"url": clone.as_uri(), "dir_info": {"editable": True}}, f"fer-reportgen=={__version__}"),
    ]
    for record, expected in cases:
        monkeypatch.setattr(origin, "direct_url", lambda record=record: record)
        assert origin.requirement() == expected, record
    # ... one with a public origin gives that, at the folder's commit (or the installed one).
    _git(clone, "remote", "add", "origin", "git@github.com:me/fer-reportgen.git")
    monkeypatch.setattr(origin, "direct_url", lambda: {"url": clone.as_uri(), "dir_info": {}})
    assert origin.requirement() == f"fer-reportgen @ git+{public}@{head}"
    local_git = {"url": clone.as_uri(), "vcs_info": {"vcs": "git", "commit_id": "abc123"}}
    monkeypatch.setattr(origin, "direct_url", lambda: local_git)
    assert origin.requirement() == f"fer-reportgen @ git+{public}@abc123"


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
