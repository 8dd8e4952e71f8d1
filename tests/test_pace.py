"""A run steered while it trains: its length re-planned after each epoch, the schedule laid out
again to end at zero, a resumed run keeping its re-planned length; and the recipe's moving
average of the weights and its test-time views, against their definitions."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from reportgen.progress import Reporter
from reportgen.runs import train as train_module
from reportgen.runs.plan import Pace
from reportgen.runs.schedule import WARMUP_START, learning_rate
from reportgen.runs.store import RunStore
from reportgen.tfenv import tensorflow
from tests.helpers import random_dataset, tiny_spec

DATA = random_dataset()


def test_the_schedule_warms_up_then_ends_at_zero_whatever_the_length():
    peak, warmup = 0.01, 10
    assert learning_rate(0, peak, warmup, 100) == pytest.approx(WARMUP_START * peak)
    assert learning_rate(warmup, peak, warmup, 100) == pytest.approx(peak)
    for total in (40, 100, 250):  # the same run, re-planned to another length
        assert learning_rate(total, peak, warmup, total) == 0.0
        assert 0 < learning_rate(total - 1, peak, warmup, total) < 0.01 * peak
        rates = [learning_rate(s, peak, warmup, total) for s in range(warmup, total + 1)]
        assert all(a >= b for a, b in pairwise(rates))
    assert learning_rate(60, peak, warmup, 100, "constant") == peak


def test_a_run_re_planned_longer_ends_its_schedule_at_its_new_last_step(tmp_path):
    asked = []

    def longer(done, seconds):
        asked.append((done, len(seconds)))
        return 4

    pace = Pace(longer, "3m", 180.0, 0.6, epochs=2)
    run = RunStore(tmp_path / "runs").ensure(tiny_spec(epochs=2), DATA, Reporter(), pace=pace)
    assert asked == [(1, 1), (2, 2), (3, 3)]  # after every epoch but the last
    assert run.metrics["epochs_run"] == run.spec.epochs == 4
    assert run.metrics["planned_epochs"] == 2
    assert run.metrics["budget"] == {"text": "3m", "seconds": 180.0, "share": 0.6}
    lr = run.history["lr"]
    assert len(lr) == 4 and lr[-1] == 0.0 and lr[1] > 0.0


def test_a_run_re_planned_shorter_still_trains_one_more_epoch(tmp_path):
    pace = Pace(lambda done, seconds: 1, "1m", 60.0, 0.6, epochs=5)
    run = RunStore(tmp_path / "runs").ensure(tiny_spec(epochs=5), DATA, Reporter(), pace=pace)
    assert run.metrics["epochs_run"] == 2  # the epoch after the re-plan ends the schedule
    assert run.history["lr"][-1] == 0.0


def test_a_resumed_run_keeps_its_re_planned_length(tmp_path):
    store = RunStore(tmp_path / "runs")

    def replan(done, seconds):
        if done == 2:
            raise KeyboardInterrupt  # killed after its second epoch, before its checkpoint
        return 5

    pace = Pace(replan, "3m", 180.0, 0.6, epochs=3)
    with pytest.raises(KeyboardInterrupt):
        store.ensure(tiny_spec(epochs=3), DATA, Reporter(), pace=pace)
    assert store.partial_epochs(tiny_spec(), DATA) == 5  # the planner keeps this length
    run = store.ensure(tiny_spec(epochs=5), DATA, Reporter())
    assert run.metrics["resumed_at"] == [1]
    assert run.metrics["epochs_run"] == len(run.history["loss"]) == 5
    assert run.history["lr"][-1] == 0.0


def test_the_moving_average_of_the_weights_is_what_its_definition_says(tmp_path):
    """With ema_momentum m the kept weights are a_t = m a_(t-1) + (1 - m) w_t over every
    step's weights w_t (a_1 = w_1), carried across epochs and swapped in at the end."""
    tensorflow()
    import keras

    from reportgen.runs.loop import fit_epochs
    from reportgen.runs.pipeline import train_dataset

    spec = tiny_spec(epochs=3, ema_momentum=0.8, batch_size=128)
    keras.utils.set_random_seed(0)
    model = train_module.compiled_model(spec, None, None)
    steps = train_module.steps_per_epoch(spec, len(DATA.train))
    seen: list[list[np.ndarray]] = []
    ds = train_dataset(DATA.train.images, DATA.train.labels, spec.batch_size, None, 0)
    state = train_module.new_state(spec, steps)
    fit_epochs(
        model, spec, state, (ds, ds), steps, Reporter(), "toy", lambda s: None,
        on_step=lambda: seen.append([np.array(w) for w in model.trainable_weights]),
    )  # fmt: skip
    assert len(seen) == 3 * steps
    average = seen[0]
    for weights in seen[1:]:
        average = [0.8 * a + 0.2 * w for a, w in zip(average, weights, strict=True)]
    for kept, expected in zip(model.trainable_weights, average, strict=True):
        np.testing.assert_allclose(np.array(kept), expected, rtol=1e-4, atol=1e-6)
    assert not np.allclose(np.array(model.trainable_weights[0]), seen[-1][0])


def test_test_time_views_average_the_mirrored_and_moved_images():
    tensorflow()
    import keras

    from reportgen.runs.pipeline import predict_probs, tta_views

    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [keras.Input((48, 48, 1)), keras.layers.Flatten(), keras.layers.Dense(7, "softmax")]
    )
    images = DATA.train.images[:5]
    views = tta_views(tta_flip=True, tta_shift=2)
    assert len(views) == 10 and (True, 0, 0) in views and (False, -2, 0) in views
    expected = np.zeros((5, 7))
    for mirrored, dx, dy in views:
        base = images[:, :, ::-1] if mirrored else images
        padded = np.pad(base.astype(np.float32), ((0, 0), (2, 2), (2, 2)), mode="reflect")
        x = padded[:, 2 - dy : 2 - dy + 48, 2 - dx : 2 - dx + 48]
        expected += model.predict(x[..., None], verbose=0) / len(views)
    got = predict_probs(model, images, tta_flip=True, tta_shift=2)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    # a view moved right by dx shows, at column c, the pixel of column c - dx
    padded = np.pad(images.astype(np.float32), ((0, 0), (2, 2), (2, 2)), mode="reflect")
    moved = padded[:, 2:50, 0:48]  # dx = +2, dy = 0
    np.testing.assert_array_equal(moved[:, :, 5], images[:, :, 3].astype(np.float32))
    assert math.isclose(float(got.sum()), 5.0, rel_tol=1e-5)
