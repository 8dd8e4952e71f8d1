"""The run cache (reportgen/runs/store.py, giving back a reportgen/runs/run.py Run): trained once,
keyed by spec and data, atomic, checked, resumable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from reportgen.progress import Reporter
from reportgen.runs import train as train_module
from reportgen.runs.spec import AugmentSpec
from reportgen.runs.store import RunStore
from reportgen.store import run_folders
from reportgen.store.run_files import (
    CHECKPOINT_STATE,
    MANIFEST_FILE,
    METRICS_FILE,
    MODEL_FILE,
    SPEC_FILE,
    VAL_PRED_FILE,
)
from tests.helpers import random_dataset, tiny_spec

DATA = random_dataset()


@pytest.fixture
def counted(monkeypatch):
    """Counts the trainings that really happen."""
    calls: list[str] = []
    real = train_module.train_run

    def counting(spec, data, workdir, report, label, on_step=None, pace=None):
        calls.append(spec.name)
        return real(spec, data, workdir, report, label, on_step, pace)

    monkeypatch.setattr(train_module, "train_run", counting)
    return calls


def test_a_run_is_trained_once_and_read_back(tmp_path, counted):
    store = RunStore(tmp_path / "runs")
    spec = tiny_spec()
    first = store.ensure(spec, DATA, Reporter())
    second = store.ensure(spec, DATA, Reporter())
    assert counted == ["tiny"]
    assert first.key == second.key
    np.testing.assert_array_equal(first.val_pred, second.val_pred)
    assert first.metrics["epochs_run"] == 2
    assert len(first.history["val_loss"]) == 2
    assert first.val_pred.shape == (len(first.val_true), 7)
    assert not list((tmp_path / "runs").rglob("*.pkl"))
    assert not (tmp_path / "runs" / ".partial" / first.key).exists()
    # the saved model predicts what the run recorded
    x = DATA.train.images[first.val_index][..., None].astype("float32")
    probs = first.model.predict(x, verbose=0)
    mirrored = first.model.predict(x[:, :, ::-1], verbose=0)  # the recipe's flip TTA
    np.testing.assert_allclose((probs + mirrored) / 2, first.val_pred, atol=1e-4)


def test_changing_one_hyperparameter_trains_only_that_run(tmp_path, counted):
    store = RunStore(tmp_path / "runs")
    a, b = tiny_spec("a"), tiny_spec("b", augment=AugmentSpec(shift=0.05))
    same_as_a = tiny_spec("a-again")  # another name, same content: the same run
    for spec in (a, b, same_as_a):
        store.ensure(spec, DATA, Reporter())
    assert counted == ["a", "b"]
    changed = b.with_(augment=AugmentSpec(shift=0.2))
    store.ensure(changed, DATA, Reporter())
    assert counted == ["a", "b", "b"]
    assert len({s.key(DATA.fingerprint) for s in (a, b, changed)}) == 3


def test_other_data_is_another_run(tmp_path):
    spec = tiny_spec()
    assert spec.key(DATA.fingerprint) != spec.key(random_dataset(seed=1).fingerprint)


@pytest.mark.parametrize("victim", [MODEL_FILE, VAL_PRED_FILE, METRICS_FILE, MANIFEST_FILE])
def test_a_corrupted_run_is_never_used(tmp_path, counted, victim):
    store = RunStore(tmp_path / "runs")
    spec = tiny_spec()
    run = store.ensure(spec, DATA, Reporter())
    path = run.path / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert not store.has(spec, DATA)
    again = store.ensure(spec, DATA, Reporter())
    assert counted == ["tiny", "tiny"]
    assert store.has(spec, DATA)
    assert list((tmp_path / "runs" / ".corrupt").iterdir())  # set aside, not deleted
    assert again.metrics["epochs_run"] == 2


def test_the_run_folder_is_portable(tmp_path):
    """A runs/ folder copied to another project (another path) is used as it is."""
    store = RunStore(tmp_path / "a" / "runs")
    spec = tiny_spec()
    run = store.ensure(spec, DATA, Reporter())
    moved = tmp_path / "b" / "runs"
    moved.parent.mkdir()
    os.replace(tmp_path / "a" / "runs", moved)
    other = RunStore(moved)
    assert other.has(spec, DATA)
    assert other.get(spec, DATA).metrics == run.metrics
    text = " ".join(p.read_text(errors="ignore") for p in moved.rglob("*.json"))
    assert str(tmp_path) not in text


CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from reportgen.progress import Reporter
from reportgen.runs.store import RunStore
from reportgen.store.run_files import CHECKPOINT_STATE
from tests.helpers import random_dataset, tiny_spec
spec, data = tiny_spec(epochs=40), random_dataset()
state = Path({runs!r}) / ".partial" / spec.key(data.fingerprint) / CHECKPOINT_STATE

def on_step():  # after each batch: once epoch 2 is saved, say so and wait to be killed
    if state.exists() and json.loads(state.read_text())["epoch"] >= 2:
        Path({ready!r}).write_text("")
        while True:
            time.sleep(60)

RunStore(Path({runs!r})).ensure(spec, data, Reporter(), on_step=on_step)
"""


def test_a_killed_run_resumes_from_its_checkpoint(tmp_path):
    """The child trains until its checkpoint holds epoch 2, then says so (a file) and waits:
    it is killed mid-training however slowly the machine runs, with no deadline to race."""
    runs, ready = tmp_path / "runs", tmp_path / "ready"
    root = str(Path(__file__).resolve().parents[2])  # the checkout: the child imports tests
    env = {**os.environ, "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=root, runs=str(runs), ready=str(ready))], env=env
    )
    try:
        while not ready.exists():  # the child's own pace: no deadline
            assert child.poll() is None, "the child ended before its checkpoint held epoch 2"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
    spec = tiny_spec(epochs=40)
    state = runs / ".partial" / spec.key(DATA.fingerprint) / CHECKPOINT_STATE
    killed_at = json.loads(state.read_text())["epoch"]
    assert 2 <= killed_at < 40
    run = RunStore(runs).ensure(spec, DATA, Reporter())
    assert run.metrics["resumed_at"] == [killed_at]
    assert run.metrics["epochs_run"] == len(run.history["loss"])
    assert run.metrics["epochs_run"] > killed_at


def test_the_store_discards_what_interrupted_trainings_left(tmp_path, monkeypatch, capsys):
    """Only the store deletes anything under runs/: `clean` asks it to."""
    from reportgen.cli.main import main

    runs = tmp_path / "runs"
    for folder in (".partial/abc", ".corrupt/def-1", ".locks", "0123456789abcdef"):
        (runs / folder).mkdir(parents=True)
    removed = RunStore(runs).discard_leftovers()
    assert sorted(p.name for p in removed) == [".corrupt", ".partial"]
    assert sorted(p.name for p in runs.iterdir()) == [".locks", "0123456789abcdef"]
    (runs / ".partial" / "ghi").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert main(["clean", "--quiet"]) == 0
    assert not (runs / ".partial").exists() and (runs / "0123456789abcdef").is_dir()
    assert str(runs / ".partial") in capsys.readouterr().out


def test_clean_removes_only_folders_that_are_reportgen_runs(tmp_path):
    """A student's TensorBoard or PyTorch logs in runs/ are not runs: clean leaves them."""
    runs = tmp_path / "runs"
    for name, marker in (("0123456789abcdef", MANIFEST_FILE), ("fedcba9876543210", SPEC_FILE)):
        (runs / name).mkdir(parents=True)
        (runs / name / marker).write_text("{}", encoding="utf-8")
    for other in ("Dec02_10-00-00_host", "exp1/events"):  # torch / tensorboard logs
        (runs / other).mkdir(parents=True)
        (runs / other / "events.out.tfevents.1").write_bytes(b"log")
    store = RunStore(runs)
    assert store.clean(keep={"0123456789abcdef"}) == 1
    assert sorted(p.name for p in runs.iterdir()) == [
        "0123456789abcdef",
        "Dec02_10-00-00_host",
        "exp1",
    ]
    assert store.clean() == 1
    assert sorted(p.name for p in runs.iterdir()) == ["Dec02_10-00-00_host", "exp1"]
    assert [c.key for c in store.cached()] == []


def test_a_build_checks_each_cached_run_once(project, tiny_project_factory, monkeypatch):
    """A build asks about a run several times (what to train, what to read); its checksums
    are read once: every file of every run hashed once, none twice."""
    from reportgen.build import train_missing
    from reportgen.cli.main import main

    shared = tiny_project_factory(template="ml2019-hw3")
    train_missing(shared, shared.template.modules(), Reporter())
    keys = set(shared.all_runs())
    for key in keys:  # copied: folders this process has never checked
        shutil.copytree(shared.config.runs_dir / key, project / "runs" / key)
    hashed: list[Path] = []
    real = run_folders.sha256_file
    monkeypatch.setattr(run_folders, "sha256_file", lambda p: hashed.append(p) or real(p))
    flags = ["--student-id", "R05942017", "--profile", "tiny", "--template", "ml2019-hw3"]
    assert main(["build", *flags, "--quiet"]) == 0
    assert {p.parent.name for p in hashed} == keys
    assert len(hashed) == len(set(hashed))
    assert len(hashed) == sum(len(list((project / "runs" / k).iterdir())) - 1 for k in keys)
