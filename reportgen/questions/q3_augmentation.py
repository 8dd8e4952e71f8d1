"""Normalization and augmentation: the 2x2 ablation (each switch on and off, per profile seed),
the methods with their parameters, and how fast each run's validation loss falls."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from reportgen.data.classes import IMAGE_SIZE
from reportgen.measure.facts.ablation import (
    SWITCHES,
    Grid,
    ablation_verdicts,
    cell_facts,
    curve_facts,
    effect_facts,
)
from reportgen.measure.facts.training import (
    augment_facts,
    budget_facts,
    has_batch_norm,
    normalization_stats,
    pixel_range,
)
from reportgen.plots.training import val_loss_figure
from reportgen.questions.context import Context, Page
from reportgen.questions.measured import Measured
from reportgen.questions.shared_runs import ablation_name, ablation_runs, own_model_params
from reportgen.render.blocks import Figure, Section, Table, Text
from reportgen.runs.run import Run
from reportgen.runs.spec import RunSpec
from reportgen.settings.config import Config
from reportgen.settings.durations import budget_text
from reportgen.settings.profiles import Profile
from reportgen.settings.recipe import TRAINING_SHARE
from reportgen.words.text import Words, num, pct

MODULE = "q3_augmentation"
# The length of the cells whose verdicts a budget's shorter cells are checked against: q3 was
# measured once at 30 epochs a cell on the course's data (issue 23), and profiles.toml's
# ablation_holds_epochs is the shortest length measured to reach the same verdicts.
REFERENCE_EPOCHS = 30
TITLE = "Normalization and augmentation: a 2x2 ablation"


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return ablation_runs(profile, config)


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {
        "seeds": list(profile.seeds),
        "own": own_model_params(config),
        "width": profile.ablation_width,
        "holds_epochs": profile.ablation_holds_epochs,
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
    facts = {
        **facts,
        "role_share": facts["share"] * runs,
        "holds_epochs": holds,
        "reference_epochs": REFERENCE_EPOCHS,
    }
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
    return {
        "width": width,
        "filters": list(model.filters),
        "dense_units": model.dense_units,
        "params": int(params),
    }


def ablation_facts(
    grid: Grid, seeds: list[int], train_images: np.ndarray, width: float = 1.0, holds: int = 0
) -> dict[str, Any]:
    names = {(n, a): [ablation_name(n, a, s) for s in seeds] for n, a in SWITCHES}
    cells = cell_facts(grid, names)
    effects = effect_facts(cells, len(seeds))
    n_val = len(grid[(True, True)][0].val_true)
    overall = float(np.mean([c["mean"] for c in cells]))
    best: Mapping[str, Any] = max(cells, key=lambda c: c["mean"])
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


def measure(ctx: Context) -> Measured:
    seeds = list(ctx.params["seeds"])
    grid = {(n, a): [ctx.runs[ablation_name(n, a, s)] for s in seeds] for n, a in SWITCHES}
    p = ctx.params
    facts = ablation_facts(grid, seeds, ctx.data.train.images, p["width"], p["holds_epochs"])
    facts["own"] = p["own"]
    return Measured(MODULE, facts, ablation_verdicts(facts))


def cell_label(normalize: bool, augment: bool, w: Words) -> str:
    return w["label"].format(n=w["onoff"][normalize], a=w["onoff"][augment])


def accuracy_table(facts: Mapping[str, Any], w: Words) -> Table:
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


def present(measured: Measured, page: Page) -> Section:
    facts = measured.facts
    w, plot_words = page.words[MODULE], page.words["plots"]["training"]
    near = pct(facts["near_min"], 0)
    curves = {(c["normalize"], c["augment"]): c for c in facts["curves"]}
    val_loss_figure(
        {cell_label(n, a, w): curves[(n, a)]["val_loss"] for n, a in SWITCHES},
        page.figure_path("ablation_val_loss.png"),
        words=plot_words,
        marks={cell_label(n, a, w): curves[(n, a)]["epoch_near_min"] for n, a in SWITCHES},
        mark_label=plot_words["near"].format(near=near),
    )
    seeds = facts["seeds"]
    seed = w["seed"].format(s=seeds[0]) if len(seeds) > 1 else ""
    lowest = min(facts["curves"], key=lambda c: c["min_val_loss"])
    fastest = min(facts["curves"], key=lambda c: c["epoch_near_min"])
    return Section(
        module=MODULE,
        facts=dict(facts),
        blocks=[
            Text(page.draft(measured, "methods")),
            accuracy_table(facts, w),
            Text(page.draft(measured, "results")),
            Figure(
                file="ablation_val_loss.png",
                caption=w["curves"].format(seed=seed, near=near),
                alt=w["alt"].format(
                    lowest=cell_label(lowest["normalize"], lowest["augment"], w),
                    loss=num(lowest["min_val_loss"]),
                    fastest=cell_label(fastest["normalize"], fastest["augment"], w),
                    near=near,
                    epoch=fastest["epoch_near_min"],
                ),
            ),
            Text(page.draft(measured, "curves")),
        ],
    )
