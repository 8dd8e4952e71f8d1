"""Normalization and augmentation: the 2x2 ablation (each switch on and off, per profile seed),
the methods with their parameters, and how fast each run's validation loss falls."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from questions._common import augment_facts, draft, normalization_stats
from questions._runs import ablation_name, ablation_runs
from reportgen.config import Config
from reportgen.context import Context
from reportgen.facts.training import history_facts
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec
from reportgen.sections import Figure, Section, Table, Text

MODULE = "q3_augmentation"
TITLE = "Normalization and augmentation: a 2x2 ablation"
SWITCHES = ((False, False), (False, True), (True, False), (True, True))  # (normalize, augment)

WORDS = {
    "en": {
        "caption": "Validation accuracy with and without each method ({what})",
        "one_seed": "one training run per cell",
        "seeds": "mean ± standard deviation over {n} seeds",
        "corner": "",
        "aug": ("no augmentation", "augmentation"),
        "norm": ("no normalization", "normalization"),
        "label": "normalization {n}, augmentation {a}",
        "onoff": ("off", "on"),
        "curves": "Validation loss of the four runs{seed}; the circle marks the first epoch "
        "within 5% of each run's minimum",
        "seed": " (seed {s})",
    },
    "zh": {
        "caption": "有無 normalization 與 data augmentation 的 validation accuracy（{what}）",
        "one_seed": "每格訓練一次",
        "seeds": "{n} 個 seed 的平均 ± 標準差",
        "corner": "",
        "aug": ("無 augmentation", "有 augmentation"),
        "norm": ("無 normalization", "有 normalization"),
        "label": "{n} normalization、{a} augmentation",
        "onoff": ("無", "有"),
        "curves": "四種組合的 validation loss{seed}；圓圈標出每條曲線第一次進入自己最小值 5% 以內的 epoch",
        "seed": "（seed {s}）",
    },
}


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return ablation_runs(profile, config)


def cell_label(normalize: bool, augment: bool, lang: str) -> str:
    w = WORDS[lang]
    return w["label"].format(n=w["onoff"][normalize], a=w["onoff"][augment])


def _effect(delta: float, se: float | None) -> dict[str, Any]:
    return {
        "delta": delta,
        "se": se,
        "ratio": abs(delta) / se if se else None,
        "beyond_noise": abs(delta) > 2 * se if se is not None else None,
    }


def facts_of(ctx: Context) -> dict[str, Any]:
    """Keys:
    seeds; cells [{normalize, augment, mean, std (None with one seed), accuracies, run_names,
    run_keys}] in SWITCHES order; noise {n_seeds, pooled_std, val_sampling_se, n_val};
    normalization and augmentation: the effect of turning the switch on (delta of mean
    accuracy, se, ratio = |delta|/se, beyond_noise = |delta| > 2 se; se None with one seed),
    `main` averaged over the other switch and `without_aug`/`with_aug` (`without_norm`/
    `with_norm`) within each of its settings; best_cell; methods {norm_mean, norm_std, n_train,
    augment {flip, shift, shift_pixels, rotation_degrees, zoom}}; curves [{normalize, augment,
    seed, history facts: best_epoch, min_val_loss, epoch_near_min, ...}] of the first seed."""
    seeds = list(ctx.profile.seeds)
    by = {(n, a): [ctx.runs[ablation_name(n, a, s)] for s in seeds] for n, a in SWITCHES}
    cells = []
    for n, a in SWITCHES:
        accs = [float(r.metrics["val_accuracy"]) for r in by[(n, a)]]
        cells.append(
            {
                "normalize": n,
                "augment": a,
                "mean": float(np.mean(accs)),
                "std": float(np.std(accs, ddof=1)) if len(accs) > 1 else None,
                "accuracies": accs,
                "run_names": [ablation_name(n, a, s) for s in seeds],
                "run_keys": [r.key for r in by[(n, a)]],
            }
        )
    mean = {(c["normalize"], c["augment"]): c["mean"] for c in cells}
    k = len(seeds)
    pooled = math.sqrt(np.mean([c["std"] ** 2 for c in cells])) if k > 1 else None
    se_main = pooled / math.sqrt(k) if pooled is not None else None  # 2k runs against 2k
    se_simple = pooled * math.sqrt(2 / k) if pooled is not None else None  # k against k
    n_val = len(by[(True, True)][0].val_true)
    overall = float(np.mean(list(mean.values())))

    def switch(on: Any, off: Any) -> float:
        return mean[on] - mean[off]

    normalization = {
        "main": _effect(
            (switch((True, False), (False, False)) + switch((True, True), (False, True))) / 2,
            se_main,
        ),
        "without_aug": _effect(switch((True, False), (False, False)), se_simple),
        "with_aug": _effect(switch((True, True), (False, True)), se_simple),
    }
    augmentation = {
        "main": _effect(
            (switch((False, True), (False, False)) + switch((True, True), (True, False))) / 2,
            se_main,
        ),
        "without_norm": _effect(switch((False, True), (False, False)), se_simple),
        "with_norm": _effect(switch((True, True), (True, False)), se_simple),
    }
    best = max(cells, key=lambda c: c["mean"])
    norm_run = by[(True, False)][0]
    stats = normalization_stats(norm_run, ctx)
    curves = []
    for n, a in SWITCHES:
        run = by[(n, a)][0]
        curves.append(
            {"normalize": n, "augment": a, "seed": seeds[0], **history_facts(run.history)}
        )
    return {
        "seeds": seeds,
        "cells": cells,
        "noise": {
            "n_seeds": k,
            "pooled_std": pooled,
            "n_val": n_val,
            # The binomial standard error of one accuracy measured on n_val images.
            "val_sampling_se": math.sqrt(overall * (1 - overall) / n_val),
        },
        "normalization": normalization,
        "augmentation": augmentation,
        "best_cell": {
            "normalize": best["normalize"],
            "augment": best["augment"],
            "mean": best["mean"],
        },
        "methods": {
            "norm_mean": stats[0] if stats else None,
            "norm_std": stats[1] if stats else None,
            "n_train": int(norm_run.metrics.get("n_train", 0)),
            "batch_norm": norm_run.spec.model.batch_norm,
            "augment": augment_facts(by[(True, True)][0].spec.augment),
        },
        "curves": curves,
    }


def _cell_text(cell: dict[str, Any]) -> str:
    text = f"{100 * cell['mean']:.1f}%"
    if cell["std"] is not None:
        text += f" ± {100 * cell['std']:.1f}%"
    return text


def accuracy_table(facts: dict[str, Any], lang: str) -> Table:
    w = WORDS[lang]
    n = facts["noise"]["n_seeds"]
    what = w["seeds"].format(n=n) if n > 1 else w["one_seed"]
    cell = {(c["normalize"], c["augment"]): c for c in facts["cells"]}
    return Table(
        caption=w["caption"].format(what=what),
        header=(w["corner"], *w["aug"]),
        rows=tuple(
            (w["norm"][norm], _cell_text(cell[(norm, False)]), _cell_text(cell[(norm, True)]))
            for norm in (False, True)
        ),
    )


def answer(ctx: Context) -> Section:
    from reportgen.plots.training import val_loss_figure

    facts = facts_of(ctx)
    w = WORDS[ctx.lang]
    seed = facts["seeds"][0]
    curves = {
        cell_label(n, a, ctx.lang): ctx.runs[ablation_name(n, a, seed)].history["val_loss"]
        for n, a in SWITCHES
    }
    marks = {
        cell_label(c["normalize"], c["augment"], ctx.lang): c["epoch_near_min"]
        for c in facts["curves"]
    }
    val_loss_figure(curves, ctx.figure_path("ablation_val_loss.png"), lang=ctx.lang, marks=marks)
    seed_text = w["seed"].format(s=seed) if len(facts["seeds"]) > 1 else ""
    return Section(
        module=MODULE,
        facts=facts,
        blocks=[
            Text(draft(ctx, MODULE, {**facts, "part": "methods"})),
            accuracy_table(facts, ctx.lang),
            Text(draft(ctx, MODULE, {**facts, "part": "results"})),
            Figure(file="ablation_val_loss.png", caption=w["curves"].format(seed=seed_text)),
            Text(draft(ctx, MODULE, {**facts, "part": "curves"})),
        ],
    )
