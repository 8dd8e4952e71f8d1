"""reportgen/runs/schedule.py: the learning rate at each step, a warm-up (from the fraction of its
peak that reportgen/settings/recipe.py sets) then a cosine to zero, whatever the length after
any re-plan."""

from __future__ import annotations

import dataclasses
import math
from itertools import pairwise
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.runs.schedule import WARMUP_START, learning_rate, warmup_steps
from tests.properties import QUICK, SLOW


def test_the_warm_up_is_its_fraction_of_the_first_length():
    assert warmup_steps(0.05, 1000) == 50
    assert warmup_steps(0.3, 10) == 3
    assert warmup_steps(0.0, 10) == 0


def test_the_cosine_is_the_default_and_stays_at_zero_after_its_end():
    assert learning_rate(50, 1.0, 0, 100) == pytest.approx(0.5)  # half way: cos(pi/2)
    assert learning_rate(25, 1.0, 0, 100) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))
    for step in (100, 150, 200, 300):  # a step past the end (a run shortened) is at zero
        assert learning_rate(step, 1.0, 0, 100) == pytest.approx(0.0, abs=1e-15)


@QUICK
@given(
    st.floats(1e-5, 1.0),
    st.integers(1, 500),
    st.floats(0.0, 0.5),
)
def test_a_cosine_schedule_warms_up_peaks_and_ends_at_zero(peak, total, fraction):
    warmup = warmup_steps(fraction, total)
    rates = [learning_rate(s, peak, warmup, total) for s in range(total + 1)]
    assert rates[-1] == pytest.approx(0.0, abs=1e-12 * peak)
    assert all(0.0 <= r <= peak * (1 + 1e-12) for r in rates)
    if warmup:
        assert rates[0] == pytest.approx(WARMUP_START * peak)
        assert all(a <= b for a, b in pairwise(rates[: warmup + 1]))
    assert rates[warmup] == pytest.approx(peak) or warmup == total
    after = rates[warmup:]
    assert all(a >= b - 1e-15 for a, b in pairwise(after))


def _train_with_replans(epochs: int, steps: int, fraction: float, answers: list[int]):
    """The real EpochLoop and Pace on a model that does not exist: each epoch ends, the
    plan answers the next length. (epochs run, the lengths planned, the rate after each
    epoch, the rates of every step of the final schedule, the warm-up's steps)."""
    from reportgen.runs.loop import EpochLoop, RunSchedule
    from reportgen.runs.plan import Pace
    from reportgen.runs.spec import RunSpec

    asked = iter(answers)
    pace = Pace(lambda done, seconds: next(asked, done + 1), "1h", 3600.0, 0.5, epochs)
    spec = SimpleNamespace(learning_rate=0.01, schedule="cosine")
    assert {"learning_rate", "schedule"} <= {f.name for f in dataclasses.fields(RunSpec)}
    warmup = warmup_steps(fraction, epochs * steps)
    state = {"epochs": epochs, "epoch": 0, "history": {}, "seconds": 0.0, "warmup_steps": warmup}
    loop = EpochLoop(spec, state, steps, on_epoch=lambda s: None, replan=pace.replan)
    in_graph = RunSchedule(spec.learning_rate, warmup, epochs * steps)
    model = SimpleNamespace(stop_training=False, optimizer=SimpleNamespace(_learning_rate=in_graph))
    loop.set_model(model)
    logs = {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.0, "val_accuracy": 0.5}
    lengths = []
    for epoch in range(10_000):
        loop.on_epoch_end(epoch, logs)
        lengths.append(state["epochs"])
        if model.stop_training:
            break
    total = state["epochs"] * steps
    schedule = [loop.rate(s) for s in range(total + 1)]
    # The schedule in the graph was laid out again with the plan: the same rates.
    assert float(in_graph(total)) == pytest.approx(schedule[-1], abs=1e-7)
    return state["epoch"], lengths, state["history"]["lr"], schedule, warmup


@pytest.fixture(scope="module")
def keras_loaded():
    from reportgen.tfenv import tensorflow

    tensorflow()


@SLOW
@given(
    st.integers(1, 30),
    st.integers(1, 20),
    st.floats(0.0, 0.3),
    st.lists(st.integers(-5, 60), max_size=8),
)
def test_after_any_re_plan_the_run_has_the_length_asked_and_ends_at_zero(
    keras_loaded, epochs, steps, fraction, answers
):
    """A re-plan may ask for any length (fewer epochs than done included): the run gets at
    least one more epoch, then exactly what was last asked, and its schedule ends at zero
    there, even when it is shorter than the warm-up laid out for the first length."""
    run, lengths, lr, schedule, _ = _train_with_replans(epochs, steps, fraction, answers)
    # Planned by hand: after epoch e (1-based), while e < the length, the length becomes
    # max(e + 1, the next answer); an exhausted plan answers e + 1.
    expected, length, e = [], epochs, 0
    queue = list(answers)
    while True:
        e += 1
        if e < length:
            length = max(e + 1, queue.pop(0) if queue else e + 1)
        expected.append(length)
        if e >= length:
            break
    assert lengths == expected and run == length == len(lr)
    assert lr[-1] == 0.0 and schedule[-1] == 0.0
    assert all(0.0 <= r <= 0.01 * (1 + 1e-12) for r in schedule)


def test_a_schedule_of_one_or_two_steps_clamps_its_warm_up_to_all_but_the_last():
    # warm-up 5 steps asked; 2 steps: one of warm-up, then the peak's cosine ending at zero
    assert learning_rate(0, 1.0, 5, 2) == pytest.approx(WARMUP_START)
    assert learning_rate(1, 1.0, 5, 2) == pytest.approx(1.0)
    assert learning_rate(2, 1.0, 5, 2) == pytest.approx(0.0, abs=1e-15)
    # 1 step: no warm-up left, the one step at the peak
    assert learning_rate(0, 1.0, 5, 1) == pytest.approx(1.0)
    assert learning_rate(1, 1.0, 5, 1) == pytest.approx(0.0, abs=1e-15)


def test_a_re_plan_shorter_than_the_warm_up_still_ends_at_zero(keras_loaded):
    # 100 epochs of 10 steps with a 5% warm-up: 50 steps. The probe was 50x too hopeful:
    # after epoch 1 the plan asks for 2 epochs, 20 steps, all inside the warm-up.
    run, _, lr, _, warmup = _train_with_replans(100, 10, 0.05, [2])
    assert (run, warmup) == (2, 50)
    assert lr[-1] == 0.0
