"""The free question: Grad-CAM on the last convolutional layer, for the saliency question's
image of each class and averaged over each class's validation images, with where it lies
among the face regions."""

from __future__ import annotations

from typing import Any

import numpy as np

from questions._common import draft, region_share_table
from questions._runs import cnn_run
from reportgen.classes import IMAGE_SIZE, NUM_CLASSES, class_name
from reportgen.config import Config
from reportgen.context import Context
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec
from reportgen.sections import Figure, Section, Table, Text

MODULE = "q8_gradcam"
TITLE = "Free question: Grad-CAM per class and per-class averages"
TOLERANCE = 1  # pixels the deciding regions are widened by for the pointing game

WORDS = {
    "en": {
        "examples": "Grad-CAM on {layer} for the images of the saliency maps (one per class): "
        "the image (class, index, probability) and, below it, the map for its class over it",
        "averages": "Class-average Grad-CAM: the mean map over all validation images of each "
        "class (each explained for its own class), over the class's mean face; each panel "
        "scaled to its own maximum",
        "table": "Where Grad-CAM lies, per class, averaged over the validation images of the "
        "class whose map is not zero everywhere: the share of the map's mass in each face region ({source}), the region with "
        "the largest share, the densest region (share / area share) and the pointing game (the share of images whose map peaks on brows, eyes or "
        "mouth, widened by {tol} pixel); the last row: each region's share of the image area, and "
        "the pointing game's chance level (random maps)",
        "source_generator": "regions from the synthetic faces' generator",
        "source_fer": "fixed regions of the aligned FER face",
        "header_pointing": "Peak on brows/eyes/mouth",
        "row_image": "Image",
        "row_cam": "Grad-CAM",
        "row_avg": "Class average",
        "title": "{cls}\nindex {row}\np = {p:.2f}",
        "avg_title": "{cls}\n{n} images",
    },
    "zh": {
        "examples": "在 {layer} 上的 Grad-CAM，圖片與 saliency 那題相同（每類一張）："
        "上面是原圖（類別、index、機率），下面是該類別的 Grad-CAM 疊在原圖上",
        "averages": "各類別平均的 Grad-CAM：每類所有驗證集圖片（各自以自己的類別計算）的平均，"
        "疊在該類的平均臉上；每格各自以最大值縮放",
        "table": "各類別 Grad-CAM 的分布（對該類 Grad-CAM 不全為 0 的驗證集圖片取平均）：落在各臉部區域的比例"
        "（{source}）、比例最高與最集中（比例除以面積比例）的區域，以及 pointing game（峰值落在眉毛、眼睛或嘴巴上的圖片比例，"
        "區域外擴 {tol} 像素）；最後一列是各區域的面積比例，以及隨機 map 的 pointing game（隨機水準）",
        "source_generator": "區域由合成臉孔的產生器給出",
        "source_fer": "對齊後 FER 臉孔的固定區域",
        "header_pointing": "峰值在眉毛/眼睛/嘴巴",
        "row_image": "原圖",
        "row_cam": "Grad-CAM",
        "row_avg": "類別平均",
        "title": "{cls}\nindex {row}\np = {p:.2f}",
        "avg_title": "{cls}\n{n} 張",
    },
}


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config)}


def facts_of(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    """The facts and the arrays the figures need (images, cams, averages, mean_faces, counts).

    Keys: run_key, layer (the last Conv2D), cam_layer (its block's output, after batch norm
    and ReLU: the feature maps Grad-CAM weighs), n_conv, layer_shape, upsample, score ("logit"),
    n_val; examples (q5's, each with cam_zero); mask_source, area, face_area, deciding,
    deciding_area, pointing_chance; per_class (per_class_regions of every validation image's
    Grad-CAM for its true class, each with pointing and zero_maps), groups; deciding_share
    (correct / wrong images: the mean share on brows, eyes and mouth); zero_maps; tolerance."""
    import keras

    from reportgen.explain import (
        DECIDING_REGIONS,
        class_average_gradcam,
        gradcam,
        gradcam_layer,
        last_conv_layer,
        mass_shares,
        pointing_game,
        union,
    )
    from reportgen.facts.explain import (
        FOCUS_MIN_LIFT,
        area_shares,
        choose_examples,
        group_by_region,
        per_class_regions,
        region_masks,
        subset_masks,
        unfocused,
    )

    run = ctx.runs["cnn"]
    model = run.model
    val = ctx.val("cnn")
    labels = run.val_true
    masks, source = region_masks(ctx.val_masks("cnn"))
    area = area_shares(masks)
    layer = last_conv_layer(model)
    cam_layer = gradcam_layer(model)  # the last conv block's output (after BN and ReLU)
    convs = [lyr.name for lyr in model.layers if isinstance(lyr, keras.layers.Conv2D)]
    shape = [int(d) for d in model.get_layer(cam_layer).output.shape[1:]]

    maps = gradcam(model, val.images, labels, layer=cam_layer)  # every image, its own class
    averages = class_average_gradcam(model, val.images, labels, layer=cam_layer)
    examples = choose_examples(run.val_pred, labels, run.val_index)
    pos = np.array([e["position"] for e in examples], dtype=np.int64)

    for e in examples:
        e["cam_zero"] = bool(maps[e["position"]].max() <= 0)
    per_class = per_class_regions(maps, labels, masks, area)
    deciding = union(masks, DECIDING_REGIONS)
    for c in per_class:
        idx = np.flatnonzero(labels == c["class"])
        live = idx[maps[idx].max(axis=(1, 2)) > 0]
        c["pointing"] = (
            pointing_game(maps[live], subset_masks({"d": deciding}, live)["d"], TOLERANCE)
            if len(live)
            else None
        )
        c["zero_maps"] = int(len(idx) - len(live))
    # The pointing game's chance level: random maps, whose peaks fall anywhere.
    noise = np.random.default_rng(0).random(maps.shape)
    chance = pointing_game(noise, deciding, TOLERANCE)
    correct = run.val_labels_pred == labels
    shares = mass_shares(maps, deciding)
    split = {
        name: (float(np.nanmean(shares[sel])) if np.isfinite(shares[sel]).any() else None)
        for name, sel in (("correct", correct), ("wrong", ~correct))
    }
    facts = {
        "run_key": run.key,
        "layer": layer,
        "cam_layer": cam_layer,
        "n_conv": len(convs),
        "layer_shape": shape,
        "upsample": IMAGE_SIZE / shape[0] if shape and shape[0] else None,
        "score": "logit",
        "n_val": len(labels),
        "examples": examples,
        "mask_source": source,
        "area": area,
        "face_area": float(sum(area.values())),
        "deciding": list(DECIDING_REGIONS),
        "deciding_area": float(np.mean(deciding)),
        "pointing_chance": chance,
        "per_class": per_class,
        "groups": group_by_region(per_class, "focus", FOCUS_MIN_LIFT),
        "unfocused": unfocused(per_class, FOCUS_MIN_LIFT),
        "focus_min_lift": FOCUS_MIN_LIFT,
        "deciding_share": {
            "correct": split["correct"],
            "wrong": split["wrong"],
            "n_correct": int(correct.sum()),
            "n_wrong": int((~correct).sum()),
        },
        "zero_maps": int((maps.max(axis=(1, 2)) <= 0).sum()),
        "tolerance": TOLERANCE,
    }
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    mean_faces = np.stack(
        [
            val.images[labels == k].mean(axis=0) if counts[k] else np.zeros(val.images.shape[1:])
            for k in range(NUM_CLASSES)
        ]
    )
    arrays = {
        "images": val.images[pos],
        "cams": maps[pos],
        "averages": averages,
        "mean_faces": mean_faces,
        "counts": counts,
    }
    return facts, arrays


def region_table(facts: dict[str, Any], lang: str) -> Table:
    w = WORDS[lang]
    source = w["source_generator"] if facts["mask_source"] == "generator" else w["source_fer"]
    caption = w["table"].format(source=source, tol=facts["tolerance"])
    return region_share_table(facts, lang, caption, pointing_header=w["header_pointing"])


def answer(ctx: Context) -> Section:
    from reportgen.plots.explain import heat_rows

    facts, arrays = facts_of(ctx)
    w = WORDS[ctx.lang]
    titles = [
        w["title"].format(cls=class_name(e["class"], ctx.lang), row=e["row"], p=e["confidence"])
        for e in facts["examples"]
    ]
    heat_rows(
        arrays["images"],
        arrays["cams"],
        titles,
        ctx.figure_path("gradcam.png"),
        row_names=(w["row_image"], w["row_cam"]),
    )
    present = [k for k in range(NUM_CLASSES) if arrays["counts"][k]]
    avg = arrays["averages"][present]
    peak = avg.max(axis=(1, 2), keepdims=True)
    heat_rows(
        arrays["mean_faces"][present],
        np.where(peak > 0, avg / np.where(peak > 0, peak, 1.0), 0.0),
        [
            w["avg_title"].format(cls=class_name(k, ctx.lang), n=int(arrays["counts"][k]))
            for k in present
        ],
        ctx.figure_path("gradcam_average.png"),
        row_names=(w["row_avg"],),
        show_images=False,
    )
    blocks: list[Any] = [
        Text(draft(ctx, MODULE, {**facts, "part": "method"})),
        Figure(file="gradcam.png", caption=w["examples"].format(layer=facts["layer"])),
        Figure(file="gradcam_average.png", caption=w["averages"]),
    ]
    if facts["per_class"]:
        blocks.append(region_table(facts, ctx.lang))
    blocks.append(Text(draft(ctx, MODULE, {**facts, "part": "regions"})))
    return Section(module=MODULE, facts=facts, blocks=blocks)
