"""The CNN: its layers, how it was trained, how accurate it is, and its training curves."""

from __future__ import annotations

from typing import Any

from questions._runs import cnn_only
from reportgen.config import Config
from reportgen.context import Context
from reportgen.facts.training import run_facts, setup_facts
from reportgen.plots.training import curves_figure
from reportgen.profiles import Profile
from reportgen.sections import Figure, Section, Text
from reportgen.tables import layer_table

MODULE = "q1_cnn"
TITLE = "The CNN: architecture, training, accuracy"
CURVES = "curves"  # ml2019-hw3 places the training curves under its question 2
runs = cnn_only  # the CNN run, as ctx.runs["cnn"]


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {"kaggle": {"public": config.kaggle.public, "private": config.kaggle.private}}


def kaggle_facts(kaggle: dict[str, float | None], val_accuracy: float) -> dict[str, Any]:
    """The student's Kaggle scores; `board` the one compared with the validation accuracy
    (private if given, else public), `gap` its score minus the validation accuracy."""
    board = "private" if kaggle["private"] is not None else "public"
    score = kaggle[board]
    gap = None if score is None else score - val_accuracy
    return {**kaggle, "board": board, "score": score, "gap": gap}


def answer(ctx: Context) -> Section:
    run = ctx.runs["cnn"]
    facts = run_facts(run, ctx.data.train.images)
    results = facts["results"]
    facts.update(
        setup=setup_facts(run, ctx.data.train.images),
        kaggle=kaggle_facts(ctx.params["kaggle"], results["val_accuracy"]),
        gap_final=results["final_train_accuracy"] - results["val_accuracy_plain"],
    )
    w = ctx.words[MODULE]
    curves_figure(
        run.history,
        ctx.figure_path("cnn_curves.png"),
        words=ctx.words["plots"]["training"],
        best_epoch=results["best_epoch"],
    )
    return Section(
        module=MODULE,
        facts=facts,
        blocks=[
            layer_table(facts["layers"], results["params"], ctx.words, w["table"]),
            Text(ctx.draft(facts)),
            Figure(file="cnn_curves.png", caption=w["curves"], part=CURVES),
        ],
    )
