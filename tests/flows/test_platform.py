"""What differs between Linux, macOS, Windows and Colab: a missing Pango, cache folders,
the core count, and where an installed copy came from (the workflow's install line)."""

from __future__ import annotations

import importlib.abc
import os
import sys
from pathlib import Path

import pytest

from reportgen import NOT_INSTALLED, SOURCE_ROOT, tfenv
from reportgen.cli.main import main
from reportgen.project import origin
from reportgen.render import fonts, native
from reportgen.store import cachedir
from tests.helpers import git


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


class _FakeDevice:
    def __init__(self, name: str):
        self.name = name


class _FakeTensorFlow:
    """As much of TensorFlow as tfenv.hardware() reads: the GPUs and their details."""

    def __init__(self, gpus: dict[str, dict]):
        self.details = dict(gpus)
        self.config = self
        self.experimental = self

    def list_physical_devices(self, kind):
        assert kind == "GPU"
        return [_FakeDevice(name) for name in self.details]

    def get_device_details(self, device):
        return self.details[device.name]


@pytest.fixture
def fake_hardware(monkeypatch):
    """fake_hardware(gpus, process_cpu_count, cpu_count): what hardware() reads, faked
    (process_cpu_count=None: an older Python without it)."""

    def fake(gpus=None, process_cpu_count=None, cpu_count=None):
        tf = _FakeTensorFlow(gpus or {})
        monkeypatch.setattr(tfenv, "import_tensorflow", lambda: tf)
        if process_cpu_count is None:
            monkeypatch.delattr(os, "process_cpu_count", raising=False)
        else:
            monkeypatch.setattr(os, "process_cpu_count", lambda: process_cpu_count, raising=False)
        monkeypatch.setattr(os, "cpu_count", lambda: cpu_count)

    return fake


def test_the_core_count_is_the_cores_this_process_may_use(fake_hardware):
    fake_hardware(process_cpu_count=3, cpu_count=64)  # 3 of the machine's 64 are ours
    assert tfenv.hardware() == {"kind": "cpu", "count": 3, "names": []}
    assert tfenv.device_description() == "CPU (3 cores)"


def test_the_core_count_before_python_3_13_is_the_machines(fake_hardware):
    fake_hardware(process_cpu_count=None, cpu_count=6)  # no os.process_cpu_count
    assert tfenv.hardware() == {"kind": "cpu", "count": 6, "names": []}


def test_an_unknown_core_count_is_one(fake_hardware):
    fake_hardware(process_cpu_count=None, cpu_count=None)  # os.cpu_count() may be None
    assert tfenv.hardware() == {"kind": "cpu", "count": 1, "names": []}


def test_gpus_are_counted_and_named_before_the_cores(fake_hardware):
    gpus = {
        "/physical_device:GPU:0": {"device_name": "NVIDIA H200"},
        "/physical_device:GPU:1": {},  # no name in its details: the device's own
    }
    fake_hardware(gpus, process_cpu_count=3, cpu_count=64)
    assert tfenv.hardware() == {
        "kind": "gpu",
        "count": 2,
        "names": ["NVIDIA H200", "/physical_device:GPU:1"],
    }
    assert tfenv.device_description() == "2 GPU: NVIDIA H200, /physical_device:GPU:1"


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


def _clone(tmp_path: Path) -> tuple[Path, str]:
    clone = tmp_path / "clone"
    clone.mkdir()
    git(clone, "init", "--quiet")
    git(clone, "commit", "--quiet", "--allow-empty", "-m", "x")
    return clone, git(clone, "rev-parse", "HEAD")


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
    git(clone, "remote", "add", "origin", "git@github.com:me/fer-reportgen.git")
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
    git(clone, "add", "f.txt")
    git(clone, "commit", "--quiet", "-m", "f")
    head = git(clone, "rev-parse", "HEAD")
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
