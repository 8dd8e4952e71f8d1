"""The confusion matrix (normalized by true class) and the classes the CNN confuses most, with
misclassified validation images and per-class precision, recall and F1."""

from __future__ import annotations

from typing import Any

import numpy as np

from questions._common import draft, test_set_order
from questions._runs import cnn_run
from reportgen.classes import class_name
from reportgen.config import Config
from reportgen.context import Context
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec
from reportgen.sections import Figure, Section, Table, Text

MODULE = "q4_confusion"
TITLE = "The confusion matrix and the most confused classes"
PER_PAIR = 5  # misclassified images shown for each confused pair

WORDS = {
    "en": {
        "matrix": "Confusion matrix of the CNN on the {what} ({n} images), normalized by true "
        "class: each row sums to 1 and the diagonal is the recall of each class",
        "val": "validation set",
        "test": "labelled test set {name}",
        "grid": "Misclassified validation images of the most confused pairs (one row a pair, "
        "the most confident mistakes first)",
        "prf": "Per-class precision, recall and F1 of the CNN on the validation set",
        "prf_header": ("Class", "Precision", "Recall", "F1", "Images"),
        "macro": "Macro average",
        "accuracy": "Accuracy",
    },
    "zh": {
        "matrix": "CNN 在{what}（{n} 張）上的 confusion matrix，依真實類別正規化："
        "每一列加總為 1，對角線即各類別的 recall",
        "val": "驗證集",
        "test": "有標籤的測試集 {name} ",
        "grid": "最容易混淆的幾組類別中被分錯的驗證集圖片（每列一組，由模型最有把握的錯誤排起）",
        "prf": "CNN 在驗證集上各類別的 precision、recall 與 F1",
        "prf_header": ("類別", "Precision", "Recall", "F1", "張數"),
        "macro": "Macro 平均",
        "accuracy": "Accuracy",
    },
}


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config)}


def facts_of(ctx: Context) -> dict[str, Any]:
    """Keys: val (confusion_facts of the validation set: n, accuracy, matrix, counts, support,
    best_class, best_recall, worst_class, worst_recall, confused_pairs, mutual_pair, per_class,
    macro_f1, errors), sink (the class other classes are most often predicted as: class,
    count, precision; None without errors), examples [{true, pred, positions (into the
    validation set), rows (into the training data), confidences}], tests [{name, and the
    confusion facts of that labelled test set}]."""
    from reportgen.facts.confusion import confusion_facts, misclassified_examples

    run = ctx.runs["cnn"]
    val = confusion_facts(run.val_true, run.val_labels_pred)
    examples = misclassified_examples(run.val_true, run.val_pred, val["confused_pairs"], PER_PAIR)
    for ex in examples:
        ex["rows"] = [int(run.val_index[p]) for p in ex["positions"]]
    tests = [
        {"name": name, **confusion_facts(ctx.data.tests[name].labels, probs.argmax(axis=1))}
        for name, probs in sorted(run.test_pred.items(), key=lambda kv: test_set_order(kv[0]))
        if name in ctx.data.tests
    ]
    return {
        "run_key": run.key,
        "val": val,
        "sink": _sink(val),
        "examples": examples,
        "tests": tests,
    }


def _sink(val: dict[str, Any]) -> dict[str, Any] | None:
    counts = np.asarray(val["counts"])
    wrong_in = counts.sum(axis=0) - np.diag(counts)
    if wrong_in.max() == 0:
        return None
    k = int(np.argmax(wrong_in))
    return {
        "class": k,
        "count": int(wrong_in[k]),
        "share_of_errors": float(wrong_in[k] / wrong_in.sum()),
        "precision": val["per_class"][k]["precision"],
    }


def prf_table(val: dict[str, Any], lang: str) -> Table:
    w = WORDS[lang]
    rows = tuple(
        (
            class_name(p["class"], lang),
            f"{p['precision']:.3f}",
            f"{p['recall']:.3f}",
            f"{p['f1']:.3f}",
            f"{p['support']:,}",
        )
        for p in val["per_class"]
    )
    present = [p for p in val["per_class"] if p["support"] > 0]
    macro = [float(np.mean([p[k] for p in present])) for k in ("precision", "recall", "f1")]
    return Table(
        caption=w["prf"],
        header=w["prf_header"],
        rows=rows,
        footer=(
            (w["macro"], *(f"{v:.3f}" for v in macro), f"{val['n']:,}"),
            (w["accuracy"], "", "", f"{val['accuracy']:.3f}", f"{val['n']:,}"),
        ),
    )


def answer(ctx: Context) -> Section:
    from reportgen.plots.confusion import confusion_heatmap, misclassified_grid

    facts = facts_of(ctx)
    w = WORDS[ctx.lang]
    val = facts["val"]
    confusion_heatmap(val["matrix"], ctx.figure_path("confusion_val.png"), lang=ctx.lang)
    blocks: list[Any] = [
        Figure(
            file="confusion_val.png",
            caption=w["matrix"].format(what=w["val"], n=f"{val['n']:,}"),
            width="80%",
        ),
        Text(draft(ctx, MODULE, {**facts, "part": "matrix"})),
    ]
    rows = [
        [(p, ex["true"], ex["pred"]) for p in ex["positions"]]
        for ex in facts["examples"]
        if ex["positions"]
    ]
    if rows:
        images = ctx.val("cnn").images
        misclassified_grid(images, rows, ctx.figure_path("misclassified.png"), lang=ctx.lang)
        blocks.append(Figure(file="misclassified.png", caption=w["grid"]))
    blocks.append(prf_table(val, ctx.lang))
    blocks.append(Text(draft(ctx, MODULE, {**facts, "part": "prf"})))
    for test in facts["tests"]:
        file = f"confusion_{test['name']}.png"
        confusion_heatmap(test["matrix"], ctx.figure_path(file), lang=ctx.lang)
        what = w["test"].format(name=test["name"])
        blocks.append(
            Figure(
                file=file, caption=w["matrix"].format(what=what, n=f"{test['n']:,}"), width="80%"
            )
        )
    if facts["tests"]:
        blocks.append(Text(draft(ctx, MODULE, {**facts, "part": "tests"})))
    return Section(module=MODULE, facts=facts, blocks=blocks)
