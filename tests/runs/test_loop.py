"""A run steered while it trains: its length re-planned after each epoch, the schedule laid out
again to end at zero, a resumed run keeping its re-planned length, and what the report says
of its budget."""

from __future__ import annotations

from itertools import pairwise

import pytest

from reportgen.progress import Reporter
from reportgen.runs.plan import Pace
from reportgen.runs.schedule import WARMUP_START, learning_rate
from reportgen.runs.store import RunStore
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


def test_the_report_says_what_the_budget_gave_and_what_a_longer_one_would():
    from types import SimpleNamespace

    from reportgen.measure.facts.training import LONGER_BUDGET, budget_facts

    metrics = {
        "budget": {"text": "45m", "seconds": 2700.0, "share": 0.085},
        "planned_epochs": 7,
        "epochs_run": 9,
        "seconds_per_epoch": 20.0,
    }
    facts = budget_facts(SimpleNamespace(metrics=metrics))
    assert facts["text"] == "45m" and facts["planned_epochs"] == 7 and facts["epochs"] == 9
    assert facts["share"] == 0.085
    assert facts["longer_text"] == "3h" and LONGER_BUDGET == 4
    # Worked by hand, not by the code's formula: a budget 4 x 45 min = 3 h = 10 800 s; training
    # may use 95% of it, 10 260 s; this run's share 8.5% of that is 872.1 s; at 20 s an epoch
    # that is 43.6, so 43 whole epochs.
    assert facts["longer_epochs"] == 43
    assert budget_facts(SimpleNamespace(metrics={**metrics, "budget": None})) is None


def test_the_schedule_in_the_graph_is_the_pure_one_at_any_length():
    import numpy as np

    from reportgen.runs.loop import RunSchedule

    peak, warmup = 0.01, 10
    schedule = RunSchedule(peak, warmup, 100)
    for total in (100, 40, 250):  # re-planned: only the variable changes
        schedule.set_total(total)
        steps = np.arange(0, total + 1)
        graph = np.asarray(schedule(steps))
        pure = [learning_rate(int(s), peak, warmup, total) for s in steps]
        np.testing.assert_allclose(graph, pure, rtol=1e-5, atol=1e-9)
    assert RunSchedule.from_config(schedule.get_config()).get_config()["total_steps"] == 250
    assert float(np.asarray(RunSchedule(peak, 0, 50, "constant")(7))) == pytest.approx(peak)
