"""The free question: Grad-CAM on the last convolutional layer, for the saliency question's
image of each class and averaged over each class's validation images, with where it lies
among the face regions."""

from __future__ import annotations

from typing import Any

import numpy as np

from reportgen.data.classes import NUM_CLASSES
from reportgen.measure.explain.regions import DECIDING_REGIONS, union
from reportgen.measure.facts.gradcam import (
    PAPER,
    deciding_share_by_outcome,
    live,
    map_range,
    pointing_chance,
    pointing_per_class,
)
from reportgen.measure.facts.regions import focus_facts, per_class_regions, region_layout
from reportgen.plots.explain import heat_rows
from reportgen.questions.context import Context
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


def class_maps(ctx: Context, layer: str) -> dict[str, np.ndarray]:
    """Grad-CAM of every validation image for its own class, and the class averages."""
    from reportgen.measure.explain.gradcam import class_average_gradcam, gradcam

    run, images = ctx.runs["cnn"], ctx.val("cnn").images
    return {
        "maps": gradcam(run.model, images, run.val_true, layer=layer),
        "averages": class_average_gradcam(run.model, images, run.val_true, layer=layer),
    }


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


def facts_of(ctx: Context) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The facts, and the arrays of the figures (images, cams, averages, mean_faces, counts)."""
    run = ctx.runs["cnn"]
    layers = layer_facts(run.model)
    arrays = class_maps(ctx, layers["cam_layer"])
    maps = arrays["maps"]
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
    return facts, {**arrays, **figure_arrays(ctx, examples, maps)}


def figure_arrays(ctx: Context, examples: list[dict], maps: np.ndarray) -> dict[str, np.ndarray]:
    """The shown images and their maps; each class's mean face and image count."""
    images, labels = ctx.val("cnn").images, ctx.runs["cnn"].val_true
    pos = np.array([e["position"] for e in examples], dtype=np.int64)
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    mean_faces = np.stack(
        [
            images[labels == k].mean(axis=0) if counts[k] else np.zeros(images.shape[1:])
            for k in range(NUM_CLASSES)
        ]
    )
    return {"images": images[pos], "cams": maps[pos], "mean_faces": mean_faces, "counts": counts}


def region_table(facts: dict[str, Any], words: Words) -> Table:
    w = words[MODULE]
    caption = w["table"].format(source=w[f"source_{facts['mask_source']}"], tol=facts["tolerance"])
    return region_share_table(facts, words, caption, pointing_header=w["header_pointing"])


def figures(ctx: Context, facts: dict[str, Any], arrays: dict[str, np.ndarray]) -> list[Figure]:
    """The shown images with their Grad-CAM, and the class averages over the mean faces."""
    words, w = ctx.words, ctx.words[MODULE]
    titles = [
        w["title"].format(cls=words["classes"][e["class"]], row=e["row"], p=num(e["confidence"], 2))
        for e in facts["examples"]
    ]
    rows = (w["row_image"], w["row_cam"])
    heat_rows(
        arrays["images"], arrays["cams"], titles, ctx.figure_path("gradcam.png"), row_names=rows
    )
    present = [k for k in range(NUM_CLASSES) if arrays["counts"][k]]
    avg = arrays["averages"][present]
    peak = avg.max(axis=(1, 2), keepdims=True)
    heat_rows(
        arrays["mean_faces"][present],
        np.where(peak > 0, avg / np.where(peak > 0, peak, 1.0), 0.0),
        [
            w["avg_title"].format(cls=words["classes"][k], n=int(arrays["counts"][k]))
            for k in present
        ],
        ctx.figure_path("gradcam_average.png"),
        row_names=(w["row_avg"],),
        show_images=False,
    )
    return [
        Figure(file="gradcam.png", caption=w["examples"].format(layer=facts["layer"])),
        Figure(file="gradcam_average.png", caption=w["averages"]),
    ]


def answer(ctx: Context) -> Section:
    facts, arrays = facts_of(ctx)
    blocks: list[Block] = [Text(ctx.draft(facts, "method")), *figures(ctx, facts, arrays)]
    if facts["per_class"]:
        blocks.append(region_table(facts, ctx.words))
    blocks.append(Text(ctx.draft(facts, "regions")))
    return Section(module=MODULE, facts=facts, blocks=blocks)
