"""Filters of one convolutional layer: the image that excites each filter most (gradient
ascent, all filters in one batch), described by its spectrum, and the same layer's outputs
for one validation image."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from questions._common import draft
from questions._runs import cnn_run
from reportgen.classes import IMAGE_SIZE, class_name
from reportgen.config import Config
from reportgen.context import Context
from reportgen.errors import UserError
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec
from reportgen.sections import Figure, Section, Table, Text

if TYPE_CHECKING:
    import keras

MODULE = "q6_filters"
TITLE = "Filters of one layer: gradient ascent and feature maps"
MAX_FILTERS = 64  # shown and optimized: the first 64 filters of a wider layer
FACES = 256  # validation faces the filters' typical response is measured on
SEED = 0
GRATING_PERIOD = 6  # pixels: the reference grating for the spectrum's peak share

WORDS = {
    "en": {
        "actmax": "Gradient ascent on layer {layer}: for each of its {n} filters{of} the input "
        "image that maximizes the filter's mean output, from gray noise after {steps} steps "
        "(all filters optimized together as one batch); each image stretched to its own "
        "contrast, the filter's number above it",
        "of": " (the first {n} of {total})",
        "maps": "Outputs of layer {layer} for one validation image ({cls}, index {row}, on the "
        "left): the {n} filters' feature maps after {act}, each scaled to its own "
        "maximum (dark = no response)",
        "table": "The filters of {layer} by the dominant orientation and spatial frequency of "
        "their gradient-ascent images (peak of the 2-D spectrum; low: period over 8 pixels, "
        "mid: 4–8 pixels, high: under 4 pixels)",
        "orientation": "Orientation",
        "total": "Total",
        "orient_names": {
            "horizontal": "Horizontal (—)",
            "diagonal_up": "Diagonal (/)",
            "vertical": "Vertical (|)",
            "diagonal_down": "Diagonal (\\)",
        },
        "freq_names": {"low": "Low", "mid": "Mid", "high": "High"},
        "input": "input",
    },
    "zh": {
        "actmax": "對 {layer} 做 gradient ascent：每個 filter{of}各自找出讓它平均輸出最大的輸入圖片，"
        "從灰色雜訊開始更新 {steps} 步（{n} 個 filter 放在同一個 batch 一起最佳化）；"
        "每張圖各自拉伸對比，上方數字是 filter 編號",
        "of": "（{total} 個中的前 {n} 個）",
        "maps": "{layer} 對一張驗證集圖片（{cls}，index {row}，左側）的輸出："
        "{n} 個 filter 經過 {act} 之後的 feature map，每張各自以最大值縮放（越暗代表沒有反應）",
        "table": "{layer} 的 filter 依其 gradient ascent 圖片的主要方向與空間頻率分類"
        "（取 2-D 頻譜的峰值；低頻：週期大於 8 像素，中頻：4–8 像素，高頻：小於 4 像素）",
        "orientation": "方向",
        "total": "合計",
        "orient_names": {
            "horizontal": "水平（—）",
            "diagonal_up": "斜向（/）",
            "vertical": "垂直（|）",
            "diagonal_down": "斜向（\\）",
        },
        "freq_names": {"low": "低頻", "mid": "中頻", "high": "高頻"},
        "input": "輸入",
    },
}


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config)}


def conv_layers(model: keras.Model) -> list[str]:
    import keras

    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def filter_layer(model: keras.Model, configured: str) -> str:
    """explain.filter_layer from the config (checked), else the library's middle conv layer."""
    from reportgen.explain import default_filter_layer

    if not configured:
        return default_filter_layer(model)
    names = conv_layers(model)
    if configured not in names:
        raise UserError(
            f"explain.filter_layer {configured!r} is not a convolutional layer of the CNN "
            f"(choose one of {', '.join(names)})"
        )
    return configured


def mean_responses(model: keras.Model, layer: str, images: np.ndarray) -> np.ndarray:
    """The named layer's output averaged over space, rectified: (N, filters)."""
    import keras

    cut = keras.Model(model.inputs[0], model.get_layer(layer).output)
    x = np.asarray(images, dtype=np.float32)[..., None]
    out = np.concatenate(
        [np.asarray(cut(x[s : s + 128], training=False)) for s in range(0, len(x), 128)]
    )
    return np.maximum(out, 0.0).mean(axis=(1, 2))


def facts_of(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    """The facts and the arrays the figures need (actmax, maps, image, filters).

    Keys: run_key, layer (its name), layer_position / n_conv, configured, output_shape,
    kernel_size, total_filters, shown_filters, steps; response_layer (the conv block's
    output, after batch norm and ReLU: where the activations are read); spectrum (spectrum_facts of the gradient-ascent images),
    grating_peak_share (a clean grating's score, the yardstick); gain (gain_facts), faces
    (how many validation faces the typical response is averaged over); example (the input
    of the feature maps: q5's most confident example), mask_source, feature_maps
    (feature_map_facts), map_size."""
    from skimage.transform import resize

    from reportgen.explain import (
        feature_maps,
        filter_spectrum_stats,
        maximize_filters,
    )
    from reportgen.facts.explain import (
        choose_examples,
        feature_map_facts,
        gain_facts,
        region_masks,
        spectrum_facts,
        subset_masks,
    )

    run = ctx.runs["cnn"]
    model = run.model
    layer = filter_layer(model, ctx.config.explain.filter_layer)
    convs = conv_layers(model)
    conv = model.get_layer(layer)
    total = int(conv.filters)
    filters = np.arange(min(total, MAX_FILTERS))
    result = maximize_filters(
        model, layer, filters=filters, steps=ctx.profile.actmax_steps, seed=SEED
    )
    stats = filter_spectrum_stats(result.images)
    # What a clean grating scores on the same measure: the yardstick for peak_share.
    rows = np.arange(IMAGE_SIZE, dtype=np.float64)[:, None] * np.ones((1, IMAGE_SIZE))
    grating = 127.5 + 100 * np.sin(2 * np.pi * rows / GRATING_PERIOD)
    clean = float(filter_spectrum_stats(grating[None]).peak_share[0])

    # The block's output (after batch norm and ReLU): where maximize_filters reads the
    # activations, and what the feature maps show.
    act = result.block[-1]
    val = ctx.val("cnn")
    rng = np.random.default_rng(SEED)
    faces = val.images[np.sort(rng.permutation(len(val))[:FACES])]
    on_faces = mean_responses(model, act, faces).mean(axis=0)[filters]

    # The input for the feature maps: the most confident of q5's examples.
    examples = [
        e for e in choose_examples(run.val_pred, run.val_true, run.val_index) if e["correct"]
    ]
    if not examples:
        examples = choose_examples(run.val_pred, run.val_true, run.val_index)
    example = max(examples, key=lambda e: (e["confidence"], -e["class"]))
    image = val.images[example["position"]]
    maps = feature_maps(model, image, act)[filters]
    big = np.stack([resize(m, (IMAGE_SIZE, IMAGE_SIZE), order=1, mode="edge") for m in maps])
    masks, source = region_masks(ctx.val_masks("cnn"))
    one = subset_masks(masks, [example["position"]])

    shape = [int(d) for d in conv.output.shape[1:]]
    facts = {
        "run_key": run.key,
        "layer": layer,
        "layer_position": convs.index(layer) + 1,
        "n_conv": len(convs),
        "configured": bool(ctx.config.explain.filter_layer),
        "output_shape": shape,
        "kernel_size": [int(k) for k in conv.kernel_size],
        "total_filters": total,
        "shown_filters": len(filters),
        "steps": ctx.profile.actmax_steps,
        "response_layer": act,
        "spectrum": spectrum_facts(stats.orientation_deg, stats.frequency, stats.peak_share),
        "grating_peak_share": clean,
        "gain": gain_facts(filters, result.activation_start, result.activation_end, on_faces),
        "faces": len(faces),
        "example": example,
        "mask_source": source,
        "feature_maps": feature_map_facts(big, one, filters),
        "map_size": [int(d) for d in maps.shape[1:]],
    }
    return facts, {"actmax": result.images, "maps": maps, "image": image, "filters": filters}


def spectrum_table(facts: dict[str, Any], lang: str) -> Table:
    from reportgen.facts.explain import FREQUENCIES, ORIENTATIONS

    w = WORDS[lang]
    spec = facts["spectrum"]
    header = (w["orientation"], *(w["freq_names"][f] for f in FREQUENCIES), w["total"])
    rows = tuple(
        (
            w["orient_names"][o],
            *(str(spec["cells"][o][f]) for f in FREQUENCIES),
            str(spec["by_orientation"][o]),
        )
        for o in ORIENTATIONS
    )
    footer = ((w["total"], *(str(spec["by_frequency"][f]) for f in FREQUENCIES), str(spec["n"])),)
    return Table(
        caption=w["table"].format(layer=facts["layer"]), header=header, rows=rows, footer=footer
    )


def answer(ctx: Context) -> Section:
    from reportgen.plots.explain import image_grid

    facts, arrays = facts_of(ctx)
    w = WORDS[ctx.lang]
    layer, n = facts["layer"], facts["shown_filters"]
    titles = [str(int(k)) for k in arrays["filters"]]
    image_grid(arrays["actmax"], titles, ctx.figure_path("filters.png"), cmap="gray")
    image_grid(
        arrays["maps"],
        titles,
        ctx.figure_path("feature_maps.png"),
        cmap="viridis",
        scale="max",
        first=arrays["image"],
        first_title=w["input"],
    )
    of = w["of"].format(n=n, total=facts["total_filters"]) if n < facts["total_filters"] else ""
    ex = facts["example"]
    blocks: list[Any] = [
        Text(draft(ctx, MODULE, {**facts, "part": "actmax"})),
        Figure(
            file="filters.png",
            caption=w["actmax"].format(layer=layer, n=n, of=of, steps=facts["steps"]),
        ),
        spectrum_table(facts, ctx.lang),
        Text(draft(ctx, MODULE, {**facts, "part": "spectrum"})),
        Text(draft(ctx, MODULE, {**facts, "part": "maps"})),
        Figure(
            file="feature_maps.png",
            caption=w["maps"].format(
                layer=layer,
                cls=class_name(ex["class"], ctx.lang),
                row=ex["row"],
                n=n,
                act=facts["response_layer"],
            ),
        ),
    ]
    return Section(module=MODULE, facts=facts, blocks=blocks)
