"""The DNN with about the CNN's parameter count, and how the two compare."""

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
from questions._runs import cnn_run, dnn_run
from reportgen.config import Config
from reportgen.context import Context
from reportgen.facts.training import history_facts
from reportgen.profiles import Profile
from reportgen.runs.run import Run
from reportgen.runs.spec import RunSpec
from reportgen.sections import Figure, Section, Text

MODULE = "q2_dnn"
TITLE = "A DNN with the CNN's parameter count, compared"
CURVES = "curves"  # ml2019-hw3's question 2 takes this part

CAPTIONS = {
    "en": {
        "table": "The DNN, layer by layer (output shapes and parameter counts from the trained model)",
        "curves": "CNN and DNN on shared axes: loss (left) and accuracy (right) against epoch; "
        "solid lines train, dashed lines validation",
    },
    "zh": {
        "table": "DNN 各層的輸出形狀與參數量（由訓練好的模型讀出）",
        "curves": "CNN 與 DNN 的訓練過程畫在同一組座標軸上：loss（左）與 accuracy（右）對 epoch；"
        "實線為訓練集、虛線為驗證集",
    },
}


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config), "dnn": dnn_run(profile, config)}


def _model_facts(run: Run, ctx: Context) -> dict[str, Any]:
    rows = layer_rows(run.model)
    return {
        "run_key": run.key,
        "layers": rows,
        "architecture": architecture_facts(rows, run.model),
        "results": result_facts(run, ctx),
        "history": history_facts(run.history),
    }


def facts_of(ctx: Context) -> dict[str, Any]:
    """Keys: cnn and dnn (run_key, layers, architecture, results, history each), setup (the
    DNN's, the same as the CNN's but for the model), compare (param_diff: relative to the CNN;
    accuracy_gap: CNN minus DNN validation accuracy; time_ratio: CNN over DNN seconds per
    epoch; first_layer_params and first_layer_share of the DNN; same_setup)."""
    cnn, dnn = ctx.runs["cnn"], ctx.runs["dnn"]
    c, d = _model_facts(cnn, ctx), _model_facts(dnn, ctx)
    first_dense = next(r for r in d["layers"] if r["type"] == "Dense")
    cnn_total = c["results"]["params"]["total"]
    dnn_total = d["results"]["params"]["total"]
    return {
        "cnn": c,
        "dnn": d,
        "setup": setup_facts(dnn, ctx),
        "compare": {
            "param_diff": (dnn_total - cnn_total) / cnn_total,
            "accuracy_gap": c["results"]["val_accuracy"] - d["results"]["val_accuracy"],
            "time_ratio": c["results"]["seconds_per_epoch"] / d["results"]["seconds_per_epoch"],
            "first_layer_params": first_dense["params"],
            "first_layer_share": first_dense["params"] / dnn_total,
            "same_setup": cnn.spec.with_(model=dnn.spec.model, name=dnn.spec.name) == dnn.spec,
        },
    }


def answer(ctx: Context) -> Section:
    from reportgen.plots.training import compare_figure

    facts = facts_of(ctx)
    captions = CAPTIONS[ctx.lang]
    dnn = facts["dnn"]
    table = layer_table(dnn["layers"], dnn["results"]["params"], ctx.lang, captions["table"])
    compare_figure(
        {"CNN": ctx.runs["cnn"].history, "DNN": ctx.runs["dnn"].history},
        ctx.figure_path("cnn_dnn_curves.png"),
        lang=ctx.lang,
    )
    return Section(
        module=MODULE,
        facts=facts,
        blocks=[
            table,
            Text(draft(ctx, MODULE, {**facts, "part": "main"})),
            Figure(file="cnn_dnn_curves.png", caption=captions["curves"], part=CURVES),
            Text(draft(ctx, MODULE, {**facts, "part": CURVES}), part=CURVES),
        ],
    )
