"""The confusion matrix (normalized by true class) and the classes the CNN confuses most, with
misclassified validation images and per-class precision, recall and F1."""

from __future__ import annotations

from typing import Any

import numpy as np

from reportgen.measure.facts.confusion import (
    confusion_facts,
    confusion_verdicts,
    labelled_test_verdicts,
    misclassified_examples,
)
from reportgen.measure.facts.training import test_set_order
from reportgen.plots.confusion import confusion_heatmap, misclassified_grid
from reportgen.questions.context import Context, Page
from reportgen.questions.measured import Measured
from reportgen.questions.shared_runs import cnn_only
from reportgen.render.blocks import Block, Figure, Section, Table, Text
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile
from reportgen.words.text import Words, pct, thousands

MODULE = "q4_confusion"
TITLE = "The confusion matrix and the most confused classes"
runs = cnn_only  # the CNN run, as ctx.runs["cnn"]


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {"per_pair": 5}  # misclassified images shown for each confused pair


def measure(ctx: Context) -> Measured:
    """val: confusion_facts of the validation set; examples: the misclassified images of the
    most confused pairs [{true, pred, positions (into the validation set), shown (into the
    array `misclassified`), rows (into the training file), confidences}]; tests: [{name, and the confusion facts of that labelled
    test set}], Kaggle's public set first. Arrays: the misclassified images shown."""
    run = ctx.runs["cnn"]
    val = confusion_facts(run.val_true, run.val_labels_pred)
    examples = misclassified_examples(
        run.val_true, run.val_pred, val["confused_pairs"], ctx.params["per_pair"]
    )
    shown = [p for ex in examples for p in ex["positions"]]
    for ex in examples:
        ex["rows"] = [int(run.val_index[p]) for p in ex["positions"]]
        ex["shown"] = [shown.index(p) for p in ex["positions"]]  # into `misclassified`
    tests = [
        {"name": name, **confusion_facts(ctx.data.tests[name].labels, probs.argmax(axis=1))}
        for name, probs in sorted(run.test_pred.items(), key=lambda kv: test_set_order(kv[0]))
        if name in ctx.data.tests
    ]
    verdicts = confusion_verdicts(val)
    for test in tests:
        found = labelled_test_verdicts(test, val)
        verdicts |= {f"{name}.{test['name']}": v for name, v in found.items()}
    facts = {"run_key": run.key, "val": val, "examples": examples, "tests": tests}
    images = ctx.val("cnn").images[np.array(shown, dtype=np.int64)]
    return Measured(MODULE, facts, verdicts, {"misclassified": images})


def prf_table(val: dict[str, Any], words: Words) -> Table:
    w = words[MODULE]
    rows = tuple(
        (
            words["classes"][p["class"]],
            *(f"{p[k]:.3f}" for k in ("precision", "recall", "f1")),
            thousands(p["support"]),
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
            (w["macro"], *(f"{v:.3f}" for v in macro), thousands(val["n"])),
            (w["accuracy"], "", "", f"{val['accuracy']:.3f}", thousands(val["n"])),
        ),
    )


def matrix_alt(facts: dict[str, Any], what: str, words: Words) -> str:
    """What the matrix shows, said from its numbers: the best and worst class, the most
    common mistake."""
    w, names = words[MODULE], words["classes"]
    pairs = facts["confused_pairs"]
    mistake = ""
    if pairs:
        true, pred = names[pairs[0]["true"]], names[pairs[0]["pred"]]
        mistake = w["alt_mistake"].format(true=true, pred=pred, rate=pct(pairs[0]["rate"]))
    return w["alt_matrix"].format(
        what=what,
        n=thousands(facts["n"]),
        best=names[facts["best_class"]],
        best_recall=pct(facts["best_recall"]),
        worst=names[facts["worst_class"]],
        worst_recall=pct(facts["worst_recall"]),
        mistake=mistake,
    )


def matrix_figure(page: Page, facts: dict[str, Any], file: str, what: str) -> Figure:
    w = page.words[MODULE]
    confusion_heatmap(
        facts["matrix"],
        page.figure_path(file),
        names=page.words["classes"],
        words=page.words["plots"]["confusion"],
    )
    caption = w["matrix"].format(what=what, n=thousands(facts["n"]))
    return Figure(file=file, caption=caption, width="80%", alt=matrix_alt(facts, what, page.words))


def mistakes_figure(page: Page, measured: Measured) -> Figure | None:
    """The misclassified validation images, a row per confused pair; None without any."""
    pair, names = page.words["plots"]["confusion"]["pair"], page.words["classes"]
    rows = [
        [(p, pair.format(true=names[ex["true"]], pred=names[ex["pred"]])) for p in ex["shown"]]
        for ex in measured.facts["examples"]
        if ex["shown"]
    ]
    if not rows:
        return None
    misclassified_grid(
        measured.arrays["misclassified"], rows, page.figure_path("misclassified.png")
    )
    first = next(ex for ex in measured.facts["examples"] if ex["shown"])
    alt = page.words[MODULE]["alt_grid"].format(
        n=sum(len(r) for r in rows),
        rows=len(rows),
        true=names[first["true"]],
        pred=names[first["pred"]],
    )
    return Figure(file="misclassified.png", caption=page.words[MODULE]["grid"], alt=alt)


def present(measured: Measured, page: Page) -> Section:
    facts = measured.facts
    w, val = page.words[MODULE], facts["val"]
    blocks: list[Block] = [
        matrix_figure(page, val, "confusion_val.png", w["val"]),
        Text(page.draft(measured, "matrix")),
    ]
    mistakes = mistakes_figure(page, measured)
    blocks += [mistakes] if mistakes else []
    blocks += [prf_table(val, page.words), Text(page.draft(measured, "prf"))]
    for test in facts["tests"]:
        what = w["test"].format(name=test["name"])
        file = f"confusion_{test['name']}.png"
        blocks.append(matrix_figure(page, test, file, what))
    if facts["tests"]:
        blocks.append(Text(page.draft(measured, "tests")))
    return Section(module=MODULE, facts=dict(facts), blocks=blocks)
