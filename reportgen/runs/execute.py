"""Training what a report needs: runs in the cache are read, the others trained, in the order
and for the epochs of a budget plan when there is a budget (runs/plan.py). A student's
trained model (an imported run) is never trained: it is imported first, outside the plan,
and the budget is shared out over the runs that train.

Under a budget the plan steers itself: the probe's costs give the first plan and its
deadline; after every epoch of a run, the plan is made again with that run's own epoch
times (and the probe's costs of the runs after it corrected by what they turned out to be)
and the time really left, and a run whose length is free gets its new length."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from reportgen.data.types import Dataset
from reportgen.progress import Reporter
from reportgen.runs.plan import (
    TRAINING_SHARE,
    Cost,
    Pace,
    Plan,
    plan_runs,
    run_shares,
)
from reportgen.runs.probe import Measure, measure, measure_all, speed_signature
from reportgen.runs.run import Run
from reportgen.runs.spec import RunSpec
from reportgen.runs.store import RunStore
from reportgen.settings.durations import budget_text, format_duration


@dataclass(frozen=True)
class Budget:
    seconds: float
    text: str  # as the user wrote it, for messages
    role_shares: Mapping[str, float]  # the profile's shares
    ablation_holds: int = 0  # the epochs a q3 cell needs for its comparison to hold (0: unsaid)
    cnn_plateau: int = 0  # the epochs from which the recipe's CNN stops gaining (0: unsaid)


@dataclass(frozen=True)
class Planner:
    """What a plan is made from, measured once: each missing run's share and cost, the
    length of the interrupted runs (they resume the schedule they started) and of the roles
    with a run in the cache (q3's missing cells train as long as its cached ones)."""

    budget: Budget
    specs: Mapping[str, RunSpec]  # the runs to train
    shares: Mapping[str, float]
    costs: Mapping[str, Cost]
    fixed_epochs: Mapping[str, int]
    role_epochs: Mapping[str, int] = field(default_factory=dict)

    def plan(
        self,
        keys: list[str],
        seconds_left: float,
        strict: bool = True,
        role_epochs: Mapping[str, int] | None = None,
        costs: Mapping[str, Cost] | None = None,
    ) -> Plan:
        """seconds_left: of the training time. role_epochs: the lengths of roles with a run
        trained since (added to the cached). costs: better than the probe's, once measured;
        with them the plan is one made during training (uncapped: see plan_runs)."""
        return plan_runs(
            {k: self.specs[k] for k in keys},
            self.shares,
            costs or self.costs,
            self.budget.seconds,
            seconds_left,
            self.fixed(keys, role_epochs),
            self.budget.text,
            strict,
            capped=costs is None,
        )

    def fixed(self, keys: list[str], role_epochs: Mapping[str, int] | None) -> dict[str, int]:
        """The runs of keys whose length is set: resumed, or of a role trained already."""
        lengths = {**self.role_epochs, **(role_epochs or {})}
        fixed = {k: lengths[self.specs[k].role] for k in keys if self.specs[k].role in lengths}
        return fixed | {k: e for k, e in self.fixed_epochs.items() if k in keys}


def make_planner(
    store: RunStore,
    data: Dataset,
    specs: Mapping[str, RunSpec],
    budget: Budget,
    report: Reporter,
    measure_one: Measure = measure,
) -> Planner:
    """specs: every run the report needs (they all count for the shares, so that a run's share
    does not depend on what happens to be cached; an imported run does not count, as it never
    trains); the cached ones are not measured."""
    imported = {s.role for s in specs.values() if s.imported}
    specs = {k: s for k, s in specs.items() if not s.imported}
    role_shares = budget.role_shares
    if imported:
        role_shares = shares_without(role_shares, imported - {s.role for s in specs.values()})
    missing = {k: s for k, s in specs.items() if not store.has(s, data)}
    if missing:
        report.log("measuring how fast this machine trains (a few seconds a model)")
    fixed = {k: e for k, s in missing.items() if (e := store.partial_epochs(s, data)) is not None}
    cached_roles = {s.role: k for k, s in specs.items() if k not in missing}
    roles = {s.role for s in missing.values()}
    return Planner(
        budget=budget,
        specs=missing,
        shares=run_shares(specs, role_shares),
        costs=measure_all(missing, data, measure_one),
        fixed_epochs=fixed,
        role_epochs={
            role: store.get(specs[k], data).spec.epochs
            for role, k in cached_roles.items()
            if role in roles
        },
    )


def shares_without(role_shares: Mapping[str, float], roles: Collection[str]) -> dict[str, float]:
    """The role shares with those of roles given to the others, in proportion (the imported
    CNN's share goes to the runs that train)."""
    kept = {r: v for r, v in role_shares.items() if r not in roles}
    scale = sum(role_shares.values()) / (sum(kept.values()) or 1.0)
    return {r: v * scale for r, v in kept.items()}


def check_own_models(specs: Mapping[str, RunSpec]) -> None:
    """Build the student's model of every spec once, before anything is trained or written:
    a bad file is one line now, not a failure halfway through the plan."""
    users = {s.model.user for s in specs.values() if s.model.user is not None}
    if users:
        from reportgen.runs.user_model import check_user_model

        for user in sorted(users, key=lambda u: (u.weights, u.sha256)):
            check_user_model(user)


def describe(plan: Plan, planner: Planner | None = None) -> list[str]:
    """The plan as lines for people (`train --dry-run`), with what it buys (planner)."""
    lines = [f"{'run':32s} {'role':9s} {'epochs':>6s} {'minutes':>8s}"]
    for r in plan.runs:
        lines.append(f"{r.spec.name:32s} {r.spec.role:9s} {r.spec.epochs:6d} {r.seconds / 60:8.1f}")
    lines.append(
        f"total: {len(plan.runs)} runs to train, about {format_duration(plan.seconds)}, "
        f"within a budget of {format_duration(plan.budget)}"
    )
    return lines + (length_lines(plan, planner) if planner is not None else [])


def plan_lines(plan: Plan, planner: Planner) -> list[str]:
    """What the budget buys, before any training (the build's log): each run's epochs, and
    whether the CNN and q3's cells reach the lengths they need."""
    runs = sorted((r for r in plan.runs if r.spec.role != "ablation"), key=lambda r: -r.share)
    cnn = [f"{r.spec.name} {r.spec.epochs}" for r in runs]  # the CNN first
    cells = [r for r in plan.runs if r.spec.role == "ablation"]
    if cells:
        cnn.append(f"q3's {len(cells)} cells {cells[0].spec.epochs} each")
    head = f"plan for --budget {planner.budget.text} on this machine (epochs): " + ", ".join(cnn)
    return [head, *length_lines(plan, planner)]


def length_lines(plan: Plan, planner: Planner) -> list[str]:
    """For the recipe's CNN and for q3's cells: the epochs they need (measured on the
    course's data), whether the plan gives them, and the budget that does on this machine."""
    budget = planner.budget
    recipe_cnn = [r.key for r in plan.runs if r.spec.role == "cnn" and r.spec.model.user is None]
    cells = [r.key for r in plan.runs if r.spec.role == "ablation"]
    wanted = (
        (recipe_cnn, budget.cnn_plateau, "cnn: {} epochs", "it has not reached its best accuracy",
         "its accuracy levels off from {} epochs"),
        (cells, budget.ablation_holds, "q3: each cell {} epochs", "its verdicts may not hold",
         "its comparison holds from {} epochs a cell"),
    )  # fmt: skip
    return [
        length_line(plan, planner, keys, need, *w) for keys, need, *w in wanted if keys and need
    ]


def length_line(
    plan: Plan, planner: Planner, keys: list[str], need: int, head: str, short: str, holds: str
) -> str:
    epochs = plan.epochs(keys[0])
    verdict = "enough" if epochs >= need else f"too few: {short}"
    return (
        f"{head.format(epochs)} ({verdict}); {holds.format(need)} (measured on the course's "
        f"data), which --budget {budget_for(planner, keys, need)} gives here"
    )


def budget_for(planner: Planner, keys: Sequence[str], epochs: int) -> str:
    """The budget whose share for keys trains each of them for epochs, on this machine."""
    costs, shares = planner.costs, planner.shares
    need = sum(costs[k].seconds(epochs) for k in keys)
    return budget_text(need / (sum(shares[k] for k in keys) * TRAINING_SHARE))


def train_runs(
    store: RunStore,
    data: Dataset,
    specs: Mapping[str, RunSpec],
    report: Reporter,
    budget: Budget | None = None,
    measure_one: Measure = measure,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Run]:
    """Every run of specs, by key: read from the cache, or trained (within the budget: the
    time spent measuring counts, and the plan steers itself, see the module's doc)."""
    start = clock()
    runs = {k: store.get(s, data) for k, s in specs.items() if store.has(s, data)}
    missing = {k: s for k, s in specs.items() if k not in runs}
    if missing:
        check_own_models(missing)
        runs |= import_runs(store, data, {k: s for k, s in missing.items() if s.imported}, report)
    todo = [k for k in missing if k not in runs]
    if not todo:
        return runs
    if budget is None:
        return runs | train_in_turn(store, data, {k: specs[k] for k in todo}, report)
    planner = make_planner(store, data, specs, budget, report, measure_one)
    plan = planner.plan(todo, TRAINING_SHARE * budget.seconds - (clock() - start))
    for line in plan_lines(plan, planner):
        report.log(line)
    pacer = Pacer(planner, clock() + plan.envelope, clock)
    runs |= _train_plan(store, data, report, pacer, plan)
    report.log(spent_line(clock() - start, budget))
    return runs


def spent_line(seconds: float, budget: Budget) -> str:
    """What the training took of the budget, for the log."""
    training = TRAINING_SHARE * budget.seconds
    return (
        f"training took {format_duration(seconds)} of --budget {budget.text} "
        f"({seconds / training:.0%} of the {format_duration(training)} it leaves for training)"
    )


def import_runs(
    store: RunStore, data: Dataset, specs: Mapping[str, RunSpec], report: Reporter
) -> dict[str, Run]:
    """The student's trained models as runs, outside any plan (nothing trains)."""
    return {k: store.ensure(s, data, report, f"{s.name} (imported)") for k, s in specs.items()}


def train_in_turn(
    store: RunStore, data: Dataset, specs: Mapping[str, RunSpec], report: Reporter
) -> dict[str, Run]:
    """Without a budget: each run for its profile's epochs, one after the other."""
    overall = report.task("training runs", total=len(specs))
    runs = {}
    for i, (key, spec) in enumerate(specs.items(), start=1):
        runs[key] = store.ensure(spec, data, report, f"run {i}/{len(specs)} {spec.name}")
        report.advance(overall)
    report.done(overall)
    return runs


def _train_plan(
    store: RunStore, data: Dataset, report: Reporter, pacer: Pacer, plan: Plan
) -> dict[str, Run]:
    """The plan's runs in its order, each planned again first with the time really left."""
    keys = [r.key for r in plan.runs]
    overall = report.task(
        f"training plan ({pacer.planner.budget.text}, "
        f"{format_duration(pacer.deadline - pacer.clock())} planned)",
        total=max(1, round(pacer.deadline - pacer.clock())),
    )
    runs = {}
    for i, key in enumerate(keys, start=1):
        spec = pacer.planner.specs[key].with_(epochs=pacer.epochs(keys[i - 1 :])[key])
        pace = pacer.pace(key, keys[i - 1 :], spec.epochs)
        label = f"run {i}/{len(keys)} {spec.name}"
        runs[key] = store.ensure(spec, data, report, label, pacer.ticker(report, overall), pace)
        pacer.trained.setdefault(spec.role, pace.epochs)
    report.done(overall)
    return runs


class Pacer:
    """The plan during training: the deadline, what each speed of run really cost per epoch
    (by speed signature), and the lengths of the roles trained so far."""

    def __init__(self, planner: Planner, deadline: float, clock: Callable[[], float]) -> None:
        self.planner, self.deadline, self.clock = planner, deadline, clock
        self.measured: dict[tuple, float] = {}  # speed signature -> seconds an epoch
        self.ratio = 1.0  # measured / probed, of the last run measured: corrects the others
        self.trained: dict[str, int] = {}  # role -> epochs, of the runs trained so far

    def costs(self, keys: list[str]) -> dict[str, Cost]:
        out = {}
        for k in keys:
            probed = self.planner.costs[k]
            epoch = self.measured.get(speed_signature(self.planner.specs[k]))
            epoch = probed.epoch * self.ratio if epoch is None else epoch
            out[k] = Cost(epoch=epoch, fixed=probed.fixed * self.ratio)
        return out

    def epochs(self, keys: list[str], spent: float = 0.0) -> dict[str, int]:
        """The lengths of keys' runs (the first one in progress, `spent` seconds into it)."""
        left = self.deadline - self.clock() + spent
        plan = self.planner.plan(
            keys, left, strict=False, role_epochs=self.trained, costs=self.costs(keys)
        )
        return {r.key: r.spec.epochs for r in plan.runs}

    def pace(self, key: str, keys: list[str], epochs: int) -> Pace:
        """What steers the run `key` (keys: it and the runs after it). A run whose length is
        set (resumed, or of a role trained already, such as q3's later cells) keeps it; its
        epochs still correct the costs of the runs after it, and it records its budget too."""
        steered = key not in self.planner.fixed(keys, self.trained)
        spec = self.planner.specs[key]
        probed = self.planner.costs[key].epoch

        def replan(done: int, seconds: Sequence[float]) -> int:
            epoch = typical_epoch(seconds)
            self.measured[speed_signature(spec)] = epoch
            self.ratio = epoch / probed if probed > 0 else 1.0
            return self.epochs(keys, spent=sum(seconds))[key] if steered else epochs

        budget, share = self.planner.budget, self.planner.shares[key]
        return Pace(replan, budget.text, budget.seconds, share, epochs)

    def ticker(self, report: Reporter, task: object) -> Callable[[], None]:
        """The plan's progress, in seconds of the planned time, after every training step."""
        last = self.clock()

        def tick() -> None:
            nonlocal last
            now = self.clock()
            report.advance(task, now - last)
            last = now

        return tick


def typical_epoch(seconds: Sequence[float]) -> float:
    """An epoch's seconds as the run goes: the mean of its epochs after the first (which
    holds the tracing), or the first alone."""
    later = seconds[1:]
    return sum(later) / len(later) if later else seconds[0]
