"""Normalization and augmentation: the 2x2 ablation (each switch on and off, per profile seed),
the methods with their parameters, and how fast each run's validation loss falls."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from reportgen.data.classes import IMAGE_SIZE
from reportgen.measure.facts.training import (
    NEAR_MIN,
    augment_facts,
    budget_facts,
    has_batch_norm,
    history_facts,
    normalization_stats,
    pixel_range,
)
from reportgen.plots.training import val_loss_figure
from reportgen.questions.context import Context
from reportgen.questions.shared_runs import ablation_name, ablation_runs, own_model_params
from reportgen.render.blocks import Figure, Section, Table, Text
from reportgen.runs.run import Run
from reportgen.runs.spec import RunSpec
from reportgen.settings.config import Config
from reportgen.settings.durations import budget_text
from reportgen.settings.profiles import Profile
from reportgen.settings.recipe import TRAINING_SHARE
from reportgen.words.text import Words, pct

MODULE = "q3_augmentation"
TITLE = "Normalization and augmentation: a 2x2 ablation"
SWITCHES = ((False, False), (False, True), (True, False), (True, True))  # (normalize, augment)

Grid = dict[tuple[bool, bool], list[Run]]  # (normalize, augment) -> its run per seed


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return ablation_runs(profile, config)


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {
        "seeds": list(profile.seeds),
        "own": own_model_params(config),
        "width": profile.ablation_width,
        "holds_epochs": profile.ablation_holds_epochs,
    }


def cell_facts(grid: Grid, seeds: list[int]) -> list[dict[str, Any]]:
    """Per cell, in SWITCHES order: its switches, the mean validation accuracy over the
    seeds, their standard deviation (None with one seed), each run's accuracy, name, key."""
    cells = []
    for n, a in SWITCHES:
        accs = [float(r.metrics["val_accuracy"]) for r in grid[(n, a)]]
        cells.append(
            {
                "normalize": n,
                "augment": a,
                "mean": float(np.mean(accs)),
                "std": float(np.std(accs, ddof=1)) if len(accs) > 1 else None,
                "accuracies": accs,
                "run_names": [ablation_name(n, a, s) for s in seeds],
                "run_keys": [r.key for r in grid[(n, a)]],
            }
        )
    return cells


def _effect(delta: float, se: float | None) -> dict[str, Any]:
    return {
        "delta": delta,
        "se": se,
        "ratio": abs(delta) / se if se else None,
        "beyond_noise": abs(delta) > 2 * se if se is not None else None,
    }


def effect_facts(cells: list[dict[str, Any]], k: int) -> dict[str, Any]:
    """The effect of turning each switch on (delta of mean accuracy, its standard error from
    the pooled seed-to-seed spread, ratio = |delta| / se, beyond_noise = |delta| > 2 se; se
    None with one seed): `main` averaged over the other switch, and within each of the other
    switch's settings. Also the pooled std."""
    mean = {(c["normalize"], c["augment"]): c["mean"] for c in cells}
    pooled = math.sqrt(np.mean([c["std"] ** 2 for c in cells])) if k > 1 else None
    se_main = pooled / math.sqrt(k) if pooled is not None else None  # 2k runs against 2k
    se_one = pooled * math.sqrt(2 / k) if pooled is not None else None  # k against k

    def on(switch: int, other: bool) -> float:
        cell = [other, other]
        cell[switch] = True
        off = list(cell)
        off[switch] = False
        return mean[tuple(cell)] - mean[tuple(off)]  # type: ignore[index]

    def effects(switch: int, without: str, with_: str) -> dict[str, Any]:
        return {
            "main": _effect((on(switch, False) + on(switch, True)) / 2, se_main),
            without: _effect(on(switch, False), se_one),
            with_: _effect(on(switch, True), se_one),
        }

    return {
        "pooled_std": pooled,
        "normalization": effects(0, "without_aug", "with_aug"),
        "augmentation": effects(1, "without_norm", "with_norm"),
    }


def curve_facts(grid: Grid, seed: int) -> dict[str, Any]:
    """The first seed's four validation-loss curves (history_facts each), and averages over
    the pairs of them: the loss after the first epoch with normalization off and on, the
    best epoch with augmentation off and on."""
    curves = [
        {"normalize": n, "augment": a, "seed": seed, **history_facts(grid[(n, a)][0].history)}
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


def method_facts(grid: Grid, train_images: np.ndarray, width: float, holds: int) -> dict[str, Any]:
    """The normalization's statistics and the augmentation's parameters, as trained."""
    norm_run = grid[(True, False)][0]
    stats = normalization_stats(norm_run, train_images)
    return {
        "norm_mean": stats[0] if stats else None,
        "norm_std": stats[1] if stats else None,
        "n_train": int(norm_run.metrics.get("n_train", 0)),
        "batch_norm": has_batch_norm(norm_run),
        "augment": augment_facts(grid[(True, True)][0].spec.augment),
        "pixel_range": pixel_range(train_images),
        "image_size": IMAGE_SIZE,
        "epochs": norm_run.spec.epochs,
        "train_seconds": float(
            np.mean([r.metrics["train_seconds"] for g in grid.values() for r in g])
        ),
        "hardware": dict(norm_run.metrics["hardware"]),
        "budget": _budget(norm_run, sum(len(g) for g in grid.values()), holds),
        "holds_epochs": holds,
        "twin": twin_facts(grid, width),
    }


def _budget(run: Run, runs: int, holds: int) -> dict[str, Any] | None:
    """The budget's facts of one cell, with the share of all of q3's runs together, and the
    budget that would give each cell the `holds` epochs its comparison needs."""
    facts = budget_facts(run)
    if not facts:
        return None
    facts = {**facts, "role_share": facts["share"] * runs, "holds_epochs": holds}
    if holds:  # 0: not measured for this profile
        per_epoch = run.metrics["seconds_per_epoch"] / (facts["share"] * TRAINING_SHARE)
        facts |= {"holds": facts["epochs"] >= holds, "holds_text": budget_text(holds * per_epoch)}
    return facts


def twin_facts(grid: Grid, width: float) -> dict[str, Any] | None:
    """What the cells trained when it is the CNN's twin (None when it is the CNN itself):
    the width, its conv filters, dense units and parameters."""
    model = grid[(True, True)][0].spec.model
    if width == 1.0 or model.user is not None:
        return None
    params = grid[(True, True)][0].metrics["params"]["total"]
    return {"width": width, "filters": list(model.filters), "dense_units": model.dense_units,
            "params": int(params)}  # fmt: skip


def ablation_facts(
    grid: Grid, seeds: list[int], train_images: np.ndarray, width: float = 1.0, holds: int = 0
) -> dict[str, Any]:
    cells = cell_facts(grid, seeds)
    effects = effect_facts(cells, len(seeds))
    n_val = len(grid[(True, True)][0].val_true)
    overall = float(np.mean([c["mean"] for c in cells]))
    best = max(cells, key=lambda c: c["mean"])
    return {
        "seeds": seeds,
        "cells": cells,
        "noise": {
            "n_seeds": len(seeds),
            "pooled_std": effects["pooled_std"],
            "n_val": n_val,
            # The binomial standard error of one accuracy measured on n_val images.
            "val_sampling_se": math.sqrt(overall * (1 - overall) / n_val),
        },
        "normalization": effects["normalization"],
        "augmentation": effects["augmentation"],
        "best_cell": {k: best[k] for k in ("normalize", "augment", "mean")},
        "methods": method_facts(grid, train_images, width, holds),
        **curve_facts(grid, seeds[0]),
    }


def cell_label(normalize: bool, augment: bool, w: Words) -> str:
    return w["label"].format(n=w["onoff"][normalize], a=w["onoff"][augment])


def accuracy_table(facts: dict[str, Any], w: Words) -> Table:
    n = facts["noise"]["n_seeds"]
    what = w["seeds"].format(n=n) if n > 1 else w["one_seed"]
    cell = {(c["normalize"], c["augment"]): c for c in facts["cells"]}

    def text(c: dict[str, Any]) -> str:
        return pct(c["mean"]) + (f" ± {pct(c['std'])}" if c["std"] is not None else "")

    return Table(
        caption=w["caption"].format(what=what),
        header=(w["corner"], *w["augment"]),
        rows=tuple(
            (w["normalize"][norm], text(cell[(norm, False)]), text(cell[(norm, True)]))
            for norm in (False, True)
        ),
    )


def answer(ctx: Context) -> Section:
    seeds = list(ctx.params["seeds"])
    grid = {(n, a): [ctx.runs[ablation_name(n, a, s)] for s in seeds] for n, a in SWITCHES}
    p = ctx.params
    facts = ablation_facts(grid, seeds, ctx.data.train.images, p["width"], p["holds_epochs"])
    facts["own"] = p["own"]
    w, plot_words = ctx.words[MODULE], ctx.words["plots"]["training"]
    near = pct(facts["near_min"], 0)
    val_loss_figure(
        {cell_label(n, a, w): grid[(n, a)][0].history["val_loss"] for n, a in SWITCHES},
        ctx.figure_path("ablation_val_loss.png"),
        words=plot_words,
        marks={
            cell_label(c["normalize"], c["augment"], w): c["epoch_near_min"]
            for c in facts["curves"]
        },
        mark_label=plot_words["near"].format(near=near),
    )
    seed = w["seed"].format(s=seeds[0]) if len(seeds) > 1 else ""
    return Section(
        module=MODULE,
        facts=facts,
        blocks=[
            Text(ctx.draft(facts, "methods")),
            accuracy_table(facts, w),
            Text(ctx.draft(facts, "results")),
            Figure(
                file="ablation_val_loss.png",
                caption=w["curves"].format(seed=seed, near=near),
            ),
            Text(ctx.draft(facts, "curves")),
        ],
    )
