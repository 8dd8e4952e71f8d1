"""LIME per class on the saliency question's images, tied to the confusion matrix of the same
run: where the evidence for each class lies, against how well the class is recognized."""

from __future__ import annotations

from typing import Any

import numpy as np

from reportgen.measure.explain.regions import DECIDING_REGIONS
from reportgen.measure.facts.confusion import confusion_facts
from reportgen.measure.facts.examples import with_random_others
from reportgen.measure.facts.lime import (
    lime_class_facts,
    recall_ties,
    shown_example_facts,
    superpixel_facts,
)
from reportgen.measure.facts.regions import subset_masks
from reportgen.plots.explain import lime_panels
from reportgen.questions.context import Context
from reportgen.questions.shared_runs import cnn_only
from reportgen.render.blocks import Block, Figure, Section, Table, Text
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile
from reportgen.words.text import Words, num, pct, thousands

MODULE = "q7_lime"
TITLE = "LIME per class, tied to the confusion matrix"
runs = cnn_only  # the CNN run, as ctx.runs["cnn"]


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {
        "samples": profile.lime_samples,  # perturbed images per explanation
        "segments": 50,  # SLIC's target number of superpixels
        "batch_size": 256,  # perturbed images per model call
        "seed": 0,
        "per_class": 5,  # images explained per class: the shown one and 4 drawn at random
        "top": 5,  # superpixels tinted in the figure, each way
    }


def explain(ctx: Context, positions: np.ndarray, labels: np.ndarray) -> Any:
    """LIME for the validation images at `positions`, each for its label."""
    from reportgen.measure.explain.lime_explain import lime_explain

    p = ctx.params
    return lime_explain(
        ctx.runs["cnn"].model,
        ctx.val("cnn").images[positions],
        labels,
        num_samples=p["samples"],
        batch_size=p["batch_size"],
        seed=p["seed"],
        segments=p["segments"],
    )


def quickshift_facts(images: np.ndarray, seed: int) -> dict[str, Any]:
    """How many pieces lime's default segmentation cuts the shown faces into."""
    from reportgen.measure.explain.lime_explain import default_segment_counts

    counts = default_segment_counts(images, seed)
    return {"min": min(counts), "max": max(counts), "mean": float(np.mean(counts))}


def facts_of(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    """The facts, and the arrays of the figure (images, segments, weights, maps)."""
    run, p = ctx.runs["cnn"], ctx.params
    masks, source = ctx.shared.regions(ctx.data, run)
    examples = ctx.shared.examples(run)
    positions = with_random_others(run.val_true, examples, p["per_class"], p["seed"])
    labels = run.val_true[positions]
    lime = explain(ctx, positions, labels)
    measured = subset_masks(masks, positions)
    per_class = lime_class_facts(lime.maps, labels, measured, DECIDING_REGIONS, lime.scores)
    confusion = confusion_facts(run.val_true, run.val_labels_pred)
    shown = [int(np.flatnonzero(positions == e["position"])[0]) for e in examples]
    images = ctx.val("cnn").images[positions[shown]]
    deciding = np.any([np.asarray(measured[r]) for r in DECIDING_REGIONS], axis=0)
    facts = {
        "run_key": run.key,
        **p,
        "n_explained": len(positions),
        "added_per_class": p["per_class"] - 1,
        **superpixel_facts(lime.weights, lime.scores),
        "quickshift": quickshift_facts(images, p["seed"]),
        "image_size": int(images.shape[-1]),
        "examples": shown_example_facts(
            examples,
            lime.maps[shown],
            [lime.weights[i] for i in shown],
            lime.scores[shown],
            subset_masks(measured, shown),
        ),
        "deciding": list(DECIDING_REGIONS),
        "deciding_area": float(np.mean(deciding)),
        "mask_source": source,
        "accuracy": confusion["accuracy"],
        "confused_pairs": confusion["confused_pairs"],
        "ties": recall_ties(confusion, per_class),
    }
    arrays = {"images": images, "segments": lime.segments[shown], "maps": lime.maps[shown]}
    return facts, {**arrays, "weights": [lime.weights[i] for i in shown]}


def lime_table(facts: dict[str, Any], words: Words) -> Table:
    w, names, classes = words[MODULE], words["regions"], words["classes"]
    rows = tuple(
        (
            classes[r["class"]],
            pct(r["recall"], 0),
            thousands(r["support"]),
            "–"
            if r["confused_with"] is None
            else f"{classes[r['confused_with']]} ({pct(r['confused_rate'], 0)})",
            pct(r.get("deciding_share"), 0),
            names[r["top_region"]] if r.get("top_region") else "–",
            "–" if r.get("r2") is None else num(r["r2"], 2),
        )
        for r in facts["ties"]["order"]
    )
    caption = w["table"].format(per=facts["per_class"], area=pct(facts["deciding_area"], 0))
    return Table(caption=caption, header=w["header"], rows=rows)


def figure(ctx: Context, facts: dict[str, Any], arrays: dict[str, Any]) -> Figure:
    from reportgen.measure.explain.lime_explain import lime_overlay

    words, w, top = ctx.words, ctx.words[MODULE], facts["top"]
    overlays = np.stack(
        [
            lime_overlay(img, seg, wt, top=top)
            for img, seg, wt in zip(
                arrays["images"], arrays["segments"], arrays["weights"], strict=True
            )
        ]
    )
    titles = [
        w["title"].format(cls=words["classes"][e["class"]], row=e["row"], p=num(e["confidence"], 2))
        for e in facts["examples"]
    ]
    rows = [words["plots"]["explain"][k] for k in ("image", "lime_overlay", "lime_weights")]
    path = ctx.figure_path("lime.png")
    lime_panels(arrays["images"], overlays, arrays["maps"], titles, path, row_names=rows)
    return Figure(file="lime.png", caption=w["figure"].format(top=top))


def answer(ctx: Context) -> Section:
    facts, arrays = facts_of(ctx)
    blocks: list[Block] = [
        Text(ctx.draft(facts, "method")),
        figure(ctx, facts, arrays),
        Text(ctx.draft(facts, "examples")),
        lime_table(facts, ctx.words),
        Text(ctx.draft(facts, "confusion")),
    ]
    return Section(module=MODULE, facts=facts, blocks=blocks)
