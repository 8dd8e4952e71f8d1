"""LIME per class on the saliency question's images, tied to the confusion matrix of the same
run: where the evidence for each class lies, against how well the class is recognized."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from reportgen.measure.explain.regions import DECIDING_REGIONS
from reportgen.measure.facts.confusion import confusion_facts
from reportgen.measure.facts.examples import with_random_others
from reportgen.measure.facts.lime import (
    lime_class_facts,
    lime_verdicts,
    recall_ties,
    shown_example_facts,
    superpixel_facts,
)
from reportgen.measure.facts.regions import subset_masks
from reportgen.plots.explain import lime_panels
from reportgen.questions.context import Context, Page
from reportgen.questions.measured import Measured
from reportgen.questions.shared_runs import cnn_only
from reportgen.render.blocks import Block, Figure, Section, Table, Text
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile
from reportgen.words.text import Words, num, pct, thousands

if TYPE_CHECKING:
    from reportgen.measure.explain.lime_explain import LimeResult

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


def explain(ctx: Context, positions: np.ndarray, labels: np.ndarray) -> LimeResult:
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


def measure(ctx: Context) -> Measured:
    """LIME of each class's shown image and of per_class - 1 more drawn at random, its facts
    per class beside the run's recall, and the verdicts. Arrays: the shown images, their
    overlays (lime_overlay: the `top` superpixels for and against the class tinted) and
    their LIME maps (each pixel its superpixel's weight)."""
    from reportgen.measure.explain.lime_explain import lime_overlay

    run, p = ctx.runs["cnn"], ctx.params
    examples = ctx.shared.examples(run)
    positions = with_random_others(run.val_true, examples, p["per_class"], p["seed"])
    lime = explain(ctx, positions, run.val_true[positions])
    shown = [int(np.flatnonzero(positions == e["position"])[0]) for e in examples]
    images = ctx.val("cnn").images[positions[shown]]
    facts = {
        "run_key": run.key,
        **p,
        "n_explained": len(positions),
        "added_per_class": p["per_class"] - 1,
        **superpixel_facts(lime.weights, lime.scores),
        "quickshift": quickshift_facts(images, p["seed"]),
        "image_size": int(images.shape[-1]),
        **lime_region_facts(ctx, positions, lime, examples, shown),
    }
    overlays = [
        lime_overlay(images[i], lime.segments[k], lime.weights[k], top=p["top"])
        for i, k in enumerate(shown)
    ]
    arrays = {"images": images, "overlays": np.stack(overlays), "maps": lime.maps[shown]}
    return Measured(MODULE, facts, lime_verdicts(facts), arrays)


def lime_region_facts(
    ctx: Context, positions: np.ndarray, lime: LimeResult, examples: list[dict], shown: list[int]
) -> dict[str, Any]:
    """Where LIME's weight lies among the face regions: the shown examples (each with its
    densest region), the deciding regions' area, the mask source, and the classes by recall
    beside their LIME facts (recall_ties)."""
    run = ctx.runs["cnn"]
    masks, source = ctx.shared.regions(ctx.data, run)
    labels = run.val_true[positions]
    measured = subset_masks(masks, positions)
    per_class = lime_class_facts(lime.maps, labels, measured, DECIDING_REGIONS, lime.scores)
    confusion = confusion_facts(run.val_true, run.val_labels_pred)
    deciding = np.any([np.asarray(measured[r]) for r in DECIDING_REGIONS], axis=0)
    return {
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


def lime_table(facts: Mapping[str, Any], words: Words) -> Table:
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


def figure(measured: Measured, page: Page) -> Figure:
    """The shown images, their LIME overlays and weight maps, a column per class."""
    facts, arrays = measured.facts, measured.arrays
    words, w = page.words, page.words[MODULE]
    titles = [
        w["title"].format(cls=words["classes"][e["class"]], row=e["row"], p=num(e["confidence"], 2))
        for e in facts["examples"]
    ]
    rows = [words["plots"]["explain"][k] for k in ("image", "lime_overlay", "lime_weights")]
    path = page.figure_path("lime.png")
    lime_panels(arrays["images"], arrays["overlays"], arrays["maps"], titles, path, row_names=rows)
    caption = w["figure"].format(top=facts["top"])
    return Figure(file="lime.png", caption=caption, alt=figure_alt(facts, words))


def figure_alt(facts: Mapping[str, Any], words: Words) -> str:
    """The figure's alt text: what it shows, and the region most of the shown classes'
    positive weight is densest on (where there is one)."""
    w, n = words[MODULE], len(facts["examples"])
    alt = w["alt"].format(n=n, top=facts["top"], r2=num(facts["r2"], 2))
    tops = Counter(e["top_region"] for e in facts["examples"] if e["top_region"])
    if not tops:
        return alt
    region, k = tops.most_common(1)[0]
    return alt + w["alt_region"].format(region=words["regions_in_text"][region], k=k, n=n)


def present(measured: Measured, page: Page) -> Section:
    blocks: list[Block] = [
        Text(page.draft(measured, "method")),
        figure(measured, page),
        Text(page.draft(measured, "examples")),
        lime_table(measured.facts, page.words),
        Text(page.draft(measured, "confusion")),
    ]
    return Section(module=MODULE, facts=dict(measured.facts), blocks=blocks)
