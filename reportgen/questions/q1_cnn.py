"""The CNN: its layers, how it was trained, how accurate it is, and its training curves.
With --model, the student's own CNN: described from its layers whatever their shape, and, when
it was trained elsewhere (a .keras file), with the curves of its history if one was given."""

from __future__ import annotations

from typing import Any

from reportgen.measure.facts.training import run_facts, setup_facts
from reportgen.measure.facts.training_verdicts import cnn_verdicts
from reportgen.plots.training import curves_figure
from reportgen.questions.context import Context, Page
from reportgen.questions.measured import Measured
from reportgen.questions.shared_runs import cnn_only, own_model_params
from reportgen.questions.tables import layer_table
from reportgen.render.blocks import Block, Figure, Section, Text
from reportgen.runs.run import Run
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile
from reportgen.words.text import num, pct

MODULE = "q1_cnn"
TITLE = "The CNN: architecture, training, accuracy"
CURVES = "curves"  # ml2019-hw3 places the training curves under its question 2
FIGURE = "cnn_curves.png"
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


def measure(ctx: Context) -> Measured:
    """The CNN's run_facts (with its history's curves), own (the student's model, or None),
    setup, kaggle (kaggle_facts) and gap_final: the last epoch's training accuracy minus the
    validation accuracy without flip TTA (None without a history); cnn_verdicts of them."""
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
    return Measured(MODULE, facts, cnn_verdicts(facts))


def curves(measured: Measured, page: Page) -> Block:
    """The training curves, or (a trained model given without its history) what to pass to
    show them."""
    facts, w = measured.facts, page.words[MODULE]
    if not facts["curves"]:
        return Text(w["no_curves"].format(file=facts["own"]["file"]), part=CURVES)
    curves_figure(
        facts["curves"],
        page.figure_path(FIGURE),
        words=page.words["plots"]["training"],
        best_epoch=facts["results"]["best_epoch"],
    )
    h = facts["history"]
    alt = w["alt"].format(
        epochs=h["epochs"],
        best=h["best_epoch"],
        loss=num(h["min_val_loss"]),
        train=pct(h["final_accuracy"]),
        val=pct(h["final_val_accuracy"]),
    )
    return Figure(file=FIGURE, caption=w["curves"], alt=alt, part=CURVES)


def present(measured: Measured, page: Page) -> Section:
    facts = measured.facts
    caption = page.words[MODULE]["table"]
    return Section(
        module=MODULE,
        facts=dict(facts),
        blocks=[
            layer_table(facts["layers"], facts["results"]["params"], page.words, caption),
            Text(page.draft(measured)),
            curves(measured, page),
        ],
    )
