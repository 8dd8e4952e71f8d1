"""The budget planner: plans that fit, schedules that run to their end, clear refusals."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from reportgen.errors import UserError
from reportgen.progress import Reporter
from reportgen.runs.execute import Budget, train_runs
from reportgen.runs.plan import (
    SAFETY,
    Cost,
    budget_text,
    plan_runs,
    run_shares,
    smallest_budget,
)
from reportgen.runs.store import RunStore
from tests.helpers import random_dataset, tiny_spec

SHARES = {"cnn": 0.6, "dnn": 0.06, "ablation": 0.34}
DATA = random_dataset()


def report_specs():
    """The shape of a report's runs: one CNN, one DNN, four ablation runs."""
    specs = {"cnn": tiny_spec("cnn"), "dnn": tiny_spec("dnn", role="dnn")}
    for i in range(4):
        specs[f"abl{i}"] = tiny_spec(f"abl{i}", role="ablation", seed=i)
    return specs


COSTS = {"cnn": Cost(60.0, 20.0), "dnn": Cost(8.0, 5.0)} | {
    f"abl{i}": Cost(60.0 - 10 * (i % 2), 20.0) for i in range(4)
}


@pytest.mark.parametrize("budget", [30 * 60, 45 * 60, 3 * 3600])
def test_the_plan_fits_the_budget_and_the_cnn_gets_most(budget):
    specs = report_specs()
    shares = run_shares(specs, SHARES)
    assert shares["abl0"] == pytest.approx(0.34 / 4)
    plan = plan_runs(specs, shares, COSTS, budget)
    assert plan.seconds <= budget * SAFETY
    by_key = {r.key: r for r in plan.runs}
    assert plan.runs[0].key == "cnn"  # the largest share trains first
    assert all(r.spec.epochs >= 1 for r in plan.runs)
    assert by_key["cnn"].seconds > 4 * by_key["abl0"].seconds
    # nothing left on the table: one more epoch of a role's runs would pass its share
    for role in ("cnn", "dnn", "ablation"):
        runs = [r for r in plan.runs if r.spec.role == role]
        more = sum(COSTS[r.key].seconds(r.spec.epochs + 1) for r in runs)
        assert more > sum(r.share for r in runs) * budget * SAFETY


def test_the_runs_of_a_role_get_the_same_epochs():
    """q3's cells are compared with each other: none trains longer, even where one is cheaper
    (COSTS: the odd ablation runs take 50 s an epoch, the even ones 60 s)."""
    specs = report_specs()
    shares = run_shares(specs, SHARES)
    plan = plan_runs(specs, shares, COSTS, 2700)
    assert len({r.spec.epochs for r in plan.runs if r.spec.role == "ablation"}) == 1
    # one of them resumed with its schedule: the others take its length
    plan = plan_runs(specs, shares, COSTS, 2700, fixed_epochs={"abl2": 2})
    assert {r.spec.epochs for r in plan.runs if r.spec.role == "ablation"} == {2}


def test_a_run_gets_the_same_epochs_whatever_else_is_cached():
    specs = report_specs()
    shares = run_shares(specs, SHARES)
    whole = {r.key: r.spec.epochs for r in plan_runs(specs, shares, COSTS, 2700).runs}
    only_q3 = {k: s for k, s in specs.items() if k.startswith("abl")}
    part = {r.key: r.spec.epochs for r in plan_runs(only_q3, shares, COSTS, 2700).runs}
    assert part == {k: whole[k] for k in only_q3}


def test_a_too_small_budget_says_the_smallest_that_works():
    specs = report_specs()
    shares = run_shares(specs, SHARES)
    with pytest.raises(UserError) as caught:
        plan_runs(specs, shares, COSTS, 60, budget_text_="1m")
    message = str(caught.value)
    need = smallest_budget(specs, shares, COSTS)
    assert "--budget 1m is too small" in message
    assert message.endswith(f"--budget {budget_text(need)}")
    assert "\n" not in message
    plan = plan_runs(specs, shares, COSTS, need)  # that budget is enough
    assert min(r.spec.epochs for r in plan.runs) >= 1
    with pytest.raises(UserError):
        plan_runs(specs, shares, COSTS, need * 0.97)


def test_an_interrupted_run_keeps_its_schedule():
    specs = report_specs()
    shares = run_shares(specs, SHARES)
    plan = plan_runs(specs, shares, COSTS, 2700, fixed_epochs={"cnn": 3})
    assert {r.key: r.spec.epochs for r in plan.runs}["cnn"] == 3


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeStore(RunStore):
    """Trains nothing: 'training' a run moves the fake clock by its cost times `slowdown`."""

    def __init__(self, tmp_path, clock, slowdown=1.0, cached=()):
        super().__init__(tmp_path / "runs")
        self.clock, self.slowdown, self.cached_keys = clock, slowdown, set(cached)
        self.trained: list = []

    def has(self, spec, data):
        return spec.name in self.cached_keys

    def get(self, spec, data):
        return ("cached", spec.name)

    def partial_epochs(self, spec, data):
        return None

    def ensure(self, spec, data, report, label=None, on_step=None):
        self.clock.now += COSTS[spec.name].seconds(spec.epochs) * self.slowdown
        self.trained.append(spec)
        return ("trained", spec.name, spec.epochs)


def fake_measure(clock):
    def measure(spec, data):
        clock.now += 5.0  # the probe takes time too, and it counts
        return COSTS[spec.name]

    return measure


@pytest.mark.parametrize("slowdown", [1.0, 1.1, 1.3])
def test_training_ends_within_the_budget_on_a_fake_clock(tmp_path, slowdown):
    """The plan is made again before each run: when the machine turns out slower than its
    probe said, the later runs get shorter, and the whole still ends within the budget
    (up to 1.3x slower than measured)."""
    clock = FakeClock()
    store = FakeStore(tmp_path, clock, slowdown)
    specs = {s.name: s for s in report_specs().values()}
    budget = Budget(2700.0, "45m", SHARES)
    runs = train_runs(store, DATA, specs, Reporter(), budget, fake_measure(clock), clock)
    assert set(runs) == set(specs)
    assert clock.now <= 2700.0
    assert store.trained[0].name == "cnn"
    assert all(s.epochs >= 1 for s in store.trained)
    # made again before each run, the plan keeps q3's cells at one length
    assert len({s.epochs for s in store.trained if s.role == "ablation"}) == 1


def test_cached_runs_are_neither_measured_nor_trained(tmp_path):
    clock = FakeClock()
    store = FakeStore(tmp_path, clock, cached={"cnn", "dnn"})
    specs = {s.name: s for s in report_specs().values()}
    measured = []

    def measure(spec, data):
        measured.append(spec.name)
        return COSTS[spec.name]

    runs = train_runs(store, DATA, specs, Reporter(), Budget(1800.0, "30m", SHARES), measure, clock)
    assert runs["cnn"] == ("cached", "cnn")
    assert "cnn" not in measured and "dnn" not in measured
    assert sorted(s.name for s in store.trained) == [f"abl{i}" for i in range(4)]


class HalfCachedStore(FakeStore):
    """Two of q3's cells are in the cache, trained for 7 epochs (under another budget)."""

    def get(self, spec, data):
        return SimpleNamespace(spec=spec.with_(epochs=7))


def test_missing_cells_train_as_long_as_the_cached_ones(tmp_path):
    clock = FakeClock()
    store = HalfCachedStore(tmp_path, clock, cached={"cnn", "dnn", "abl0", "abl1"})
    specs = {s.name: s for s in report_specs().values()}
    train_runs(
        store, DATA, specs, Reporter(), Budget(3 * 3600.0, "3h", SHARES), fake_measure(clock), clock
    )
    assert [(s.name, s.epochs) for s in store.trained] == [("abl2", 7), ("abl3", 7)]
