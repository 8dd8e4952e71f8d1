"""The warm rebuild: with every section cached (reportgen/store/section_folders.py), a build reads the data's fingerprint from the
cache (the synthetic faces are not drawn again, a data file is not parsed again) and imports
neither TensorFlow nor scikit-learn (nor matplotlib): declaring runs and computing keys is
plain Python."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from reportgen.project.folder import Project
from reportgen.settings.config import load_config
from tests.helpers import cache_hand_made_sections

HEAVY = ("tensorflow", "keras", "sklearn", "matplotlib", "scipy.stats", "skimage", "lime")
FLAGS = ["--student-id", "R05942017", "--profile", "tiny", "--quiet"]


def test_a_fully_cached_build_imports_no_tensorflow_nor_sklearn(tmp_path, cache_dir):
    root = tmp_path / "project"
    root.mkdir()
    project = Project(load_config(root, {"profile": "tiny", "student_id": "R05942017"}))
    assert len(project.template.modules()) == 8  # the default template: q1..q8
    cache_hand_made_sections(project)
    probe = (
        "import json, sys\n"
        "from reportgen.cli.main import main\n"
        f"code = main({['build', *FLAGS]!r})\n"
        f"print(json.dumps([code, [m for m in {list(HEAVY)!r} if m in sys.modules]]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    code, imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert code == 0, result.stderr
    assert imported == []
    assert (root / "Report.pdf").is_file()


def test_the_synthetic_datas_fingerprint_is_drawn_once(cache_dir, monkeypatch):
    from reportgen.data import synthetic

    drawn = []
    real = synthetic.generate_faces
    monkeypatch.setattr(
        synthetic, "generate_faces", lambda n, seed=0: drawn.append(n) or real(n, seed)
    )
    assert synthetic.cached_synthetic_fingerprint(64, seed=3) is None  # never drawn: unknown
    assert drawn == []
    first = synthetic.synthetic_dataset(64, seed=3).fingerprint
    assert synthetic.cached_synthetic_fingerprint(64, seed=3) == first  # from the cache
    assert drawn == [64]
    assert synthetic.synthetic_dataset(64, seed=3).fingerprint == first
    assert synthetic.cached_synthetic_fingerprint(65, seed=3) is None  # another size
    assert synthetic.cached_synthetic_fingerprint(64, seed=4) is None  # another seed
    assert drawn == [64, 64]


def test_a_data_files_fingerprint_is_read_without_parsing(tmp_path, cache_dir, monkeypatch):
    from reportgen.data import fingerprint, loader

    rng = np.random.default_rng(0)
    path = tmp_path / "train.csv"
    rows = [f"{k % 7},{' '.join(map(str, rng.integers(0, 256, 2304)))}" for k in range(28)]
    path.write_text("label,feature\n" + "\n".join(rows) + "\n", encoding="utf-8")
    full = loader.load_dataset(path).fingerprint

    def refuse(*args, **kwargs):
        raise AssertionError("parsed or read arrays to find a fingerprint")

    monkeypatch.setattr(loader, "read_course_train", refuse)
    monkeypatch.setattr(fingerprint, "_read_arrays", refuse)
    assert loader.cached_fingerprint(path) == full
    path.write_text(path.read_text(encoding="utf-8") + rows[0] + "\n", encoding="utf-8")
    assert loader.cached_fingerprint(path) is None  # changed: unknown, and nothing parsed
    monkeypatch.undo()
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(cache_dir))
    assert loader.load_dataset(path).fingerprint != full
