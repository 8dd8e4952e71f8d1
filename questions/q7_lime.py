"""LIME per class on the saliency question's images, tied to the confusion matrix of the same
run: where the evidence for each class lies, against how well the class is recognized."""

from __future__ import annotations

from typing import Any

import numpy as np

from questions._common import draft, percent
from questions._runs import cnn_run
from reportgen.classes import REGION_NAMES, class_name
from reportgen.config import Config
from reportgen.context import Context
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec
from reportgen.sections import Figure, Section, Table, Text

MODULE = "q7_lime"
TITLE = "LIME per class, tied to the confusion matrix"
PER_CLASS = 5  # images explained per class for the measurement: the shown one and 4 drawn
TOP = 5  # superpixels tinted in the figure, each way
SEED = 0

WORDS = {
    "en": {
        "figure": "LIME for the images of the saliency maps (one per class, the most confident "
        "correctly classified). Top: the image (class, index, probability); middle: the {top} "
        "superpixels with the largest weight for the class in green, the {top} most against "
        "it in red; bottom: every superpixel's weight (green for, red against)",
        "table": "Per class, best recall first: recall on the validation set, the class it is "
        "most often mistaken for, and LIME on {per} validation images of the class explained "
        "for their true class: the share of the positive weight on the deciding regions "
        "(brows, eyes, mouth; {area} of the image), the region where it is densest (share / "
        "area share), and the fit R² of LIME's local model",
        "header": (
            "Class",
            "Recall",
            "Images",
            "Mistaken for",
            "Positive weight on brows/eyes/mouth",
            "Densest region",
            "R²",
        ),
        "title": "{cls}\nindex {row}\np = {p:.2f}",
    },
    "zh": {
        "figure": "對 saliency 那題的同一批圖片（每類一張，模型最有把握且分類正確者）做 LIME。"
        "上：原圖（類別、index、機率）；中：對該類別權重最大的 {top} 個 superpixel 標綠色、"
        "最反對的 {top} 個標紅色；下：每個 superpixel 的權重（綠為支持、紅為反對）",
        "table": "各類別依 recall 由高到低：驗證集上的 recall、最常被誤認成的類別，以及對每類 {per} "
        "張驗證集圖片以其真實類別做 LIME 的結果：正權重落在決定性區域（眉毛、眼睛、嘴巴；"
        "佔圖的 {area}）的比例、正權重最集中的區域（比例除以面積比例）、LIME 局部模型的 R²",
        "header": (
            "類別",
            "Recall",
            "張數",
            "最常被誤認成",
            "正權重在眉毛/眼睛/嘴巴",
            "最集中的區域",
            "R²",
        ),
        "title": "{cls}\nindex {row}\np = {p:.2f}",
    },
}


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config)}


def measured_positions(
    val_true: np.ndarray, examples: list[dict[str, Any]], per_class: int, seed: int
) -> np.ndarray:
    """Per class: the shown example, then up to per_class - 1 other validation images of the
    class drawn at random (seeded; correct or not, as the recall counts them all)."""
    rng = np.random.default_rng(seed)
    chosen = []
    for e in examples:
        others = np.flatnonzero(val_true == e["class"])
        others = others[others != e["position"]]
        extra = rng.permutation(others)[: per_class - 1]
        chosen.extend([e["position"], *sorted(int(i) for i in extra)])
    return np.asarray(chosen, dtype=np.int64)


def facts_of(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    """The facts and the arrays the figure needs (images, segments, weights, maps).

    Keys: run_key, samples, per_class, n_explained, superpixels (min, max, mean), r2;
    examples (q5's, each with its LIME top_region, top_region_share, superpixels, r2);
    deciding (region names), deciding_area, mask_source, accuracy, confused_pairs (from
    confusion_facts); ties (recall_ties: classes by recall with their LIME facts, best,
    worst, their deciding shares and positive weights, spearman); top."""
    from reportgen.explain import DECIDING_REGIONS, lime_explain
    from reportgen.facts.confusion import confusion_facts
    from reportgen.facts.explain import (
        area_shares,
        choose_examples,
        focus_region,
        lime_class_facts,
        recall_ties,
        region_masks,
        region_shares,
        subset_masks,
    )

    run = ctx.runs["cnn"]
    val = ctx.val("cnn")
    masks, source = region_masks(ctx.val_masks("cnn"))
    examples = choose_examples(run.val_pred, run.val_true, run.val_index)
    positions = measured_positions(run.val_true, examples, PER_CLASS, SEED)
    labels = run.val_true[positions]
    lime = lime_explain(
        run.model, val.images[positions], labels, num_samples=ctx.profile.lime_samples, seed=SEED
    )
    measured = subset_masks(masks, positions)
    per_class = lime_class_facts(lime.maps, labels, measured, DECIDING_REGIONS, lime.scores)
    confusion = confusion_facts(run.val_true, run.val_labels_pred)
    ties = recall_ties(confusion, per_class)

    shown = [int(np.flatnonzero(positions == e["position"])[0]) for e in examples]
    for e, i in zip(examples, shown, strict=True):
        one = {r: (m[i : i + 1] if np.ndim(m) == 3 else m) for r, m in measured.items()}
        positive = region_shares(np.maximum(lime.maps[i : i + 1], 0.0), one)
        e["top_region"], e["top_region_lift"] = focus_region(positive["shares"], area_shares(one))
        e["top_region_share"] = positive["shares"].get(e["top_region"]) if e["top_region"] else None
        e["superpixels"] = len(lime.weights[i])
        e["r2"] = float(lime.scores[i])
    deciding_area = float(
        np.mean(np.any([np.asarray(measured[r]) for r in DECIDING_REGIONS], axis=0))
    )
    facts = {
        "run_key": run.key,
        "samples": ctx.profile.lime_samples,
        "per_class": PER_CLASS,
        "n_explained": len(positions),
        "superpixels": {
            "min": int(min(len(w) for w in lime.weights)),
            "max": int(max(len(w) for w in lime.weights)),
            "mean": float(np.mean([len(w) for w in lime.weights])),
        },
        "r2": float(np.mean(lime.scores)),
        "examples": examples,
        "deciding": list(DECIDING_REGIONS),
        "deciding_area": deciding_area,
        "mask_source": source,
        "accuracy": confusion["accuracy"],
        "confused_pairs": confusion["confused_pairs"],
        "ties": ties,
        "top": TOP,
    }
    arrays = {
        "images": val.images[positions[shown]],
        "segments": lime.segments[shown],
        "weights": [lime.weights[i] for i in shown],
        "maps": lime.maps[shown],
    }
    return facts, arrays


def lime_table(facts: dict[str, Any], lang: str) -> Table:
    w = WORDS[lang]
    names = REGION_NAMES[lang]

    rows = tuple(
        (
            class_name(r["class"], lang),
            percent(r["recall"], 0),
            f"{r['support']:,}",
            "–"
            if r["confused_with"] is None
            else f"{class_name(r['confused_with'], lang)} ({percent(r['confused_rate'], 0)})",
            percent(r.get("deciding_share"), 0),
            names.get(r.get("top_region") or "", "–"),
            "–" if r.get("r2") is None else f"{r['r2']:.2f}",
        )
        for r in facts["ties"]["order"]
    )
    return Table(
        caption=w["table"].format(per=facts["per_class"], area=percent(facts["deciding_area"], 0)),
        header=w["header"],
        rows=rows,
    )


def answer(ctx: Context) -> Section:
    from reportgen.explain import lime_overlay
    from reportgen.plots.explain import lime_panels

    facts, arrays = facts_of(ctx)
    w = WORDS[ctx.lang]
    overlays = np.stack(
        [
            lime_overlay(img, seg, wt, top=TOP)
            for img, seg, wt in zip(
                arrays["images"], arrays["segments"], arrays["weights"], strict=True
            )
        ]
    )
    titles = [
        w["title"].format(cls=class_name(e["class"], ctx.lang), row=e["row"], p=e["confidence"])
        for e in facts["examples"]
    ]
    lime_panels(
        arrays["images"],
        overlays,
        arrays["maps"],
        titles,
        ctx.figure_path("lime.png"),
        lang=ctx.lang,
    )
    blocks: list[Any] = [
        Text(draft(ctx, MODULE, {**facts, "part": "method"})),
        Figure(file="lime.png", caption=w["figure"].format(top=TOP)),
        Text(draft(ctx, MODULE, {**facts, "part": "examples"})),
        lime_table(facts, ctx.lang),
        Text(draft(ctx, MODULE, {**facts, "part": "confusion"})),
    ]
    return Section(module=MODULE, facts=facts, blocks=blocks)
