"""The CNN: its layers, how it was trained, how accurate it is, and its training curves.
With --model, the student's own CNN: described from its layers whatever their shape, and, when
it was trained elsewhere (a .keras file), with the curves of its history if one was given."""

from __future__ import annotations

from typing import Any

from reportgen.measure.facts.training import run_facts, setup_facts
from reportgen.plots.training import curves_figure
from reportgen.questions.context import Context
from reportgen.questions.shared_runs import cnn_only, own_model_params
from reportgen.questions.tables import layer_table
from reportgen.render.blocks import Block, Figure, Section, Text
from reportgen.runs.run import Run
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile

MODULE = "q1_cnn"
TITLE = "The CNN: architecture, training, accuracy"
CURVES = "curves"  # ml2019-hw3 places the training curves under its question 2
runs = cnn_only  # the CNN run, as ctx.runs["cnn"]


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {
        "kaggle": {"public": config.kaggle.public, "private": config.kaggle.private},
        "own": own_model_params(config),
    }


def kaggle_facts(kaggle: dict[str, float | None], val_accuracy: float) -> dict[str, Any]:
    """The student's Kaggle scores; `board` the one compared with the validation accuracy
    (private if given, else public), `gap` its score minus the validation accuracy."""
    board = "private" if kaggle["private"] is not None else "public"
    score = kaggle[board]
    gap = None if score is None else score - val_accuracy
    return {**kaggle, "board": board, "score": score, "gap": gap}


def cnn_setup(run: Run, train_images: Any) -> dict[str, Any]:
    """How reportgen trained the run; of a model trained elsewhere, only the hold-out it is
    measured on (no recipe of reportgen's applies to it)."""
    if run.spec.imported:
        return {"val_fraction": run.spec.val_fraction, "augment": None}
    return setup_facts(run, train_images)


def curves(ctx: Context, run: Run, best_epoch: int | None) -> Block:
    """The training curves, or (a trained model given without its history) what to pass to
    show them."""
    w = ctx.words[MODULE]
    if not run.history:
        return Text(w["no_curves"].format(file=ctx.params["own"]["file"]), part=CURVES)
    curves_figure(
        run.history,
        ctx.figure_path("cnn_curves.png"),
        words=ctx.words["plots"]["training"],
        best_epoch=best_epoch,
    )
    return Figure(file="cnn_curves.png", caption=w["curves"], part=CURVES)


def answer(ctx: Context) -> Section:
    run = ctx.runs["cnn"]
    facts = run_facts(run, ctx.data.train.images)
    results = facts["results"]
    final_train = results["final_train_accuracy"]
    facts.update(
        own=ctx.params["own"],
        setup=cnn_setup(run, ctx.data.train.images),
        kaggle=kaggle_facts(ctx.params["kaggle"], results["val_accuracy"]),
        gap_final=None if final_train is None else final_train - results["val_accuracy_plain"],
    )
    return Section(
        module=MODULE,
        facts=facts,
        blocks=[
            layer_table(facts["layers"], results["params"], ctx.words, ctx.words[MODULE]["table"]),
            Text(ctx.draft(facts)),
            curves(ctx, run, results["best_epoch"]),
        ],
    )
