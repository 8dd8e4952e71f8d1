"""Saliency maps per class: the vanilla gradient of the class logit and SmoothGrad, on the
most confident correctly classified validation image of each class, and where the maps'
mass lies among the face regions (measured over every correctly classified image)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from reportgen.data.classes import NUM_CLASSES
from reportgen.measure.facts.regions import (
    focus_facts,
    per_class_regions,
    region_layout,
    region_shares,
    subset_masks,
)
from reportgen.measure.facts.saliency import (
    agreement,
    example_focus,
    inside_faces,
    peak_lift,
    saliency_verdicts,
    top_mass,
)
from reportgen.plots.explain import SCALE_PERCENTILE, saliency_table
from reportgen.questions.context import Context, Page
from reportgen.questions.measured import Measured
from reportgen.questions.shared_runs import cnn_only
from reportgen.questions.tables import region_share_table
from reportgen.render.blocks import Block, Figure, Section, Table, Text
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile
from reportgen.words.text import Words, num, pct

MODULE = "q5_saliency"
TITLE = "Saliency maps per class (gradient, SmoothGrad)"
runs = cnn_only  # the CNN run, as ctx.runs["cnn"]


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {
        "samples": profile.smoothgrad_samples,  # SmoothGrad's noisy copies per image
        "noise": 0.15,  # their noise's std, as a share of the pixel range
        "seed": 0,
        "top": 0.1,  # how concentrated a map is: the mass share of its brightest 10% pixels
        "percentile": SCALE_PERCENTILE,  # each map in the figure scaled to this percentile
    }


def shown_maps(ctx: Context, images: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    """The vanilla gradient and SmoothGrad of the shown images, each for its class."""
    from reportgen.measure.explain.saliency import smoothgrad, vanilla_saliency

    p, model = ctx.params, ctx.runs["cnn"].model
    return {
        "vanilla": vanilla_saliency(model, images, classes),
        "smooth": smoothgrad(
            model, images, classes, samples=p["samples"], noise=p["noise"], seed=p["seed"]
        ),
    }


def measurement(ctx: Context, masks: dict, area: dict) -> dict[str, Any]:
    """The vanilla gradient of every correctly classified validation image, for its class:
    per_class (per_class_regions), overall (region_shares of all of them), n_correct."""
    from reportgen.measure.explain.saliency import vanilla_saliency

    run = ctx.runs["cnn"]
    correct = np.flatnonzero(run.val_labels_pred == run.val_true)
    grads = vanilla_saliency(run.model, ctx.val("cnn").images[correct], run.val_true[correct])
    measured = subset_masks(masks, correct)
    return {
        "n_correct": len(correct),
        "per_class": per_class_regions(grads, run.val_true[correct], measured, area),
        "overall": region_shares(grads, measured) if len(correct) else None,
    }


def measure(ctx: Context) -> Measured:
    """The facts (examples, the region measurement, top_mass), their verdicts
    (saliency_verdicts), and the arrays of the figure: images, vanilla, smooth."""
    run, p = ctx.runs["cnn"], ctx.params
    masks, source = ctx.shared.regions(ctx.data, run)
    layout = region_layout(masks, source)
    examples = ctx.shared.examples(run)
    pos = np.array([e["position"] for e in examples], dtype=np.int64)
    images = ctx.val("cnn").images[pos]
    maps = shown_maps(ctx, images, np.array([e["class"] for e in examples], dtype=np.int64))
    examples = example_focus(maps["smooth"], subset_masks(masks, pos), layout["area"], examples)
    m = measurement(ctx, masks, layout["area"])
    facts = {
        "run_key": run.key,
        "val_accuracy": float((run.val_labels_pred == run.val_true).mean()),
        "n_val": len(run.val_true),
        "examples": examples,
        "missing": sorted(set(range(NUM_CLASSES)) - {e["class"] for e in examples}),
        "no_correct": [e["class"] for e in examples if not e["correct"]],
        **layout,
        **m,
        "inside": inside_faces(m["overall"], layout["face_area"]),
        **focus_facts(m["per_class"]),
        "peak_lift": peak_lift(m["per_class"]),
        **agreement(examples, m["per_class"]),
        "smoothgrad": {"samples": p["samples"], "noise": p["noise"], "seed": p["seed"]},
        "top_mass": {
            "fraction": p["top"],
            "vanilla": top_mass(maps["vanilla"], p["top"]),
            "smoothgrad": top_mass(maps["smooth"], p["top"]),
        },
        "percentile": p["percentile"],
    }
    return Measured(MODULE, facts, saliency_verdicts(facts), {"images": images, **maps})


def row_label(example: Mapping[str, Any], words: Words) -> str:
    w = words[MODULE]
    label = w["row"].format(
        cls=words["classes"][example["class"]], row=example["row"], p=num(example["confidence"], 2)
    )
    return label if example["correct"] else f"{label}\n{w['wrong']}"


def region_table(facts: Mapping[str, Any], words: Words) -> Table:
    w = words[MODULE]
    source = w[f"source_{facts['mask_source']}"].format(size=facts["image_size"])
    return region_share_table(facts, words, w["table"].format(source=source))


def saliency_figure(measured: Measured, page: Page) -> Figure:
    """The figure of the shown examples' maps, drawn from the measurement's arrays."""
    facts, arrays, words = measured.facts, measured.arrays, page.words
    w, sg, top = words[MODULE], facts["smoothgrad"], facts["top_mass"]
    saliency_table(
        arrays["images"],
        arrays["vanilla"],
        arrays["smooth"],
        [row_label(e, words) for e in facts["examples"]],
        page.figure_path("saliency.png"),
        headers=[
            words["plots"]["explain"][k] for k in ("image", "vanilla", "smoothgrad", "overlay")
        ],
        percentile=facts["percentile"],
    )
    caption = w["figure"].format(
        samples=sg["samples"], noise=pct(sg["noise"], 0), percentile=f"{facts['percentile']:g}"
    )
    alt = w["alt"].format(
        n=len(facts["examples"]),
        fraction=pct(top["fraction"], 0),
        smooth=pct(top["smoothgrad"], 0),
        vanilla=pct(top["vanilla"], 0),
    )
    return Figure(file="saliency.png", caption=caption, width="85%", alt=alt)


def present(measured: Measured, page: Page) -> Section:
    facts = measured.facts
    blocks: list[Block] = [Text(page.draft(measured, "method")), saliency_figure(measured, page)]
    if facts["per_class"]:
        blocks.append(region_table(facts, page.words))
    blocks.append(Text(page.draft(measured, "regions")))
    return Section(module=MODULE, facts=dict(facts), blocks=blocks)
