"""The budget planner: how many epochs each run gets so that all of them end within a budget.

Pure functions: the speed of this machine comes in as Costs (runs/probe.py measures them
first, the runs' own epochs later), the clock as numbers, so the tests can plan with a fake
clock. Training may use TRAINING_SHARE of the budget; the sections and the PDF take the
rest. Each kind of run (its role) gets its share of that (profiles.toml), and the runs of a
role get the same epochs. The plan is made again after every epoch of a run, from the time
its epochs really took and the time really left (runs/execute.py), and the run's length is
set again: its learning-rate schedule is laid out for that length and always runs to its
end (runs/schedule.py). Nothing is cut off by a timer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reportgen.errors import UserError
from reportgen.runs.spec import RunSpec
from reportgen.settings.durations import budget_text
from reportgen.settings.recipe import TRAINING_SHARE

# A refusal names a budget this much above the least that fits one epoch of every run, so
# that the named budget still works when the next probe meets a busier moment.
SMALLEST_MARGIN = 1.2


@dataclass(frozen=True)
class Cost:
    """What one run costs on this machine, in seconds (measured by runs/probe.py)."""

    epoch: float  # one epoch: training steps, the validation pass and the checkpoint
    fixed: float  # once per run: building, tracing, the final predictions

    def seconds(self, epochs: int) -> float:
        return self.fixed + epochs * self.epoch


@dataclass(frozen=True)
class PlannedRun:
    key: str
    spec: RunSpec  # with the planned epochs
    seconds: float  # estimated
    share: float  # of the whole budget


@dataclass(frozen=True)
class Plan:
    runs: tuple[PlannedRun, ...]
    budget: float  # the whole budget, as given
    envelope: float = 0.0  # the seconds the plan may use from when it was made

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.runs)

    def epochs(self, key: str) -> int:
        return next(r.spec.epochs for r in self.runs if r.key == key)


@dataclass
class Pace:
    """What steers a run under a budget while it trains: after each epoch, replan(epochs
    done, the seconds each took) gives the run's new length (at least one more epoch, so
    that its schedule still ends at zero); and what the run records of its budget."""

    plan_length: Callable[[int, Sequence[float]], int]
    budget_text: str
    budget_seconds: float
    share: float  # the run's share of the budget
    epochs: int = 0  # the length last planned

    def replan(self, done: int, seconds: Sequence[float]) -> int:
        self.epochs = max(done + 1, self.plan_length(done, seconds))
        return self.epochs

    def describe(self) -> dict[str, object]:
        return {"text": self.budget_text, "seconds": self.budget_seconds, "share": self.share}


def run_shares(specs: Mapping[str, RunSpec], role_shares: Mapping[str, float]) -> dict[str, float]:
    """Each run's share of the budget: its role's share, split evenly between that role's runs."""
    counts: dict[str, int] = {}
    for spec in specs.values():
        counts[spec.role] = counts.get(spec.role, 0) + 1
    return {key: role_shares[spec.role] / counts[spec.role] for key, spec in specs.items()}


def order(specs: Mapping[str, RunSpec], shares: Mapping[str, float]) -> list[str]:
    """Smallest share first: the main CNN trains last, planned again after every epoch with
    the time really left, so that whatever the runs before it took beyond their plan (q3's
    later cells above all, whose length the first cell sets) comes out of the run with the
    most epochs to give, and the training still ends on time. (Largest first, a 2-core
    machine whose epochs drifted 40% slower left the DNN one epoch and ran 13% over.)"""
    return sorted(specs, key=lambda k: shares[k])


def plan_runs(
    specs: Mapping[str, RunSpec],
    shares: Mapping[str, float],
    costs: Mapping[str, Cost],
    budget: float,
    seconds_left: float | None = None,
    fixed_epochs: Mapping[str, int] | None = None,
    budget_text_: str = "",
    strict: bool = True,
    capped: bool = True,
) -> Plan:
    """Epochs for each run in specs (the runs still to train).

    budget: the whole budget; training may use TRAINING_SHARE of it, and seconds_left is
    what is left of that. A role's runs get the role's share of the training time, whatever
    else is cached (capped: the same budget gives a run the same epochs), and they all get
    the same epochs: q3's cells are compared with each other. When less time is left than
    their shares add up to, they split what is left in proportion to their shares; a plan
    made again during training (capped=False) splits what is left that way in any case.
    fixed_epochs: runs whose length is already set (an interrupted run resumes the schedule
    it started); the other runs of their role take that length. A budget too small for one
    epoch of every run is a UserError that names a budget that works; strict=False gives
    such runs one epoch instead."""
    training = TRAINING_SHARE * budget
    epochs = role_lengths(specs, fixed_epochs or {})
    left = training if seconds_left is None else seconds_left
    fixed_time = sum(costs[k].seconds(e) for k, e in epochs.items())
    free = [k for k in specs if k not in epochs]
    free_share = sum(shares[k] for k in free)
    scale = (left - fixed_time) / free_share if free_share else training
    if capped:
        scale = min(training, scale)
    if fill_epochs(epochs, by_role(specs, free), shares, costs, scale) and strict:
        spent = training - left
        refuse(smallest_budget(specs, shares, costs, fixed_epochs, spent), budget_text_)
    planned = (
        PlannedRun(k, specs[k].with_(epochs=epochs[k]), costs[k].seconds(epochs[k]), shares[k])
        for k in order(specs, shares)
    )
    return Plan(tuple(planned), budget, fixed_time + free_share * max(scale, 0.0))


def fill_epochs(
    epochs: dict[str, int],
    roles: Mapping[str, list[str]],
    shares: Mapping[str, float],
    costs: Mapping[str, Cost],
    scale: float,
) -> bool:
    """Give each role's runs (roles: role -> keys) the epochs that fit in their shares of
    scale seconds, one at least, all of a role the same. Whether a role had room for less
    than one."""
    too_small = False
    for keys in roles.values():
        room = sum(shares[k] for k in keys) * scale - sum(costs[k].fixed for k in keys)
        n = math.floor(room / sum(costs[k].epoch for k in keys))
        too_small |= n < 1
        epochs.update(dict.fromkeys(keys, max(n, 1)))
    return too_small


def refuse(need: float, given_text: str) -> None:
    given = f"--budget {given_text}" if given_text else "the budget"
    raise UserError(
        f"{given} is too small for one epoch of every run on this machine: "
        f"--budget {budget_text(need)} works here"
    )


def by_role(specs: Mapping[str, RunSpec], keys: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for k in keys:
        groups.setdefault(specs[k].role, []).append(k)
    return groups


def role_lengths(specs: Mapping[str, RunSpec], fixed_epochs: Mapping[str, int]) -> dict[str, int]:
    """fixed_epochs, and for every other run of a role with a fixed run, that run's epochs."""
    length: dict[str, int] = {}
    for k, e in fixed_epochs.items():
        if k in specs:
            length.setdefault(specs[k].role, e)
    return {k: fixed_epochs.get(k, length[s.role]) for k, s in specs.items() if s.role in length}


def smallest_budget(
    specs: Mapping[str, RunSpec],
    shares: Mapping[str, float],
    costs: Mapping[str, Cost],
    fixed_epochs: Mapping[str, int] | None = None,
    spent: float = 0.0,
) -> float:
    """A budget for which plan_runs gives every run one epoch, with SMALLEST_MARGIN to
    spare; spent: the seconds of training time already used (the probe's)."""
    fixed = role_lengths(specs, fixed_epochs or {})
    fixed_time = sum(costs[k].seconds(e) for k, e in fixed.items())
    free = [k for k in specs if k not in fixed]
    free_share = sum(shares[k] for k in free)
    need = 0.0
    for keys in by_role(specs, free).values():
        # the role's share x the training time >= one epoch of each of its runs
        one = sum(costs[k].seconds(1) for k in keys) / sum(shares[k] for k in keys)
        need = max(need, one, one * free_share + fixed_time)
    return SMALLEST_MARGIN * (need + spent) / TRAINING_SHARE
