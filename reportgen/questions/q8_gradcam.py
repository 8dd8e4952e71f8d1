"""The free question: Grad-CAM on the last convolutional layer, for the saliency question's
image of each class and averaged over each class's validation images, with where it lies
among the face regions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from reportgen.data.classes import NUM_CLASSES
from reportgen.measure.explain.regions import DECIDING_REGIONS, union
from reportgen.measure.facts.gradcam import (
    PAPER,
    deciding_share_by_outcome,
    gradcam_verdicts,
    live,
    map_range,
    pointing_chance,
    pointing_per_class,
)
from reportgen.measure.facts.regions import focus_facts, per_class_regions, region_layout
from reportgen.plots.explain import heat_rows
from reportgen.questions.context import Context, Page
from reportgen.questions.measured import Measured
from reportgen.questions.shared_runs import cnn_only
from reportgen.questions.tables import region_share_table
from reportgen.render.blocks import Block, Figure, Section, Table, Text
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile
from reportgen.words.text import Words, num

MODULE = "q8_gradcam"
TITLE = "Free question: Grad-CAM per class and per-class averages"
runs = cnn_only  # the CNN run, as ctx.runs["cnn"]


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {
        "tolerance": 1,  # pixels the deciding regions are widened by for the pointing game
        "seed": 0,  # of the random maps that give the pointing game's chance level
    }


def layer_facts(model: Any) -> dict[str, Any]:
    """The last Conv2D (layer), its block's output that Grad-CAM weighs (cam_layer: after
    batch norm and ReLU), the number of conv layers, the map's shape and upsampling."""
    from reportgen.measure.explain.gradcam import gradcam_layer, last_conv_layer
    from reportgen.measure.explain.model import conv_layer_names

    cam_layer = gradcam_layer(model)
    shape = [int(d) for d in model.get_layer(cam_layer).output.shape[1:]]
    size = int(model.inputs[0].shape[1])
    return {
        "layer": last_conv_layer(model),
        "cam_layer": cam_layer,
        "n_conv": len(conv_layer_names(model)),
        "layer_shape": shape,
        "image_size": size,
        "upsample": size / shape[0] if shape and shape[0] else None,
        "score": "logit",
    }


def class_maps(ctx: Context, layer: str) -> np.ndarray:
    """Grad-CAM of every validation image for its own class."""
    from reportgen.measure.explain.gradcam import gradcam

    run = ctx.runs["cnn"]
    return gradcam(run.model, ctx.val("cnn").images, run.val_true, layer=layer)


def region_facts(ctx: Context, maps: np.ndarray) -> dict[str, Any]:
    """Where the maps lie: the layout, per class (with the pointing game), the chance level,
    the deciding regions' share on correct and wrong images, the classes by focus."""
    run, p = ctx.runs["cnn"], ctx.params
    masks, source = ctx.shared.regions(ctx.data, run)
    layout = region_layout(masks, source)
    deciding = union(masks, DECIDING_REGIONS)
    per_class = per_class_regions(maps, run.val_true, masks, layout["area"])
    correct = run.val_labels_pred == run.val_true
    return {
        **layout,
        "deciding": list(DECIDING_REGIONS),
        "deciding_area": float(np.mean(deciding)),
        "pointing_chance": pointing_chance(maps.shape, deciding, p["tolerance"], p["seed"]),
        "per_class": pointing_per_class(per_class, maps, run.val_true, deciding, p["tolerance"]),
        **focus_facts(per_class),
        "deciding_share": deciding_share_by_outcome(maps, deciding, correct),
        "tolerance": p["tolerance"],
    }


def measure(ctx: Context) -> Measured:
    """Grad-CAM of every validation image for its class, where it lies among the face
    regions, and the verdicts. Arrays: figure_arrays."""
    run = ctx.runs["cnn"]
    layers = layer_facts(run.model)
    maps = class_maps(ctx, layers["cam_layer"])
    examples = [
        {**e, "cam_zero": not live(maps[[e["position"]]])[0]} for e in ctx.shared.examples(run)
    ]
    facts = {
        "run_key": run.key,
        **layers,
        "paper": PAPER,
        "n_val": len(run.val_true),
        "examples": examples,
        **region_facts(ctx, maps),
        "zero_maps": int((~live(maps)).sum()),
        "map_range": map_range(maps),
    }
    return Measured(MODULE, facts, gradcam_verdicts(facts), figure_arrays(ctx, examples, maps))


def figure_arrays(ctx: Context, examples: list[dict], maps: np.ndarray) -> dict[str, np.ndarray]:
    """The shown images and their maps (images, cams); the classes with images (classes),
    their image counts (counts), mean faces (mean_faces) and average maps, each scaled to
    its own maximum (averages)."""
    from reportgen.measure.explain.gradcam import class_means, scaled_to_peak

    images, labels = ctx.val("cnn").images, ctx.runs["cnn"].val_true
    pos = np.array([e["position"] for e in examples], dtype=np.int64)
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    classes = np.flatnonzero(counts)
    mean_faces = np.stack([images[labels == k].mean(axis=0) for k in classes])
    return {
        "images": images[pos],
        "cams": maps[pos],
        "classes": classes,
        "counts": counts[classes],
        "mean_faces": mean_faces,
        "averages": scaled_to_peak(class_means(maps, labels, NUM_CLASSES)[classes]),
    }


def region_table(facts: Mapping[str, Any], words: Words) -> Table:
    w = words[MODULE]
    caption = w["table"].format(source=w[f"source_{facts['mask_source']}"], tol=facts["tolerance"])
    return region_share_table(facts, words, caption, pointing_header=w["header_pointing"])


def figures(measured: Measured, page: Page) -> list[Figure]:
    """The shown images with their Grad-CAM, and the class averages over the mean faces."""
    facts, arrays = measured.facts, measured.arrays
    words, w = page.words, page.words[MODULE]
    titles = [
        w["title"].format(cls=words["classes"][e["class"]], row=e["row"], p=num(e["confidence"], 2))
        for e in facts["examples"]
    ]
    rows = (w["row_image"], w["row_cam"])
    heat_rows(
        arrays["images"], arrays["cams"], titles, page.figure_path("gradcam.png"), row_names=rows
    )
    heat_rows(
        arrays["mean_faces"],
        arrays["averages"],
        [
            w["avg_title"].format(cls=words["classes"][int(k)], n=int(n))
            for k, n in zip(arrays["classes"], arrays["counts"], strict=True)
        ],
        page.figure_path("gradcam_average.png"),
        row_names=(w["row_avg"],),
        show_images=False,
    )
    examples = w["examples"].format(layer=facts["layer"])
    return [
        Figure(file="gradcam.png", caption=examples, alt=examples_alt(facts, words)),
        Figure(file="gradcam_average.png", caption=w["averages"], alt=averages_alt(facts, words)),
    ]


def examples_alt(facts: Mapping[str, Any], words: Words) -> str:
    """The alt text of the shown images' Grad-CAM: what it shows, on which grid, and the
    classes whose map is empty."""
    w, shape = words[MODULE], facts["layer_shape"]
    alt = w["alt_examples"].format(
        n=len(facts["examples"]), layer=facts["layer"], grid=f"{shape[0]}×{shape[1]}"
    )
    empty = [words["classes"][e["class"]] for e in facts["examples"] if e["cam_zero"]]
    return alt + (w["alt_empty"].format(classes=w["alt_join"].join(empty)) if empty else "")


def averages_alt(facts: Mapping[str, Any], words: Words) -> str:
    """The alt text of the class averages: what it shows, and the region most classes'
    Grad-CAM is densest on (the largest group of focus_facts)."""
    w, n = words[MODULE], len(facts["per_class"])
    alt = w["alt_averages"].format(n=n)
    if not facts["groups"]:
        return alt
    group = facts["groups"][0]
    region = words["regions_in_text"][group["region"]]
    return alt + w["alt_focus"].format(region=region, k=len(group["classes"]), n=n)


def present(measured: Measured, page: Page) -> Section:
    blocks: list[Block] = [Text(page.draft(measured, "method")), *figures(measured, page)]
    if measured.facts["per_class"]:
        blocks.append(region_table(measured.facts, page.words))
    blocks.append(Text(page.draft(measured, "regions")))
    return Section(module=MODULE, facts=dict(measured.facts), blocks=blocks)
