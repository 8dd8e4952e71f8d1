"""Helpers shared by the question modules: a model's layer table, one run's training set-up
and results as plain facts, and the draft text (a prose template rendered with the facts,
its soft line breaks joined the way each language wants)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np

from reportgen.context import Context
from reportgen.runs.run import Run
from reportgen.runs.spec import AugmentSpec
from reportgen.sections import Table

_NUMBERED = re.compile(r"^\d+[.)] ")
TABLE_WORDS = {
    "en": {
        "header": ("Layer", "Type", "Output shape", "Parameters"),
        "trainable": "Trainable params",
        "non_trainable": "Non-trainable params",
        "total": "Total params",
    },
    "zh": {
        "header": ("層名稱", "類型", "輸出形狀", "參數量"),
        "trainable": "可訓練參數",
        "non_trainable": "不可訓練參數",
        "total": "總參數量",
    },
}


def shape_text(shape: Any) -> str:
    """Keras' way: (None, 48, 48, 8)."""
    return "(" + ", ".join("None" if d is None else str(int(d)) for d in shape) + ")"


def layer_rows(model: Any) -> list[dict[str, Any]]:
    """Every layer of the model in order: name, type, output shape, parameters."""
    return [
        {
            "name": layer.name,
            "type": type(layer).__name__,
            "output_shape": shape_text(layer.output.shape),
            "params": int(layer.count_params()),
        }
        for layer in model.layers
    ]


def layer_table(
    rows: list[dict[str, Any]], params: dict[str, int], lang: str, caption: str
) -> Table:
    words = TABLE_WORDS[lang]
    return Table(
        caption=caption,
        header=words["header"],
        rows=tuple((r["name"], r["type"], r["output_shape"], f"{r['params']:,}") for r in rows),
        footer=tuple(
            (words[k], "", "", f"{params[k]:,}") for k in ("trainable", "non_trainable", "total")
        ),
    )


def architecture_facts(rows: list[dict[str, Any]], model: Any) -> dict[str, Any]:
    """What the layer list says in numbers: conv filters, pooling, dense widths, dropout rates
    (those before the Flatten follow conv blocks, those after it dense layers)."""
    import keras

    layers = list(model.layers)
    flat = next((i for i, lyr in enumerate(layers) if isinstance(lyr, keras.layers.Flatten)), 0)
    convs = [lyr for lyr in layers if isinstance(lyr, keras.layers.Conv2D)]
    pools = [lyr for lyr in layers if isinstance(lyr, keras.layers.MaxPooling2D)]
    dense = [lyr for lyr in layers if isinstance(lyr, keras.layers.Dense) and lyr.name != "logits"]

    def rates(part: list[Any]) -> list[float]:
        return [round(float(lyr.rate), 4) for lyr in part if isinstance(lyr, keras.layers.Dropout)]

    last_map = pools[-1].output.shape[1:] if pools else None
    return {
        "n_layers": len(rows),
        "n_conv": len(convs),
        "conv_filters": [int(c.filters) for c in convs],
        "kernel_size": [int(k) for k in convs[0].kernel_size] if convs else None,
        "n_pool": len(pools),
        "feature_map": [int(d) for d in last_map] if last_map is not None else None,
        "flatten_units": int(layers[flat].output.shape[-1]) if flat else None,
        "n_batch_norm": sum(r["type"] == "BatchNormalization" for r in rows),
        "hidden_units": [int(d.units) for d in dense],
        "conv_dropouts": rates(layers[:flat]),
        "dense_dropouts": rates(layers[flat:]),
    }


def normalization_stats(run: Run, ctx: Context) -> tuple[float, float] | None:
    """The training set's pixel mean and std the run normalizes with: from the model's
    "normalize" layer, else recomputed from the training rows (all rows not held out)."""
    if not run.spec.normalize:
        return None
    try:
        layer = run.model.get_layer("normalize")
        mean = float(np.asarray(layer.mean).ravel()[0])
        std = float(np.sqrt(np.asarray(layer.variance).ravel()[0]))
        return mean, std
    except (ValueError, AttributeError, IndexError):
        keep = np.ones(len(ctx.data.train), dtype=bool)
        keep[run.val_index] = False
        x = ctx.data.train.images[keep]
        return float(x.mean()), float(x.std()) or 1.0


def augment_facts(spec: AugmentSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {
        "flip": spec.flip,
        "shift": spec.shift,
        "shift_pixels": round(spec.shift * 48, 1),
        "rotation_degrees": spec.rotation_degrees,
        "zoom": spec.zoom,
    }


def setup_facts(run: Run, ctx: Context) -> dict[str, Any]:
    """How the run was trained, from its spec and model."""
    spec = run.spec
    stats = normalization_stats(run, ctx)
    lr = run.history.get("lr") or [spec.learning_rate]
    return {
        "optimizer": "Adam" if spec.optimizer == "adam" else spec.optimizer,
        "learning_rate": spec.learning_rate,
        "schedule": spec.schedule,
        "final_learning_rate": float(lr[-1]),
        "loss_name": "sparse categorical cross-entropy",
        "batch_size": spec.batch_size,
        "max_epochs": spec.epochs,
        "patience": getattr(spec, "patience", None),
        "seed": spec.seed,
        "batch_norm": spec.model.batch_norm,
        "normalize": spec.normalize,
        "norm_mean": stats[0] if stats else None,
        "norm_std": stats[1] if stats else None,
        "augment": augment_facts(spec.augment),
        "val_fraction": spec.val_fraction,
    }


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a table cell: 0.1234 -> "12.3%", None -> "–"."""
    return "–" if value is None else f"{100 * value:.{digits}f}%"


REGION_TABLE_WORDS = {
    "en": {
        "class": "Class",
        "images": "Images",
        "dominant": "Largest share",
        "focus": "Densest (share / area)",
        "area": "Area share",
    },
    "zh": {
        "class": "類別",
        "images": "張數",
        "dominant": "比例最高",
        "focus": "最集中（比例／面積）",
        "area": "面積比例",
    },
}


def region_share_table(
    facts: dict[str, Any], lang: str, caption: str, pointing_header: str | None = None
) -> Table:
    """Per class (facts["per_class"], from per_class_regions): the share of a map's mass in each
    face region and outside them, the region with the largest share and the densest one; the
    footer row is each region's share of the image area. With `pointing_header`, a last column
    holds each class's pointing-game rate and the footer its chance level."""
    from reportgen.classes import REGION_NAMES, class_name
    from reportgen.data.types import REGIONS

    w = REGION_TABLE_WORDS[lang]
    names = REGION_NAMES[lang]
    pointing = pointing_header is not None
    header = (
        w["class"],
        w["images"],
        *(names[r] for r in REGIONS),
        names["rest"],
        w["dominant"],
        w["focus"],
        *((pointing_header,) if pointing else ()),
    )
    rows = tuple(
        (
            class_name(c["class"], lang),
            f"{c['n']:,}",
            *(percent(c["shares"][r]) for r in REGIONS),
            percent(c["rest"]),
            names[c["dominant"]],
            f"{names[c['focus']]} ×{c['focus_lift']:.1f}" if c["focus"] else "–",
            *((percent(c["pointing"]),) if pointing else ()),
        )
        for c in facts["per_class"]
    )
    area = facts["area"]
    footer = (
        (
            w["area"],
            "",
            *(percent(area[r]) for r in REGIONS),
            percent(1 - facts["face_area"]),
            "",
            "",
            *((percent(facts["pointing_chance"]),) if pointing else ()),
        ),
    )
    return Table(caption=caption, header=header, rows=rows, footer=footer)


def test_set_order(name: str) -> tuple[int, str]:
    """Kaggle's PublicTest before its PrivateTest, then any other test set by name."""
    return ({"PublicTest": 0, "PrivateTest": 1}.get(name, 2), name)


def result_facts(run: Run, ctx: Context) -> dict[str, Any]:
    """What the run measured: accuracies, time, device, and its history read (history_facts)."""
    m = run.metrics
    tests = m.get("test_accuracy") or {}
    return {
        "val_accuracy": float(m["val_accuracy"]),
        "val_loss": float(m["val_loss"]),
        "best_epoch": int(m["best_epoch"]),
        "epochs_run": int(m["epochs_run"]),
        "stopped_early": bool(m["stopped_early"]),
        "train_seconds": float(m["train_seconds"]),
        "seconds_per_epoch": float(m["seconds_per_epoch"]),
        "params": {k: int(v) for k, v in m["params"].items()},
        "device": str(m["device"]),
        "precision": str(m["precision"]),
        "n_train": int(m.get("n_train", len(ctx.data.train) - len(run.val_true))),
        "n_val": int(m.get("n_val", len(run.val_true))),
        "test_accuracy": [
            {"name": k, "accuracy": float(tests[k])} for k in sorted(tests, key=test_set_order)
        ],
    }


def _joins_previous(line: str) -> bool:
    """Whether a template line continues the paragraph above (not a list item or table row)."""
    s = line.lstrip()
    return bool(s) and not s.startswith(("- ", "* ", "|", "#")) and not _NUMBERED.match(s)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def join_lines(markdown: str, lang: str) -> str:
    """Joins the template's soft line breaks inside a paragraph: with nothing next to a
    Chinese character or full-width punctuation (a line break there would print as a space),
    with a space between Latin words. Blank lines (paragraphs), list items and table rows are
    kept."""
    out: list[str] = []
    for line in markdown.splitlines():
        if out and out[-1].strip() and _joins_previous(line):
            prev, nxt = out[-1].rstrip(), line.strip()
            glue = "" if lang == "zh" and (_wide(prev[-1]) or _wide(nxt[0])) else " "
            out[-1] = prev + glue + nxt
        else:
            out.append(line.rstrip())
    return "\n".join(out).strip() + "\n"


def draft(ctx: Context, template: str, facts: dict[str, Any]) -> str:
    """The module's prose template rendered with its facts, soft line breaks joined."""
    return join_lines(ctx.write(template, facts), ctx.lang)
