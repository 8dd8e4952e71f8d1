"""Training what a report needs: runs in the cache are read, the others trained, in the order
and for the epochs of a budget plan when there is a budget (runs/plan.py). A student's
trained model (an imported run) is never trained: it is imported first, outside the plan,
and the budget is shared out over the runs that train."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from reportgen.data.types import Dataset
from reportgen.progress import Reporter
from reportgen.runs.plan import Cost, Plan, format_duration, plan_runs, run_shares
from reportgen.runs.probe import Measure, measure, measure_all
from reportgen.runs.run import Run
from reportgen.runs.spec import RunSpec
from reportgen.runs.store import RunStore


@dataclass(frozen=True)
class Budget:
    seconds: float
    text: str  # as the user wrote it, for messages
    role_shares: Mapping[str, float]  # the profile's shares


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
    ) -> Plan:
        """role_epochs: the lengths of roles with a run trained since (added to the cached)."""
        lengths = {**self.role_epochs, **(role_epochs or {})}
        fixed = {k: lengths[self.specs[k].role] for k in keys if self.specs[k].role in lengths}
        fixed |= {k: e for k, e in self.fixed_epochs.items() if k in keys}
        return plan_runs(
            {k: self.specs[k] for k in keys},
            self.shares,
            self.costs,
            self.budget.seconds,
            seconds_left,
            fixed,
            self.budget.text,
            strict,
        )


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


def shares_without(role_shares: Mapping[str, float], roles: set[str]) -> dict[str, float]:
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


def describe(plan: Plan) -> list[str]:
    """The plan as lines for people (`train --dry-run`)."""
    lines = [f"{'run':32s} {'role':9s} {'epochs':>6s} {'minutes':>8s}"]
    for r in plan.runs:
        lines.append(f"{r.spec.name:32s} {r.spec.role:9s} {r.spec.epochs:6d} {r.seconds / 60:8.1f}")
    lines.append(
        f"total: {len(plan.runs)} runs to train, about {format_duration(plan.seconds)}, "
        f"within a budget of {format_duration(plan.budget)}"
    )
    return lines


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
    time spent measuring counts, and the plan is made again before each run)."""
    start = clock()
    runs = {k: store.get(s, data) for k, s in specs.items() if store.has(s, data)}
    todo = [k for k in specs if k not in runs]
    if not todo:
        return runs
    check_own_models({k: specs[k] for k in todo})
    for key in [k for k in todo if specs[k].imported]:
        runs[key] = store.ensure(specs[key], data, report, f"{specs[key].name} (imported)")
        todo.remove(key)
    if not todo:
        return runs
    if budget is None:
        overall = report.task("training runs", total=len(todo))
        for i, key in enumerate(todo, start=1):
            label = f"run {i}/{len(todo)} {specs[key].name}"
            runs[key] = store.ensure(specs[key], data, report, label)
            report.advance(overall)
        report.done(overall)
        return runs

    planner = make_planner(store, data, specs, budget, report, measure_one)
    plan = planner.plan(todo, budget.seconds - (clock() - start))
    report.log("plan: " + ", ".join(f"{r.spec.name} {r.spec.epochs} epochs" for r in plan.runs))
    keys = [r.key for r in plan.runs]
    trained: dict[str, int] = {}  # role -> epochs, of the runs trained so far
    overall = report.task(
        f"training plan ({budget.text}, {plan.seconds / 60:.0f} min planned)",
        total=max(1, round(plan.seconds)),
    )
    for i, key in enumerate(keys, start=1):
        if i > 1:  # the time really left decides, at least one epoch
            left = budget.seconds - (clock() - start)
            plan = planner.plan(keys[i - 1 :], left, strict=False, role_epochs=trained)
        planned = next(r for r in plan.runs if r.key == key)
        per_step = planned.seconds / max(1, planned.spec.epochs * _steps(planned.spec, data))
        runs[key] = store.ensure(
            planned.spec,
            data,
            report,
            f"run {i}/{len(keys)} {planned.spec.name}",
            lambda: report.advance(overall, per_step),  # noqa: B023 (used before the next run)
        )
        trained.setdefault(planned.spec.role, planned.spec.epochs)
    report.done(overall)
    return runs


def _steps(spec: RunSpec, data: Dataset) -> int:
    from reportgen.runs.train import split, steps_per_epoch

    return steps_per_epoch(spec, len(split(spec, data)[0]))
