"""q3's 2x2 ablation in numbers: each cell's accuracy over its seeds, the effect of turning
each switch on with its standard error, how fast each validation loss falls, and the
verdicts the text says. Runs in, plain numbers out."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict, cast

import numpy as np

from reportgen.measure.facts.training import NEAR_MIN, history_facts
from reportgen.measure.verdict import Verdict, by_threshold, flag

if TYPE_CHECKING:
    from reportgen.runs.run import Run

SWITCHES = ((False, False), (False, True), (True, False), (True, True))  # (normalize, augment)
Grid = dict[tuple[bool, bool], list["Run"]]  # (normalize, augment) -> its run per seed

# An effect within half a point either way is no difference worth a sentence.
NO_DIFFERENCE = 0.005
# Below two points, normalization's effect is what batch normalization leaves it (it
# re-standardizes after the first layer); from two points on, raw inputs hurt training.
SMALL_EFFECT = 0.02
# An effect beyond this many standard errors is told apart from noise.
BEYOND = 2.0
# One first-epoch validation loss this much (relative) above the other is a faster start.
FIRST_LOSS_MARGIN = 0.05


# The records these facts are, key by key. Functional syntax: the keys are JSON keys, read by
# name by the prose templates, which vulture would call unused.
Cell = TypedDict(  # noqa: UP013  (one cell of the grid: cell_facts)
    "Cell",
    {
        "normalize": bool,
        "augment": bool,
        "mean": float,
        "std": float | None,
        "accuracies": list[float],
        "run_names": list[str],
        "run_keys": list[str],
    },
)
Effect = TypedDict(  # noqa: UP013  (turning one switch on: effect)
    "Effect",
    {
        "delta": float,
        "se": float | None,
        "ratio": float | None,
        "beyond_noise": bool | None,
        "positive": bool,
    },
)
Effects = TypedDict(  # noqa: UP013  (effect_facts: each switch's effects by name)
    "Effects",
    {
        "pooled_std": float | None,
        "normalization": dict[str, Effect],
        "augmentation": dict[str, Effect],
    },
)
Curves = TypedDict(  # noqa: UP013  (curve_facts)
    "Curves",
    {
        "curves": list[dict[str, Any]],
        "first_loss": dict[str, float],
        "best_epoch_mean": dict[str, float],
        "near_min": float,
    },
)


def cell_facts(grid: Grid, run_names: dict[tuple[bool, bool], list[str]]) -> list[Cell]:
    """Per cell, in SWITCHES order: its switches, the mean validation accuracy over the
    seeds, their standard deviation (None with one seed), each run's accuracy, name, key."""
    cells: list[Cell] = []
    for n, a in SWITCHES:
        accs = [float(r.metrics["val_accuracy"]) for r in grid[(n, a)]]
        cells.append(
            {
                "normalize": n,
                "augment": a,
                "mean": float(np.mean(accs)),
                "std": float(np.std(accs, ddof=1)) if len(accs) > 1 else None,
                "accuracies": accs,
                "run_names": run_names[(n, a)],
                "run_keys": [r.key for r in grid[(n, a)]],
            }
        )
    return cells


def effect(delta: float, se: float | None) -> Effect:
    """One effect: delta, its standard error, ratio = |delta| / se, beyond_noise, positive."""
    return {
        "delta": delta,
        "se": se,
        "ratio": abs(delta) / se if se else None,
        "beyond_noise": abs(delta) > BEYOND * se if se is not None else None,
        "positive": delta >= 0,
    }


def effect_facts(cells: list[Cell], k: int) -> Effects:
    """The effect of turning each switch on (its standard error from the pooled seed-to-seed
    spread; None with one seed): `main` averaged over the other switch, and within each of
    the other switch's settings. Also the pooled std."""
    mean = {(c["normalize"], c["augment"]): c["mean"] for c in cells}
    pooled = math.sqrt(np.mean([cast(float, c["std"]) ** 2 for c in cells])) if k > 1 else None
    se_main = pooled / math.sqrt(k) if pooled is not None else None  # 2k runs against 2k
    se_one = pooled * math.sqrt(2 / k) if pooled is not None else None  # k against k

    def on(switch: int, other: bool) -> float:
        cell, off = [other, other], [other, other]
        cell[switch], off[switch] = True, False
        return mean[(cell[0], cell[1])] - mean[(off[0], off[1])]

    def effects(switch: int, without: str, with_: str) -> dict[str, Effect]:
        return {
            "main": effect((on(switch, False) + on(switch, True)) / 2, se_main),
            without: effect(on(switch, False), se_one),
            with_: effect(on(switch, True), se_one),
        }

    return {
        "pooled_std": pooled,
        "normalization": effects(0, "without_aug", "with_aug"),
        "augmentation": effects(1, "without_norm", "with_norm"),
    }


def curve_facts(grid: Grid, seed: int) -> Curves:
    """The first seed's four validation-loss curves (history_facts each, and the curve
    itself), and averages over pairs of them: the loss after the first epoch with
    normalization off and on, the best epoch with augmentation off and on."""
    curves = [
        {
            "normalize": n,
            "augment": a,
            "seed": seed,
            **history_facts(grid[(n, a)][0].history),
            "val_loss": [float(v) for v in grid[(n, a)][0].history["val_loss"]],
        }
        for n, a in SWITCHES
    ]

    def mean(key: str, switch: str, value: bool) -> float:
        return float(np.mean([c[key] for c in curves if c[switch] == value]))

    return {
        "curves": curves,
        "first_loss": {
            "off": mean("first_val_loss", "normalize", False),
            "on": mean("first_val_loss", "normalize", True),
        },
        "best_epoch_mean": {
            "noaug": mean("best_epoch", "augment", False),
            "aug": mean("best_epoch", "augment", True),
        },
        "near_min": NEAR_MIN,
    }


def ablation_verdicts(facts: Mapping[str, Any]) -> dict[str, Verdict]:
    """What the ablation's facts say, each decided here once: the effect of each switch
    (gains, costs, no_difference, with its standard error), why normalization acts as it
    does, whether the switches interact, noise, and how the curves fall."""
    nm, am = facts["normalization"]["main"], facts["augmentation"]["main"]
    names = ("gains", "costs", "no_difference")
    verdicts = {
        "seeds": Verdict("several" if facts["noise"]["n_seeds"] > 1 else "one", "seeds"),
        "normalization": _effect_verdict(nm, names),
        "augmentation": _effect_verdict(am, names),
        "normalization_why": _normalization_why(nm["delta"], facts["methods"]["batch_norm"]),
        "interaction": flag(
            facts["normalization"]["without_aug"]["delta"]
            * facts["normalization"]["with_aug"]["delta"]
            < 0,
            "normalization_delta_without_x_with_augmentation",
        ),
        "sampling": _sampling(nm["delta"], am["delta"], facts["noise"]["val_sampling_se"]),
    }
    for switch, main in (("normalization", nm), ("augmentation", am)):
        if main["se"] is not None:
            beyond = "beyond_noise" if main["beyond_noise"] else "within_noise"
            verdicts[f"{switch}_noise"] = Verdict(
                beyond, "abs_delta_over_se", main["ratio"], main["se"]
            )
    return verdicts | curve_verdicts(facts)


def _effect_verdict(main: Effect, names: tuple[str, str, str]) -> Verdict:
    found = by_threshold(main["delta"], NO_DIFFERENCE, names, "delta")
    return Verdict(found.name, found.statistic, found.value, main["se"])


def _normalization_why(delta: float, batch_norm: bool) -> Verdict:
    """batch_norm: a small effect that batch normalization explains; unstable: a large gain,
    raw inputs make training unstable; none: nothing to explain."""
    if abs(delta) < SMALL_EFFECT and batch_norm:
        return Verdict("batch_norm", "delta", delta)
    if delta >= SMALL_EFFECT:
        return Verdict("unstable", "delta", delta)
    return Verdict("none", "delta", delta)


def _sampling(nm: float, am: float, se: float) -> Verdict:
    """With one seed: below (both effects under twice the accuracy's sampling error), else
    the larger effect's switch."""
    larger = max(abs(nm), abs(am))
    if larger < BEYOND * se:
        return Verdict("below", "larger_abs_delta", larger, se)
    return Verdict(
        "normalization" if abs(nm) > abs(am) else "augmentation", "larger_abs_delta", larger, se
    )


def curve_verdicts(facts: Mapping[str, Any]) -> dict[str, Verdict]:
    """curve_speed (same: every curve nears its minimum at the same epoch, else differ),
    first_loss (normalization_faster, normalization_slower, similar), best_epoch
    (augmentation_later, augmentation_earlier, same)."""
    near = {c["epoch_near_min"] for c in facts["curves"]}
    off, on = facts["first_loss"]["off"], facts["first_loss"]["on"]
    first = "similar"
    if off > on * (1 + FIRST_LOSS_MARGIN):
        first = "normalization_faster"
    elif on > off * (1 + FIRST_LOSS_MARGIN):
        first = "normalization_slower"
    aug, noaug = facts["best_epoch_mean"]["aug"], facts["best_epoch_mean"]["noaug"]
    later = (
        "augmentation_later" if aug > noaug else "augmentation_earlier" if aug < noaug else "same"
    )
    return {
        "curve_speed": Verdict(
            "same" if len(near) == 1 else "differ", "distinct_epochs_near_min", float(len(near))
        ),
        "first_loss": Verdict(first, "first_val_loss_off_over_on", off / on if on else None),
        "best_epoch": Verdict(later, "best_epoch_aug_minus_noaug", aug - noaug),
    }
