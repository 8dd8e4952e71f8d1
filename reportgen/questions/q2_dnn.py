"""The DNN with about the CNN's parameter count, and how the two compare. With --model, the
CNN is the student's own; one trained elsewhere may come without curves (and has no time of
training), and the text and the figure say so."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportgen.measure.facts.training import run_facts, same_recipe, setup_facts
from reportgen.measure.facts.training_verdicts import dnn_verdicts
from reportgen.plots.training import compare_figure
from reportgen.questions.context import Context, Page
from reportgen.questions.measured import Measured
from reportgen.questions.shared_runs import cnn_run, dnn_run, own_model_params
from reportgen.questions.tables import layer_table
from reportgen.render.blocks import Block, Figure, Section, Text
from reportgen.runs.run import Run
from reportgen.runs.spec import RunSpec
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile
from reportgen.words.text import Words, num, pct

MODULE = "q2_dnn"
TITLE = "A DNN with the CNN's parameter count, compared"
CURVES = "curves"  # ml2019-hw3's question 2 takes this part
FIGURE = "cnn_dnn_curves.png"


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


def measure(ctx: Context) -> Measured:
    """own, the two models' run_facts (cnn, dnn, with their histories' curves), setup (the
    DNN's, the CNN's too but for the model) and compare (compare_facts); dnn_verdicts of
    them."""
    cnn, dnn = ctx.runs["cnn"], ctx.runs["dnn"]
    images = ctx.data.train.images
    c, d = run_facts(cnn, images), run_facts(dnn, images)
    facts = {
        "own": ctx.params["own"],
        "cnn": c,
        "dnn": d,
        "setup": setup_facts(dnn, images),
        "compare": compare_facts(c, d, cnn, dnn),
    }
    return Measured(MODULE, facts, dnn_verdicts(facts))


def curves_alt(facts: Mapping[str, Any], w: Words) -> str:
    """The figure's alt text: where each drawn validation loss is lowest, and each final
    validation accuracy."""
    c, d = facts["cnn"]["history"], facts["dnn"]["history"]
    dnn = {"dnn_best": d["best_epoch"], "dnn_loss": num(d["min_val_loss"])}
    dnn["dnn_val"] = pct(d["final_val_accuracy"])
    if c is None:
        return w["alt_dnn"].format(**dnn, dnn_train=pct(d["final_accuracy"]))
    return w["alt"].format(
        **dnn,
        cnn_best=c["best_epoch"],
        cnn_loss=num(c["min_val_loss"]),
        cnn_val=pct(c["final_val_accuracy"]),
    )


def curves(measured: Measured, page: Page) -> list[Block]:
    """Both models' curves on shared axes (the DNN's alone when the CNN, trained elsewhere,
    came without its history, and a line that says so)."""
    facts, w = measured.facts, page.words[MODULE]
    cnn, dnn = facts["cnn"]["curves"], facts["dnn"]["curves"]
    histories = {"CNN": cnn, "DNN": dnn} if cnn else {"DNN": dnn}
    compare_figure(histories, page.figure_path(FIGURE), words=page.words["plots"]["training"])
    caption = w["curves"] if cnn else w["curves_dnn"]
    alt = curves_alt(facts, w)
    blocks: list[Block] = [Figure(file=FIGURE, caption=caption, alt=alt, part=CURVES)]
    if not cnn:
        blocks.append(Text(w["no_cnn_curves"].format(file=facts["own"]["file"]), part=CURVES))
    return blocks


def present(measured: Measured, page: Page) -> Section:
    d, caption = measured.facts["dnn"], page.words[MODULE]["table"]
    return Section(
        module=MODULE,
        facts=dict(measured.facts),
        blocks=[
            layer_table(d["layers"], d["results"]["params"], page.words, caption),
            Text(page.draft(measured, "main")),
            *curves(measured, page),
            Text(page.draft(measured, CURVES), part=CURVES),
        ],
    )
