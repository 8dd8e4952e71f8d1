"""Saliency maps per class: the vanilla gradient of the class logit and SmoothGrad, on the
most confident correctly classified validation image of each class, and where the maps'
mass lies among the face regions (measured over every correctly classified image)."""

from __future__ import annotations

from typing import Any

import numpy as np

from questions._common import draft, region_share_table
from questions._runs import cnn_run
from reportgen.classes import NUM_CLASSES, class_name
from reportgen.config import Config
from reportgen.context import Context
from reportgen.data.types import REGIONS
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec
from reportgen.sections import Figure, Section, Table, Text

MODULE = "q5_saliency"
TITLE = "Saliency maps per class (gradient, SmoothGrad)"
SMOOTHGRAD_NOISE = 0.15  # noise std as a fraction of the pixel range
SEED = 0
TOP = 0.1  # how concentrated a map is: the mass share of its brightest 10% of pixels

WORDS = {
    "en": {
        "figure": "Saliency maps of the most confident correctly classified validation image "
        "of each class (row label: class, index of the image in the training file counted from 0, predicted probability). "
        "Columns: the image, |∂ logit / ∂ pixel|, SmoothGrad ({samples} noisy copies, "
        "σ = {noise:.0%} of the pixel range) and SmoothGrad over the image; each map scaled "
        "to its own 99.5th percentile",
        "table": "Share of the vanilla-gradient saliency mass in each face region, averaged "
        "over the correctly classified validation images of each class ({source}); "
        "the last row is each region's share of the image area, what an even map would give",
        "source_generator": "regions from the synthetic faces' generator, per image",
        "source_fer": "fixed regions of the aligned 48×48 FER face",
        "row": "index {row}",
        "wrong": "(misclassified)",
    },
    "zh": {
        "figure": "每個類別中模型最有把握且分類正確的驗證集圖片的 saliency map"
        "（左側標示：類別、在訓練檔中的 index（從 0 起算）、預測機率）。"
        "各欄依序為原圖、|∂ logit / ∂ pixel|、SmoothGrad（{samples} 份加噪複本，"
        "σ 為像素範圍的 {noise:.0%}）以及疊在原圖上的 SmoothGrad；每張圖各自以第 99.5 百分位數縮放",
        "table": "各類別分類正確的驗證集圖片中，vanilla gradient saliency 落在各臉部區域的比例"
        "（取平均；{source}）；最後一列是各區域佔整張圖的面積比例，也就是均勻分布的 map 會得到的值",
        "source_generator": "區域由合成臉孔的產生器逐張給出",
        "source_fer": "區域為對齊後 48×48 FER 臉孔的固定位置",
        "row": "index {row}",
        "wrong": "（分類錯誤）",
    },
}


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config)}


def facts_of(ctx: Context) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The facts and the arrays the figure needs (images, vanilla, smooth).

    Keys: run_key, val_accuracy, n_val, n_correct; examples (choose_examples, each with its
    SmoothGrad region_shares); missing (classes without a validation image), no_correct
    (shown although misclassified); mask_source, regions, area (region -> area share),
    face_area; per_class (per_class_regions of the vanilla gradient over every correctly
    classified validation image), overall (the same over all of them), groups (classes by
    focus region: largest share / area), peak_lift; compared / agree (classes whose shown
    SmoothGrad map has the same focus region as the class's measurement); smoothgrad (samples, noise); top_mass
    (mass share of the brightest 10% of pixels, vanilla and SmoothGrad, shown images)."""
    from reportgen.explain import smoothgrad, vanilla_saliency
    from reportgen.facts.explain import (
        FOCUS_MIN_LIFT,
        area_shares,
        choose_examples,
        focus_region,
        group_by_region,
        per_class_regions,
        region_masks,
        region_shares,
        subset_masks,
        top_mass,
        unfocused,
    )

    run = ctx.runs["cnn"]
    model = run.model
    val = ctx.val("cnn")
    masks, source = region_masks(ctx.val_masks("cnn"))
    area = area_shares(masks)

    examples = choose_examples(run.val_pred, run.val_true, run.val_index)
    pos = np.array([e["position"] for e in examples], dtype=np.int64)
    cls = np.array([e["class"] for e in examples], dtype=np.int64)
    images = val.images[pos]
    vanilla = vanilla_saliency(model, images, cls)
    smooth = smoothgrad(
        model,
        images,
        cls,
        samples=ctx.profile.smoothgrad_samples,
        noise=SMOOTHGRAD_NOISE,
        seed=SEED,
    )
    shown_masks = subset_masks(masks, pos)
    for i, e in enumerate(examples):
        one = {r: (m[i : i + 1] if np.ndim(m) == 3 else m) for r, m in shown_masks.items()}
        e["smoothgrad"] = sg = region_shares(smooth[i : i + 1], one)
        sg["focus"], sg["focus_lift"] = focus_region(sg["shares"], area)

    # The measurement: every correctly classified validation image, its own class's gradient.
    correct = np.flatnonzero(run.val_labels_pred == run.val_true)
    grads = vanilla_saliency(model, val.images[correct], run.val_true[correct])
    measured = subset_masks(masks, correct)
    per_class = per_class_regions(grads, run.val_true[correct], measured, area)
    overall = region_shares(grads, measured) if len(correct) else None
    by_class = {c["class"]: c for c in per_class}
    compared = [e for e in examples if e["class"] in by_class and e["smoothgrad"]["focus"]]
    agree = [
        e["class"] for e in compared if e["smoothgrad"]["focus"] == by_class[e["class"]]["focus"]
    ]
    facts = {
        "run_key": run.key,
        "val_accuracy": float((run.val_labels_pred == run.val_true).mean()),
        "n_val": len(run.val_true),
        "n_correct": len(correct),
        "examples": examples,
        "missing": sorted(set(range(NUM_CLASSES)) - {e["class"] for e in examples}),
        "no_correct": [e["class"] for e in examples if not e["correct"]],
        "mask_source": source,
        "regions": list(REGIONS),
        "area": area,
        "face_area": float(sum(area.values())),
        "per_class": per_class,
        "overall": overall,
        "groups": group_by_region(per_class, "focus", FOCUS_MIN_LIFT),
        "unfocused": unfocused(per_class, FOCUS_MIN_LIFT),
        "focus_min_lift": FOCUS_MIN_LIFT,
        "peak_lift": peak_lift(per_class),
        "compared": [e["class"] for e in compared],
        "agree": agree,
        "smoothgrad": {"samples": ctx.profile.smoothgrad_samples, "noise": SMOOTHGRAD_NOISE},
        "top_mass": {
            "fraction": TOP,
            "vanilla": top_mass(vanilla, TOP),
            "smoothgrad": top_mass(smooth, TOP),
        },
    }
    return facts, {"images": images, "vanilla": vanilla, "smooth": smooth}


def peak_lift(per_class: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The (class, region) whose share most exceeds the region's area share."""
    cells = [
        (lift, c["class"], r)
        for c in per_class
        for r, lift in c["lift"].items()
        if lift is not None
    ]
    if not cells:
        return None
    lift, cls, region = max(cells, key=lambda t: (t[0], -t[1]))
    return {"class": cls, "region": region, "lift": lift}


def row_label(example: dict[str, Any], lang: str) -> str:
    w = WORDS[lang]
    lines = [
        class_name(example["class"], lang),
        w["row"].format(row=example["row"]),
        f"p = {example['confidence']:.2f}",
    ]
    if not example["correct"]:
        lines.append(w["wrong"])
    return "\n".join(lines)


def region_table(facts: dict[str, Any], lang: str) -> Table:
    w = WORDS[lang]
    source = w["source_generator"] if facts["mask_source"] == "generator" else w["source_fer"]
    return region_share_table(facts, lang, w["table"].format(source=source))


def answer(ctx: Context) -> Section:
    from reportgen.plots.explain import saliency_table

    facts, arrays = facts_of(ctx)
    w = WORDS[ctx.lang]
    labels = [row_label(e, ctx.lang) for e in facts["examples"]]
    saliency_table(
        arrays["images"],
        arrays["vanilla"],
        arrays["smooth"],
        labels,
        ctx.figure_path("saliency.png"),
        lang=ctx.lang,
    )
    sg = facts["smoothgrad"]
    blocks: list[Any] = [
        Text(draft(ctx, MODULE, {**facts, "part": "method"})),
        Figure(
            file="saliency.png",
            caption=w["figure"].format(samples=sg["samples"], noise=sg["noise"]),
            width="85%",
        ),
    ]
    if facts["per_class"]:
        blocks.append(region_table(facts, ctx.lang))
    blocks.append(Text(draft(ctx, MODULE, {**facts, "part": "regions"})))
    return Section(module=MODULE, facts=facts, blocks=blocks)
