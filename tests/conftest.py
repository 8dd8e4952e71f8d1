import importlib.abc
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

# The skips the suite expects, by pytest's reason, with the platforms (sys.platform) where each
# is expected ("*": wherever). On STRICT_PLATFORMS any other skip fails its test: there a skip
# would hide a check that CI promises (.ci/run, .github/workflows/ci.yml). Elsewhere (macOS,
# Windows) a skip is reported as pytest reports it.
EXPECTED_SKIPS: dict[str, set[str]] = {
    "needs /dev/full": {"darwin", "win32"},  # tests/cli/test_main.py: no /dev/full there
    "a system font covers U+13000": {"*"},  # tests/render/test_check.py: the machine's fonts decide
}
STRICT_PLATFORMS = {"linux"}


def unexpected_skip(reason: str, platform: str = sys.platform) -> bool:
    """Whether a skip for this reason fails its test on this platform."""
    expected = EXPECTED_SKIPS.get(reason, set())
    return platform in STRICT_PLATFORMS and not expected & {"*", platform}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A skip that EXPECTED_SKIPS does not list is a failure on STRICT_PLATFORMS."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        if unexpected_skip(reason):
            report.outcome = "failed"
            report.longrepr = (
                f"unexpected skip on {sys.platform}: {reason!r} (the expected ones are "
                "EXPECTED_SKIPS in tests/conftest.py: fix the cause, or list it there)"
            )
    return report


@pytest.fixture(autouse=True)
def _no_debug_left_over(monkeypatch):
    """main(["--debug"]) sets REPORTGEN_DEBUG for its process; in a test worker it would stay
    set for every later test (and the subprocesses they start): each test begins without."""
    monkeypatch.delenv("REPORTGEN_DEBUG", raising=False)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """The test's own cache folder (REPORTGEN_CACHE_DIR: fingerprints, fonts, sections), not
    made yet: the user's cache is never read or written by a test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def module_cache_dir(tmp_path_factory):
    """cache_dir for what a module's tests share (one run, one build), set while they run."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REPORTGEN_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture
def project(tmp_path, monkeypatch, cache_dir):
    """An empty project folder: the test's working folder, with a cache of its own."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="session")
def tiny_project_factory(tmp_path_factory):
    """Projects on the embedded synthetic data with the tiny profile, all sharing one runs/."""
    from reportgen.project.folder import Project
    from reportgen.settings.config import load_config
    from tests.helpers import shared_dir

    root = shared_dir(tmp_path_factory, "tiny-project")
    made = {}

    def make(**overrides):
        key = tuple(sorted(overrides.items()))
        if key not in made:
            config = load_config(root, {"profile": "tiny", "student_id": "R05942017", **overrides})
            made[key] = Project(config)
        return made[key]

    return make


@pytest.fixture(scope="session")
def tiny_project(tiny_project_factory):
    return tiny_project_factory()


@pytest.fixture(scope="session")
def section_of():
    """section_of(project, module) -> (Section, folder): trains what is missing, computes it
    (once per session and project: the tests read the sections, never change them)."""
    from reportgen.build import measure_section, present_section, train_missing
    from reportgen.progress import Reporter

    computed = {}

    def compute(project, module):
        key = (id(project), module)  # the project is kept alive below: its id stays its own
        if key not in computed:
            runs = train_missing(project, (module,), Reporter())
            measured = measure_section(project, module, runs)
            computed[key] = (project, present_section(project, module, measured))
        return computed[key][1]

    return compute


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
