"""Run keys follow the code that trains the run, derived from the files: a change to any
module the trainer imports, directly or not, trains the run again; a comment or a docstring
does not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from reportgen import PACKAGE_DIR, SOURCE_ROOT
from reportgen.store.keys import RUN_VALUES, normalized, training_modules

# The key of the tiny profile's CNN run on one data fingerprint, in a fresh interpreter.
RUN_KEY = (
    "from reportgen.settings.profiles import get_profile\n"
    "from reportgen.runs.spec import base_run\n"
    "print(base_run('cnn', get_profile('tiny')).key('fingerprint'))\n"
)


def run_key(root: Path) -> str:
    """The run key computed by the copy of the package in root."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", RUN_KEY], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_run_key_follows_the_code_the_trainer_imports_indirectly(tmp_path):
    shutil.copytree(PACKAGE_DIR, tmp_path / PACKAGE_DIR.name)
    augment = tmp_path / "reportgen" / "runs" / "augment.py"  # train -> pipeline -> augment
    before = run_key(tmp_path)
    assert len(before) == 16
    edit(augment, '"""', '"""Edited docstring. ')
    edit(augment, "\nimport ", "\n# an edited comment\nimport ")
    assert run_key(tmp_path) == before  # comments and docstrings train nothing
    augment.write_text(augment.read_text(encoding="utf-8") + "\n_EDITED = 1\n", encoding="utf-8")
    assert run_key(tmp_path) != before


def test_the_training_code_is_found_by_reading_it():
    files = {str(p.relative_to(SOURCE_ROOT)) for p in training_modules().values()}
    assert {
        "reportgen/runs/train.py",
        "reportgen/runs/loop.py",  # imported inside a function
        "reportgen/runs/augment.py",  # through runs/pipeline.py
        "reportgen/runs/imported.py",
        "reportgen/data/split.py",
        "reportgen/tfenv.py",
        "reportgen/store/run_files.py",
    } <= files
    # Values in the key (the spec), or not what a run trains into (plan, progress).
    assert not [f for f in files for v in RUN_VALUES if f.startswith(v.replace(".", "/"))]
    assert "reportgen/__init__.py" not in files


def test_no_cache_key_has_a_version_kept_by_hand():
    hand_kept = [
        f"{path.relative_to(SOURCE_ROOT)}: {line.strip()}"
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if "_VERSION =" in line or "CODE_VERSION" in line
    ]
    assert hand_kept == []


def test_the_code_is_written_out_the_same_on_every_python():
    """Python 3.11 to 3.13 (checked with each) write this text; their ast.dump does not agree,
    so a run trained on Colab's Python would not be reused under another."""
    source = b'"""Doc."""\n# a comment\ndef f(x: int) -> int:\n    """Doc."""\n    return x + 1\n'
    assert normalized(source) == (
        "Module(body=[FunctionDef(name='f', args=arguments(args=[arg(arg='x', "
        "annotation=Name(id='int', ctx=Load()))]), body=[Return(value=BinOp(left=Name(id='x', "
        "ctx=Load()), op=Add(), right=Constant(value=1)))], returns=Name(id='int', ctx=Load()))])"
    )


def test_q3_trains_a_cheaper_twin_of_the_cnn_with_the_same_recipe():
    from reportgen.questions.shared_runs import ablation_runs, cnn_run
    from reportgen.runs.spec import twin
    from reportgen.settings.config import load_config
    from reportgen.settings.profiles import get_profile

    full = get_profile("full")
    config = load_config(Path("/nonexistent-project"), {"profile": "full"})
    cnn = cnn_run(full, config)
    cells = ablation_runs(full, config)
    assert full.ablation_width == 0.5 and full.ablation_holds_epochs > 0
    for cell in cells.values():
        assert cell.model.filters == tuple(f // 2 for f in cnn.model.filters)
        assert cell.model.dense_units == cnn.model.dense_units // 2
        assert cell.with_(
            model=cnn.model, name="cnn", role="cnn", epochs=cnn.epochs
        ).key_dict() in (
            cnn.with_(normalize=n, augment=a).key_dict()
            for n in (False, True)
            for a in (None, cnn.augment)
        )  # the same recipe: only the model differs from the CNN's
    assert twin(cnn.model, 1.0) is cnn.model
