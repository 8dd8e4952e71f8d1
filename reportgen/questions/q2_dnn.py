"""The DNN with about the CNN's parameter count, and how the two compare. With --model, the
CNN is the student's own; one trained elsewhere may come without curves (and has no time of
training), and the text and the figure say so."""

from __future__ import annotations

from typing import Any

from reportgen.measure.facts.training import run_facts, same_recipe, setup_facts
from reportgen.plots.training import compare_figure
from reportgen.questions.context import Context
from reportgen.questions.shared_runs import cnn_run, dnn_run, own_model_params
from reportgen.questions.tables import layer_table
from reportgen.render.blocks import Block, Figure, Section, Text
from reportgen.runs.run import Run
from reportgen.runs.spec import RunSpec
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile

MODULE = "q2_dnn"
TITLE = "A DNN with the CNN's parameter count, compared"
CURVES = "curves"  # ml2019-hw3's question 2 takes this part


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config), "dnn": dnn_run(profile, config)}


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {"own": own_model_params(config)}


def compare_facts(c: dict[str, Any], d: dict[str, Any], cnn: Run, dnn: Run) -> dict[str, Any]:
    """param_diff: the DNN's parameters relative to the CNN's; accuracy_gap: CNN minus DNN
    validation accuracy; time_ratio (CNN over DNN seconds per epoch) and its inverse (None
    for a CNN trained elsewhere); first_layer_params and first_layer_share of the DNN;
    same_setup: the two runs differ in their model and their length alone (a budget gives
    the DNN fewer epochs)."""
    first_dense = next(r for r in d["layers"] if r["type"] == "Dense")
    cnn_total, dnn_total = c["results"]["params"]["total"], d["results"]["params"]["total"]
    cnn_epoch = c["results"]["seconds_per_epoch"]
    time_ratio = None if cnn_epoch is None else cnn_epoch / d["results"]["seconds_per_epoch"]
    return {
        "param_diff": (dnn_total - cnn_total) / cnn_total,
        "accuracy_gap": c["results"]["val_accuracy"] - d["results"]["val_accuracy"],
        "time_ratio": time_ratio,
        "time_ratio_dnn": None if time_ratio is None else 1 / time_ratio,
        "first_layer_params": first_dense["params"],
        "first_layer_share": first_dense["params"] / dnn_total,
        "same_setup": same_recipe(cnn, dnn),
    }


def curves(ctx: Context, cnn: Run, dnn: Run) -> list[Block]:
    """Both models' curves on shared axes (the DNN's alone when the CNN, trained elsewhere,
    came without its history, and a line that says so)."""
    w = ctx.words[MODULE]
    histories = {"CNN": cnn.history, "DNN": dnn.history} if cnn.history else {"DNN": dnn.history}
    compare_figure(
        histories, ctx.figure_path("cnn_dnn_curves.png"), words=ctx.words["plots"]["training"]
    )
    caption = w["curves"] if cnn.history else w["curves_dnn"]
    blocks: list[Block] = [Figure(file="cnn_dnn_curves.png", caption=caption, part=CURVES)]
    if not cnn.history:
        own = ctx.params["own"]
        blocks.append(Text(w["no_cnn_curves"].format(file=own["file"]), part=CURVES))
    return blocks


def answer(ctx: Context) -> Section:
    cnn, dnn = ctx.runs["cnn"], ctx.runs["dnn"]
    images = ctx.data.train.images
    c, d = run_facts(cnn, images), run_facts(dnn, images)
    facts = {
        "own": ctx.params["own"],
        "cnn": c,
        "dnn": d,
        "setup": setup_facts(dnn, images),  # the CNN's too, but for the model
        "compare": compare_facts(c, d, cnn, dnn),
    }
    w = ctx.words[MODULE]
    return Section(
        module=MODULE,
        facts=facts,
        blocks=[
            layer_table(d["layers"], d["results"]["params"], ctx.words, w["table"]),
            Text(ctx.draft(facts, "main")),
            *curves(ctx, cnn, dnn),
            Text(ctx.draft(facts, CURVES), part=CURVES),
        ],
    )
