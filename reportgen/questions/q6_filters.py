"""Filters of one convolutional layer: the image that excites each filter most (gradient
ascent, all filters in one batch), described by its spectrum, and the same layer's outputs
for one validation image."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from reportgen.data.classes import IMAGE_SIZE
from reportgen.errors import UserError
from reportgen.measure.facts.examples import most_confident
from reportgen.measure.facts.filters import (
    FREQUENCIES,
    ORIENTATIONS,
    feature_map_facts,
    filters_verdicts,
    gain_facts,
    spectrum_facts,
)
from reportgen.measure.facts.regions import subset_masks
from reportgen.measure.facts.training import pixel_range
from reportgen.plots.explain import image_grid
from reportgen.questions.context import Context, Page
from reportgen.questions.measured import Measured
from reportgen.questions.shared_runs import cnn_only
from reportgen.render.blocks import Block, Figure, Section, Table, Text
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile
from reportgen.words.text import Words

MODULE = "q6_filters"
TITLE = "Filters of one layer: gradient ascent and feature maps"
runs = cnn_only  # the CNN run, as ctx.runs["cnn"]


def params(profile: Profile, config: Config) -> dict[str, Any]:
    return {
        "filter_layer": config.explain.filter_layer,  # empty: a middle conv layer
        "steps": profile.actmax_steps,
        "max_filters": 64,  # shown and optimized: the first 64 filters of a wider layer
        "faces": 256,  # validation faces the filters' typical response is measured on
        "seed": 0,
        "grating_period": 6,  # pixels: the clean grating that is the peak share's yardstick
    }


def filter_layer(model: Any, configured: str) -> str:
    """explain.filter_layer from the config (checked), else the library's middle conv layer."""
    from reportgen.measure.explain.actmax import default_filter_layer
    from reportgen.measure.explain.model import conv_layer_names

    if not configured:
        return default_filter_layer(model)
    names = conv_layer_names(model)
    if configured not in names:
        raise UserError(
            f"explain.filter_layer {configured!r} is not a convolutional layer of the CNN "
            f"(choose one of {', '.join(names)})"
        )
    return configured


def grating_peak_share(period: int) -> float:
    """What a clean horizontal sine grating scores on the spectrum's peak share."""
    from reportgen.measure.explain.actmax import filter_spectrum_stats

    rows = np.arange(IMAGE_SIZE, dtype=np.float64)[:, None] * np.ones((1, IMAGE_SIZE))
    grating = 127.5 + 100 * np.sin(2 * np.pi * rows / period)
    return float(filter_spectrum_stats(grating[None]).peak_share[0])


def mean_responses(model: Any, layer: str, images: np.ndarray) -> np.ndarray:
    """The named layer's output averaged over space, rectified: (N, filters)."""
    from reportgen.measure.explain.model import batches, sub_model

    cut = sub_model(model, [layer])
    x = np.asarray(images, dtype=np.float32)[..., None]
    out = np.concatenate([np.asarray(cut(x[s], training=False)) for s in batches(len(x), 128)])
    return np.maximum(out, 0.0).mean(axis=(1, 2))


def ascent_facts(ctx: Context, layer: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Gradient ascent on the layer's first filters: the spectra of their images, how far
    it drove them (against their mean response on validation faces); and the arrays."""
    from reportgen.measure.explain.actmax import filter_spectrum_stats, maximize_filters
    from reportgen.measure.explain.model import ends_in_nonlinearity

    p, model = ctx.params, ctx.runs["cnn"].model
    total = int(model.get_layer(layer).filters)
    filters = np.arange(min(total, p["max_filters"]))
    result = maximize_filters(model, layer, filters=filters, steps=p["steps"], seed=p["seed"])
    stats = filter_spectrum_stats(result.images)
    act = result.block[-1]  # the block's output: after batch norm and ReLU in ours
    val = ctx.val("cnn")
    drawn = np.random.default_rng(p["seed"]).permutation(len(val))[: p["faces"]]
    faces = val.images[np.sort(drawn)]
    on_faces = mean_responses(model, act, faces).mean(axis=0)[filters]
    facts = {
        "total_filters": total,
        "shown_filters": len(filters),
        "steps": p["steps"],
        "response_layer": act,
        "response_relu": ends_in_nonlinearity(model, result.block),
        "spectrum": spectrum_facts(stats.orientation_deg, stats.frequency, stats.peak_share),
        "grating_peak_share": grating_peak_share(p["grating_period"]),
        "gain": gain_facts(filters, result.activation_start, result.activation_end, on_faces),
        "faces": len(faces),
        "pixel_range": pixel_range(val.images),
    }
    return facts, {"actmax": result.images, "filters": filters}


def feature_map_part(ctx: Context, act: str, filters: np.ndarray) -> tuple[dict, dict]:
    """The layer's outputs for the image the model is surest about among q5's examples:
    the facts (example, mask_source, feature_maps, map_size, image_size) and the arrays."""
    from skimage.transform import resize

    from reportgen.measure.explain.feature_maps import feature_maps

    run = ctx.runs["cnn"]
    example = most_confident(ctx.shared.examples(run))
    image = ctx.val("cnn").images[example["position"]]
    maps = feature_maps(run.model, image, act)[filters]
    big = np.stack([resize(m, (IMAGE_SIZE, IMAGE_SIZE), order=1, mode="edge") for m in maps])
    masks, source = ctx.shared.regions(ctx.data, run)
    facts = {
        "example": example,
        "mask_source": source,
        "feature_maps": feature_map_facts(big, subset_masks(masks, [example["position"]]), filters),
        "map_size": [int(d) for d in maps.shape[1:]],
        "image_size": IMAGE_SIZE,
    }
    return facts, {"maps": maps, "image": image}


def measure(ctx: Context) -> Measured:
    """The facts of the layer, the ascent and the feature maps, their verdicts
    (filters_verdicts), and the arrays of the figures: actmax, filters, maps, image."""
    from reportgen.measure.explain.model import conv_layer_names

    model = ctx.runs["cnn"].model
    layer = filter_layer(model, ctx.params["filter_layer"])
    convs = conv_layer_names(model)
    conv = model.get_layer(layer)
    ascent, arrays = ascent_facts(ctx, layer)
    maps, map_arrays = feature_map_part(ctx, ascent["response_layer"], arrays["filters"])
    facts = {
        "run_key": ctx.runs["cnn"].key,
        "layer": layer,
        "layer_position": convs.index(layer) + 1,
        "n_conv": len(convs),
        "configured": bool(ctx.params["filter_layer"]),
        "output_shape": [int(d) for d in conv.output.shape[1:]],
        "kernel_size": [int(k) for k in conv.kernel_size],
        **ascent,
        **maps,
    }
    return Measured(MODULE, facts, filters_verdicts(facts), {**arrays, **map_arrays})


def spectrum_table(facts: Mapping[str, Any], w: Words) -> Table:
    spec = facts["spectrum"]
    header = (w["orientation"], *(w["frequencies"][f] for f in FREQUENCIES), w["total"])
    rows = tuple(
        (
            w["orientations"][o],
            *(str(spec["cells"][o][f]) for f in FREQUENCIES),
            str(spec["by_orientation"][o]),
        )
        for o in ORIENTATIONS
    )
    footer = ((w["total"], *(str(spec["by_frequency"][f]) for f in FREQUENCIES), str(spec["n"])),)
    caption = w["table"].format(
        layer=facts["layer"], low=spec["low_period"], high=spec["high_period"]
    )
    return Table(caption=caption, header=header, rows=rows, footer=footer)


def filters_figure(measured: Measured, page: Page) -> Figure:
    """The gradient-ascent images, each titled with its filter's number."""
    facts, arrays, w = measured.facts, measured.arrays, page.words[MODULE]
    titles = [str(int(k)) for k in arrays["filters"]]
    image_grid(arrays["actmax"], titles, page.figure_path("filters.png"), cmap="gray")
    n, total, spec = facts["shown_filters"], facts["total_filters"], facts["spectrum"]
    subset = measured.verdicts["subset"].name == "yes"
    of = w["of"].format(n=n, total=total) if subset else ""
    caption = w["actmax"].format(layer=facts["layer"], n=n, of=of, steps=facts["steps"])
    alt = w["alt_actmax"].format(
        n=n,
        layer=facts["layer"],
        orientation=w["orientations_in_text"][spec["top_orientation"]],
        k=spec["by_orientation"][spec["top_orientation"]],
        frequency=w["frequencies_in_text"][spec["top_frequency"]],
        m=spec["by_frequency"][spec["top_frequency"]],
    )
    return Figure(file="filters.png", caption=caption, alt=alt)


def maps_figure(measured: Measured, page: Page) -> Figure:
    """The layer's feature maps for one image, the image on the left."""
    facts, arrays, words = measured.facts, measured.arrays, page.words
    w, ex, fm = words[MODULE], facts["example"], facts["feature_maps"]
    image_grid(
        arrays["maps"],
        [str(int(k)) for k in arrays["filters"]],
        page.figure_path("feature_maps.png"),
        cmap="viridis",
        scale="max",
        first=arrays["image"],
        first_title=w["input"],
    )
    cls, n = words["classes"][ex["class"]], facts["shown_filters"]
    caption = w["maps"].format(
        layer=facts["layer"], cls=cls, row=ex["row"], n=n, act=facts["response_layer"]
    )
    alt = w["alt_maps"].format(
        n=n, layer=facts["layer"], cls=cls, active=fm["active"], tuned=fm["face_tuned"]
    )
    return Figure(file="feature_maps.png", caption=caption, alt=alt)


def present(measured: Measured, page: Page) -> Section:
    blocks: list[Block] = [
        Text(page.draft(measured, "actmax")),
        filters_figure(measured, page),
        spectrum_table(measured.facts, page.words[MODULE]),
        Text(page.draft(measured, "spectrum")),
        Text(page.draft(measured, "maps")),
        maps_figure(measured, page),
    ]
    return Section(module=MODULE, facts=dict(measured.facts), blocks=blocks)
