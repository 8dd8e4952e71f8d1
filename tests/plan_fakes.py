"""The budget planner's fakes, shared by the tests of the plan and of the student's own model:
a report's run specs, their costs, a fake clock and a store that trains nothing."""

from __future__ import annotations

from dataclasses import replace

from reportgen.runs.plan import Cost
from reportgen.runs.spec import AugmentSpec
from reportgen.runs.store import RunStore
from tests.helpers import tiny_spec

SHARES = {"cnn": 0.6, "dnn": 0.06, "ablation": 0.34}


def report_specs():
    """The shape of a report's runs: one CNN, one DNN, four ablation runs (the odd ones with
    augmentation: another speed, so another probe)."""
    dnn = tiny_spec("dnn", role="dnn")
    specs = {"cnn": tiny_spec("cnn"), "dnn": dnn.with_(model=replace(dnn.model, kind="dnn"))}
    for i in range(4):
        augment = AugmentSpec() if i % 2 else None
        specs[f"abl{i}"] = tiny_spec(f"abl{i}", role="ablation", seed=i, augment=augment)
    return specs


COSTS = {"cnn": Cost(60.0, 20.0), "dnn": Cost(8.0, 5.0)} | {
    f"abl{i}": Cost(60.0 - 10 * (i % 2), 20.0) for i in range(4)
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeStore(RunStore):
    """Trains nothing: each epoch of a run moves the fake clock by its cost times `slowdown`
    (or the run's own in `slowdowns`; half the run's fixed cost before its first epoch, half
    after its last), and a paced run is re-planned after every epoch, as the trainer does."""

    def __init__(self, tmp_path, clock, slowdown=1.0, cached=(), slowdowns=None):
        super().__init__(tmp_path / "runs")
        self.clock, self.slowdown, self.cached_keys = clock, slowdown, set(cached)
        self.slowdowns = slowdowns or {}  # run name -> its own slowdown, instead
        self.trained: list = []
        self.budgets: dict[str, object] = {}  # run name -> what it records of its budget

    def has(self, spec, data):
        return spec.name in self.cached_keys

    def get(self, spec, data):
        return ("cached", spec.name)

    def partial_epochs(self, spec, data):
        return None

    def ensure(self, spec, data, report, label=None, on_step=None, pace=None):
        cost, slowdown = COSTS[spec.name], self.slowdowns.get(spec.name, self.slowdown)
        self.clock.now += cost.fixed / 2 * slowdown
        total, seconds = spec.epochs, []
        while len(seconds) < total:
            self.clock.now += cost.epoch * slowdown
            seconds.append(cost.epoch * slowdown)
            if on_step is not None:
                on_step()
            if pace is not None and len(seconds) < total:
                total = pace.replan(len(seconds), seconds)
        self.clock.now += cost.fixed / 2 * slowdown
        self.trained.append(spec.with_(epochs=total))
        self.budgets[spec.name] = pace.describe() if pace is not None else None
        return ("trained", spec.name, total)


def fake_measure(clock, error=1.0):
    """A probe that takes 5 s and is wrong by `error` (2: it says every run costs twice
    what it does)."""

    def measure(spec, data):
        clock.now += 5.0  # the probe takes time too, and it counts
        cost = COSTS[spec.name]
        return Cost(cost.epoch * error, cost.fixed * error)

    return measure
