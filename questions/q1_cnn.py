"""The CNN: its layers, how it was trained, how accurate it is, and its training curves."""

from __future__ import annotations

from typing import Any

from questions._common import (
    architecture_facts,
    draft,
    layer_rows,
    layer_table,
    result_facts,
    setup_facts,
)
from questions._runs import cnn_run
from reportgen.config import Config
from reportgen.context import Context
from reportgen.facts.training import history_facts
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec
from reportgen.sections import Figure, Section, Text

MODULE = "q1_cnn"
TITLE = "The CNN: architecture, training, accuracy"
CURVES = "curves"  # ml2019-hw3 places the training curves under its question 2

CAPTIONS = {
    "en": {
        "table": "The CNN, layer by layer (output shapes and parameter counts from the trained model)",
        "curves": "CNN training: loss (left) and accuracy (right) against epoch, train and validation",
    },
    "zh": {
        "table": "CNN 各層的輸出形狀與參數量（由訓練好的模型讀出）",
        "curves": "CNN 的訓練過程：loss（左）與 accuracy（右）對 epoch，訓練集與驗證集",
    },
}


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config)}


def facts_of(ctx: Context) -> dict[str, Any]:
    """Keys: run_key, layers, architecture, setup, results, history, kaggle."""
    run = ctx.runs["cnn"]
    rows = layer_rows(run.model)
    return {
        "run_key": run.key,
        "layers": rows,
        "architecture": architecture_facts(rows, run.model),
        "setup": setup_facts(run, ctx),
        "results": result_facts(run, ctx),
        "history": history_facts(run.history),
        "kaggle": {"public": ctx.config.kaggle.public, "private": ctx.config.kaggle.private},
    }


def answer(ctx: Context) -> Section:
    from reportgen.plots.training import curves_figure

    facts = facts_of(ctx)
    captions = CAPTIONS[ctx.lang]
    run = ctx.runs["cnn"]
    table = layer_table(facts["layers"], facts["results"]["params"], ctx.lang, captions["table"])
    curves_figure(
        run.history,
        ctx.figure_path("cnn_curves.png"),
        lang=ctx.lang,
        best_epoch=facts["results"]["best_epoch"],
    )
    return Section(
        module=MODULE,
        facts=facts,
        blocks=[
            table,
            Text(draft(ctx, MODULE, facts)),
            Figure(file="cnn_curves.png", caption=captions["curves"], part=CURVES),
        ],
    )
