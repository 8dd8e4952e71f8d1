"""The training recipe: schedules that run to their end, flip TTA, cached runs under any budget,
and the budget's refusals at the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from reportgen.cli.main import main
from reportgen.progress import Reporter
from reportgen.runs import train as train_module
from reportgen.runs.execute import Budget, train_runs
from reportgen.runs.pipeline import predict_probs
from reportgen.runs.spec import AugmentSpec
from reportgen.runs.store import RunStore
from tests.helpers import random_dataset, tiny_spec

DATA = random_dataset()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("recipe") / "runs")
    spec = tiny_spec(epochs=3, warmup_fraction=0.3, augment=AugmentSpec())
    return store, spec, store.ensure(spec, DATA, Reporter())


def test_the_schedule_warms_up_then_runs_to_zero(trained):
    _, spec, run = trained
    lr = run.history["lr"]
    assert run.metrics["epochs_run"] == spec.epochs == len(lr)
    assert lr[-1] < 1e-6 * spec.learning_rate  # the cosine ends at zero: it ran to its end
    assert max(lr) <= spec.learning_rate * (1 + 1e-6)


def test_flip_tta_is_the_mean_of_the_image_and_its_mirror(trained):
    _, _, run = trained
    images = DATA.train.images[:20]
    x = images[..., None].astype(np.float32)
    plain = run.model.predict(x, verbose=0)
    mirrored = run.model.predict(x[:, :, ::-1, :], verbose=0)
    tta = predict_probs(run.model, images, tta_flip=True)
    np.testing.assert_allclose(tta, (plain + mirrored) / 2, atol=1e-5)
    assert not np.allclose(tta, plain, atol=1e-5)  # the mirror changes something
    np.testing.assert_allclose(predict_probs(run.model, images), plain, atol=1e-5)


TTA_SCRIPT = """
import keras, numpy as np
from reportgen.runs.pipeline import predict_probs
model = keras.Sequential([keras.Input((48, 48, 1)), keras.layers.Flatten(), keras.layers.Dense(7)])
predict_probs(model, np.zeros((4, 48, 48), np.uint8), tta_flip=True)
"""


def test_flip_tta_gives_autograph_nothing_to_warn_of():
    """Under --debug TensorFlow speaks: the two views once were lambdas on one line, whose
    source autograph could not parse (a warning for each, and the maps ran unconverted)."""
    env = {**os.environ, "REPORTGEN_DEBUG": "1", "KERAS_BACKEND": "tensorflow"}
    done = subprocess.run(
        [sys.executable, "-c", TTA_SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    said = done.stdout + done.stderr
    assert "AutoGraph could not transform" not in said
    assert "could not parse the source code" not in said


def test_the_run_records_tta_and_the_plain_accuracy(trained):
    _, _, run = trained
    m = run.metrics
    assert m["tta_flip"] is True
    assert m["val_accuracy"] == pytest.approx(
        float((run.val_pred.argmax(1) == run.val_true).mean())
    )
    assert 0.0 <= m["val_accuracy_plain"] <= 1.0


def test_a_cached_run_is_reused_under_any_budget(trained, monkeypatch):
    store, spec, run = trained

    def no_training(*args, **kwargs):
        raise AssertionError("a cached run was trained again")

    def no_probe(spec, data):
        raise AssertionError("a cached run was measured")

    monkeypatch.setattr(train_module, "train_run", no_training)
    for epochs in (1, 3, 50):
        longer = spec.with_(epochs=epochs, name=f"asked for {epochs}")
        assert longer.key(DATA.fingerprint) == run.key
        for budget in (None, Budget(60.0, "1m", {"cnn": 1.0}), Budget(7200.0, "2h", {"cnn": 1.0})):
            got = train_runs(store, DATA, {run.key: longer}, Reporter(), budget, no_probe)
            assert got[run.key].metrics == run.metrics


def test_what_a_run_is_changes_its_key_and_how_long_does_not():
    spec = tiny_spec()
    fp = DATA.fingerprint
    assert spec.with_(epochs=9).key(fp) == spec.key(fp)
    for change in (
        {"role": "ablation"},
        {"label_smoothing": 0.0},
        {"tta_flip": False},
        {"optimizer": "sgd"},
        {"warmup_fraction": 0.2},
        {"weight_decay": 0.0},
    ):
        assert spec.with_(**change).key(fp) != spec.key(fp), change


class Ticks:
    """A clock that moves TICK seconds each time it is read: the probe's real training steps,
    timed by it, cost the same on every probe however busy the machine is."""

    TICK = 1.0  # the tiny profile's smallest budget is then about 6 min: 20m plans, 2s does not

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += self.TICK
        return self.now


@pytest.fixture
def project(tmp_path, monkeypatch, cache_dir):
    """A project whose probe is timed by Ticks and whose training clock stands still: every
    plan and refusal is the same on every run, whatever else the machine is doing (budget
    adherence on a real clock is benchmarks/bench_budget.py's)."""
    from functools import partial

    from reportgen.runs import execute, probe

    real_measure_all, real_train_runs = execute.measure_all, execute.train_runs

    def measure_all(specs, data, measure_one=None):
        return real_measure_all(specs, data, lambda s, d: probe.measure(s, d, clock=Ticks()))

    monkeypatch.setattr(execute, "measure_all", measure_all)
    monkeypatch.setattr(execute, "train_runs", partial(real_train_runs, clock=lambda: 0.0))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_too_small_budget_is_one_line_with_the_smallest_that_works(project, capsys):
    code = main(["train", "--profile", "tiny", "--budget", "2s", "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "--budget 2s is too small" in err
    named = re.search(r"--budget (\S+) works here$", err)
    assert named, err
    assert not list((project / "runs").glob("[0-9a-f]*"))  # nothing trained
    # the budget it names works: planned, not refused
    code = main(["train", "--profile", "tiny", "--budget", named[1], "--dry-run", "--quiet"])
    assert code == 0, capsys.readouterr().err


def test_a_bad_budget_is_one_line(project, capsys):
    assert main(["train", "--profile", "tiny", "--budget", "soon"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--budget" in err and "45m" in err


def test_the_dry_run_prints_the_plan_and_trains_nothing(project, capsys):
    code = main(["train", "--profile", "tiny", "--budget", "20m", "--dry-run", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == ["run", "role", "epochs", "minutes"]
    names = [line.split()[0] for line in lines[1:-1]]
    assert names[-1] == "cnn" and "dnn" in names and len(names) == 6  # the CNN trains last
    # tiny's q3 length that holds is not measured: no q3 line (tests/runs/test_plan.py has one)
    assert lines[-1].startswith("total: 6 runs to train")
    assert not list((project / "runs").glob("[0-9a-f]*"))
