"""The budget planner: plans that fit, schedules that run to their end, clear refusals."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from reportgen.errors import UserError
from reportgen.progress import Reporter
from reportgen.runs.execute import Budget, train_runs
from reportgen.runs.plan import (
    SMALLEST_MARGIN,
    TRAINING_SHARE,
    Cost,
    Pace,
    budget_text,
    plan_runs,
    role_lengths,
    run_shares,
    smallest_budget,
)
from reportgen.settings.durations import parse_budget
from tests.helpers import random_dataset, tiny_spec
from tests.plan_fakes import COSTS, SHARES, FakeClock, FakeStore, fake_measure, report_specs

DATA = random_dataset()


@pytest.mark.parametrize("budget", [30 * 60, 45 * 60, 3 * 3600])
def test_the_plan_fits_the_budget_and_the_cnn_gets_most(budget):
    specs = report_specs()
    shares = run_shares(specs, SHARES)
    assert shares["abl0"] == pytest.approx(0.34 / 4)
    plan = plan_runs(specs, shares, COSTS, budget)
    assert plan.seconds <= budget * TRAINING_SHARE
    by_key = {r.key: r for r in plan.runs}
    assert plan.runs[-1].key == "cnn"  # the largest share trains last
    assert all(r.spec.epochs >= 1 for r in plan.runs)
    assert by_key["cnn"].seconds > 4 * by_key["abl0"].seconds
    # nothing left on the table: one more epoch of a role's runs would pass its share
    for role in ("cnn", "dnn", "ablation"):
        runs = [r for r in plan.runs if r.spec.role == role]
        more = sum(COSTS[r.key].seconds(r.spec.epochs + 1) for r in runs)
        assert more > sum(r.share for r in runs) * budget * TRAINING_SHARE


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
    assert message.endswith(f"--budget {budget_text(need)} works here")
    assert "\n" not in message
    plan = plan_runs(specs, shares, COSTS, need)  # that budget is enough
    assert min(r.spec.epochs for r in plan.runs) >= 1
    # ... with room for a probe that meets a busier moment next time
    plan_runs(specs, shares, {k: Cost(c.epoch * 1.15, c.fixed) for k, c in COSTS.items()}, need)
    with pytest.raises(UserError):
        plan_runs(specs, shares, COSTS, need / SMALLEST_MARGIN * 0.97)


def test_the_budget_named_counts_the_time_the_probe_took():
    """A refusal after a probe of a minute names a budget that holds the probe too."""
    specs = report_specs()
    shares = run_shares(specs, SHARES)
    need = smallest_budget(specs, shares, COSTS)
    with pytest.raises(UserError) as caught:
        plan_runs(specs, shares, COSTS, need, seconds_left=TRAINING_SHARE * need - 600)
    named = smallest_budget(specs, shares, COSTS, spent=600)
    assert caught.value.args[0].endswith(f"--budget {budget_text(named)} works here")
    plan_runs(specs, shares, COSTS, named, seconds_left=TRAINING_SHARE * named - 600)


def test_an_interrupted_run_keeps_its_schedule():
    specs = report_specs()
    shares = run_shares(specs, SHARES)
    plan = plan_runs(specs, shares, COSTS, 2700, fixed_epochs={"cnn": 3})
    assert {r.key: r.spec.epochs for r in plan.runs}["cnn"] == 3


@pytest.mark.parametrize("slowdown", [1.0, 1.1, 1.3])
def test_training_ends_within_the_budget_on_a_fake_clock(tmp_path, slowdown):
    """When the machine turns out slower than its probe said, the runs are re-planned, and
    the whole still ends within the budget's training share."""
    clock = FakeClock()
    store = FakeStore(tmp_path, clock, slowdown)
    specs = {s.name: s for s in report_specs().values()}
    budget = Budget(2700.0, "45m", SHARES)
    runs = train_runs(store, DATA, specs, Reporter(), budget, fake_measure(clock), clock)
    assert set(runs) == set(specs)
    assert clock.now <= 2700.0 * TRAINING_SHARE
    assert store.trained[-1].name == "cnn"
    assert all(s.epochs >= 1 for s in store.trained)
    # made again during training, the plan keeps q3's cells at one length
    assert len({s.epochs for s in store.trained if s.role == "ablation"}) == 1
    # every run records the budget that planned it, q3's later cells (whose length is set by
    # the first) too: the report states it for each
    assert {n: b["share"] for n, b in store.budgets.items()} == pytest.approx(
        {"cnn": 0.6, "dnn": 0.06, **{f"abl{i}": 0.34 / 4 for i in range(4)}}
    )


@pytest.mark.parametrize("drift", [1.0, 1.4])
def test_later_cells_slower_than_the_first_come_out_of_the_cnn(tmp_path, drift):
    """q3's later cells keep the length the first set, however slow their epochs turn out
    (a 2-core machine drifted 40% slower between cells): the CNN, planned last with the
    time really left, gives the epochs back, the DNN keeps its own, and training ends on
    time."""
    slower = {f"abl{i}": drift for i in (1, 2, 3)}
    store, _, clock = fake_training(tmp_path, Budget(2700.0, "45m", SHARES), slower)
    assert clock.now <= 2700.0 * TRAINING_SHARE
    epochs = {s.name: s.epochs for s in store.trained}
    assert len({epochs[f"abl{i}"] for i in range(4)}) == 1
    steady_store = fake_training(tmp_path / "steady", Budget(2700.0, "45m", SHARES))[0]
    steady = {s.name: s.epochs for s in steady_store.trained}
    assert epochs["dnn"] == steady["dnn"] and epochs["abl0"] == steady["abl0"]
    assert (epochs["cnn"] < steady["cnn"]) == (drift > 1.0)


@pytest.mark.parametrize("error", [0.5, 2.0])
@pytest.mark.parametrize("budget", [45 * 60.0, 2 * 3600.0])
def test_a_probe_wrong_by_half_or_double_still_uses_the_budget(tmp_path, error, budget):
    """The probe said every run costs half (or twice) what it does: the runs' own epochs
    correct the plan, and training ends between 90% and 100% of the budget's training share."""
    clock = FakeClock()
    store = FakeStore(tmp_path, clock)
    specs = {s.name: s for s in report_specs().values()}
    b = Budget(budget, "b", SHARES)
    train_runs(store, DATA, specs, Reporter(), b, fake_measure(clock, error), clock)
    training = budget * TRAINING_SHARE
    assert 0.9 * training <= clock.now <= training
    assert len({s.epochs for s in store.trained if s.role == "ablation"}) == 1
    cnn = store.trained[-1]
    assert cnn.name == "cnn"
    # the last run also takes what the others' whole epochs left of their shares
    assert COSTS["cnn"].seconds(cnn.epochs) <= SHARES["cnn"] * training * 1.1


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


class Logged(Reporter):
    """A reporter that keeps the log's lines."""

    def __init__(self):
        self.lines = []

    def log(self, message):
        self.lines.append(message)


def fake_training(tmp_path, budget: Budget, slowdowns=None) -> tuple[FakeStore, Logged, FakeClock]:
    """The report's runs trained under the budget on the fake clock (slowdowns: FakeStore's):
    the store (what it trained), the log and the clock at the end."""
    clock, report = FakeClock(), Logged()
    store = FakeStore(tmp_path, clock, slowdowns=slowdowns)
    specs = {s.name: s for s in report_specs().values()}
    train_runs(store, DATA, specs, report, budget, fake_measure(clock), clock)
    return store, report, clock


def logged_training(tmp_path, budget: Budget) -> list[str]:
    """The log of the report's runs trained under the budget, on the fake clock."""
    return fake_training(tmp_path, budget)[1].lines


def test_the_log_says_what_the_training_took_of_the_budget(tmp_path):
    last = logged_training(tmp_path, Budget(2700.0, "45m", SHARES))[-1]
    assert re.fullmatch(
        r"training took 4[23] min of --budget 45m \((9\d|100)% of the 43 min it leaves for training\)",
        last,
    )


@pytest.mark.parametrize("holds", [2, 100])
def test_the_log_says_first_what_the_budget_buys_q3(tmp_path, holds):
    """Before any training: each run's epochs, q3's cells' epochs, whether they reach the
    length their comparison needs, and the budget that gives it on this machine."""
    lines = logged_training(tmp_path, Budget(2700.0, "45m", SHARES, ablation_holds=holds))
    plan = next(i for i, line in enumerate(lines) if line.startswith("plan for"))
    head, q3 = lines[plan], lines[plan + 1]
    assert head.startswith("plan for --budget 45m on this machine (epochs): cnn ")
    assert "q3's 4 cells " in head and "dnn " in head
    assert q3.startswith("q3: each cell ") and f"holds from {holds} epochs" in q3
    assert ("(enough)" in q3) == (holds == 2)
    need = parse_budget(q3.rsplit("--budget ", 1)[1].split()[0])
    assert (need > 2700.0) == (holds == 100)


@pytest.mark.parametrize("plateau", [2, 100])
def test_the_log_says_first_what_the_budget_buys_the_cnn(tmp_path, plateau):
    """Before any training: whether the CNN reaches the length from which the recipe stops
    gaining, and the budget that gives it on this machine."""
    budget = Budget(2700.0, "45m", SHARES, ablation_holds=30, cnn_plateau=plateau)
    lines = logged_training(tmp_path, budget)
    plan = next(i for i, line in enumerate(lines) if line.startswith("plan for"))
    cnn, q3 = lines[plan + 1], lines[plan + 2]
    assert cnn.startswith("cnn: ") and f"levels off from {plateau} epochs" in cnn
    assert q3.startswith("q3: each cell ")
    assert ("(enough)" in cnn) == (plateau == 2)
    need = parse_budget(cnn.rsplit("--budget ", 1)[1].split()[0])
    assert (need > 2700.0) == (plateau == 100)


def test_nothing_is_said_of_lengths_nobody_measured(tmp_path):
    lines = logged_training(tmp_path, Budget(2700.0, "45m", SHARES))
    plan = next(i for i, line in enumerate(lines) if line.startswith("plan for"))
    assert not lines[plan + 1].startswith(("cnn:", "q3:"))


def test_a_re_plan_always_leaves_one_more_epoch():
    pace = Pace(lambda done, seconds: 0, "45m", 2700.0, 0.6, epochs=10)
    assert pace.replan(3, [1.0, 1.0, 1.0]) == 4 and pace.epochs == 4
    longer = Pace(lambda done, seconds: 9, "45m", 2700.0, 0.6)
    assert longer.replan(3, []) == 9
    assert pace.describe() == {"text": "45m", "seconds": 2700.0, "share": 0.6}


ROLES = {"a": "cnn", "b": "dnn", "c": "ablation"}

RUN_SHARES = {"a": 0.6, "b": 0.1, "c": 0.3}


def specs() -> dict:
    return {k: tiny_spec(k, role=role) for k, role in ROLES.items()}


def costs(scale: float = 1.0) -> dict[str, Cost]:
    base = {"a": Cost(epoch=10, fixed=5), "b": Cost(epoch=2, fixed=1), "c": Cost(epoch=4, fixed=2)}
    return {k: Cost(epoch=c.epoch * scale, fixed=c.fixed * scale) for k, c in base.items()}


def test_the_smallest_budget_worked_by_hand():
    # a's role is fixed at 2 epochs: 5 + 2 x 10 = 25 s. b and c share the other 0.4:
    # b needs 3 s / 0.1 = 30, so 30 x 0.4 + 25 = 37; c needs 6 / 0.3 = 20, 20 x 0.4 + 25 = 33.
    # 1.2 x 37 / 0.95 = 46.74
    assert smallest_budget(specs(), RUN_SHARES, costs(), {"a": 2}) == pytest.approx(1.2 * 37 / 0.95)
    assert smallest_budget(specs(), RUN_SHARES, costs(), {"a": 2}, spent=10.0) == pytest.approx(
        1.2 * 47 / 0.95
    )
    # nothing fixed: the largest of 15 / 0.6 = 25, 3 / 0.1 = 30, 6 / 0.3 = 20
    assert smallest_budget(specs(), RUN_SHARES, costs()) == pytest.approx(1.2 * 30 / 0.95)
    # under a second: 0.3 / 0.1 = 3 s ... x 0.01: 0.3 s
    assert smallest_budget(specs(), RUN_SHARES, costs(0.01)) == pytest.approx(1.2 * 0.3 / 0.95)


def test_a_refusal_with_a_fixed_run_names_the_budget_that_counts_it():
    # in minutes: the worked example above x 60 s: 1.2 x 37 x 60 / 0.95 = 2804 s: 47m
    with pytest.raises(UserError, match=r"^--budget 20m is too small .*--budget 47m works here$"):
        plan_runs(specs(), RUN_SHARES, costs(60), 1200.0, None, {"a": 2}, "20m")
    with pytest.raises(UserError, match=r"^the budget is too small .* works here$"):
        plan_runs(specs(), RUN_SHARES, costs(60), 1200.0, None, {"a": 2})


def test_a_plan_made_again_shares_what_the_fixed_runs_leave():
    # training 95 s; a fixed at 2 epochs takes 25 s; b and c share 70 s in proportion:
    # scale 70 / 0.4 = 175; b: 0.1 x 175 - 1 = 16.5 s, 16.5 / 2 = 8 epochs;
    # c: 0.3 x 175 - 2 = 50.5 s, 50.5 / 4 = 12 epochs
    plan = plan_runs(specs(), RUN_SHARES, costs(), 100.0, None, {"a": 2}, capped=False)
    assert {r.key: r.spec.epochs for r in plan.runs} == {"a": 2, "b": 8, "c": 12}
    assert [r.key for r in plan.runs] == ["b", "c", "a"]  # the largest share last
    assert plan.epochs("c") == 12 and plan.budget == 100.0
    assert plan.envelope == pytest.approx(25 + 0.4 * 175)


def test_a_plan_with_no_time_left_gives_one_epoch_each_and_no_envelope():
    plan = plan_runs(specs(), RUN_SHARES, costs(), 100.0, -10.0, strict=False)
    assert {r.key: r.spec.epochs for r in plan.runs} == {"a": 1, "b": 1, "c": 1}
    assert plan.envelope == 0.0


def test_one_role_without_room_refuses_the_plan_whatever_the_others():
    # a's role first (dict order) has room for 0.6 x 95 = 57 s: fine; b's 9.5 s - 1 = 8.5 s
    # is 4 epochs; c's 28.5 - 2 = 26.5 is 6: all fit. With c's epochs at 30 s it does not.
    ok = plan_runs(specs(), RUN_SHARES, costs(), 100.0)
    assert {r.key: r.spec.epochs for r in ok.runs} == {"a": 5, "b": 4, "c": 6}
    slow_c = {**costs(), "c": Cost(epoch=30, fixed=2)}
    with pytest.raises(UserError):
        plan_runs({k: specs()[k] for k in ("c", "a")}, RUN_SHARES, slow_c, 100.0)


def test_a_fixed_run_keeps_its_own_length_and_its_role_s_others_take_the_first():
    two = {"a": tiny_spec("a"), "x": tiny_spec("x"), "y": tiny_spec("y")}  # all of role cnn
    assert role_lengths(two, {"a": 3, "x": 5}) == {"a": 3, "x": 5, "y": 3}
    assert role_lengths(two, {"elsewhere": 4}) == {}


def test_the_smallest_budget_of_the_runs_left_when_others_are_cached():
    # only b and c are missing (a is cached): their shares add to 0.4, nothing fixed; b's
    # role alone needs 3 s / 0.1 = 30 s of a budget's training time
    left = {k: s for k, s in specs().items() if k != "a"}
    assert smallest_budget(left, RUN_SHARES, costs()) == pytest.approx(1.2 * 30 / 0.95)
