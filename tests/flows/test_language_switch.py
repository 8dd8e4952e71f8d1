"""Measure once, say it in any language: after a zh build, `build --lang en` on the same runs
presents every section anew from its cached measurement. No explanation method runs and
nothing trains: the process never imports TensorFlow, keras or lime, and no measurement is
written again. A caption edited in words.toml re-presents without measuring either."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from reportgen import SOURCE_ROOT, questions
from reportgen.cli.main import main
from tests.helpers import share_runs

FLAGS = ["--student-id", "R05942017", "--profile", "tiny", "--quiet"]
TRAINING_OR_EXPLAINING = ("tensorflow", "keras", "lime", "sklearn")


@pytest.fixture
def project(project, tiny_project):
    return share_runs(project, tiny_project)


def stamps(root, kind: str) -> dict[str, int]:
    """build/<kind>/<module>/<key>/<file> -> mtime, for every cached measurement or section."""
    file = "measured.json" if kind == "measured" else "section.json"
    return {
        str(p.relative_to(root)): p.stat().st_mtime_ns
        for p in (root / "build" / kind).glob(f"*/*/{file}")
    }


def build_in_a_process(root, *flags: str) -> set[str]:
    """`reportgen build` in a fresh process; the top-level packages it imported."""
    script = (
        "import json, sys\n"
        "from reportgen.cli.main import main\n"
        f"code = main({['build', *FLAGS, *flags]!r})\n"
        "print(json.dumps([code, sorted({n.split('.')[0] for n in sys.modules})]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(SOURCE_ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    code, imported = json.loads(out.stdout.strip().splitlines()[-1])
    assert code == 0
    return set(imported)


def test_a_new_language_measures_nothing_and_trains_nothing(project):
    assert main(["build", *FLAGS]) == 0
    measured, zh = stamps(project, "measured"), stamps(project, "sections")
    assert len(measured) == len(zh) == len(questions.MODULES)

    imported = build_in_a_process(project, "--lang", "en", "--no-train")
    assert imported & set(TRAINING_OR_EXPLAINING) == set()
    assert stamps(project, "measured") == measured  # read back, none written again
    sections = stamps(project, "sections")
    assert len(sections) == 2 * len(questions.MODULES)  # zh kept, en added
    assert {k: sections[k] for k in zh} == zh
    assert 'lang="en"' in (project / "Report.html").read_text(encoding="utf-8")


def test_a_caption_edit_measures_nothing(project, tmp_path):
    """In a copy of the package whose en words.toml has one caption changed."""
    assert main(["build", *FLAGS, "--lang", "en"]) == 0
    measured = stamps(project, "measured")
    copy = tmp_path / "copy"
    shutil.copytree(SOURCE_ROOT / "reportgen", copy / "reportgen")
    words = copy / "reportgen" / "words" / "en" / "words.toml"
    text = words.read_text(encoding="utf-8")
    edited = text.replace('val = "validation set"', 'val = "hold-out set"', 1)
    assert edited != text
    words.write_text(edited, encoding="utf-8")
    script = (
        "from reportgen.cli.main import main\n"
        f"raise SystemExit(main({['build', *FLAGS, '--lang', 'en', '--no-train']!r}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(copy)}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=project, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert stamps(project, "measured") == measured
    assert "hold-out set" in (project / "Report.html").read_text(encoding="utf-8")
