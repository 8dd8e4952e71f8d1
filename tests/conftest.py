import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest


def _shared_dir(tmp_path_factory, name):
    """A folder shared by the xdist workers of one test session (the run store's lock makes
    two workers that need the same run wait for each other instead of training it twice)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _no_debug_left_over(monkeypatch):
    """main(["--debug"]) sets REPORTGEN_DEBUG for its process; in a test worker it would stay
    set for every later test (and the subprocesses they start): each test begins without."""
    monkeypatch.delenv("REPORTGEN_DEBUG", raising=False)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder: the test's working folder, with a fingerprint cache of its own."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "cache"))
    return root


@pytest.fixture(scope="session")
def tiny_project_factory(tmp_path_factory):
    """Projects on the embedded synthetic data with the tiny profile, all sharing one runs/."""
    from reportgen.project.folder import Project
    from reportgen.settings.config import load_config

    root = _shared_dir(tmp_path_factory, "tiny-project")
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
    from reportgen.build import compute_section, train_missing
    from reportgen.progress import Reporter

    computed = {}

    def compute(project, module):
        key = (id(project), module)  # the project is kept alive below: its id stays its own
        if key not in computed:
            runs = train_missing(project, (module,), Reporter())
            computed[key] = (project, compute_section(project, module, runs))
        return computed[key][1]

    return compute
