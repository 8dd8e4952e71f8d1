"""What LIME (reportgen.measure.explain.lime_explain) says per class, in numbers, and how that lines
up with the class's recall in the confusion matrix of the same run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from reportgen.data.classes import NUM_CLASSES
from reportgen.measure.explain.metrics import mass_shares
from reportgen.measure.explain.regions import union
from reportgen.measure.facts.regions import (
    Masks,
    area_shares,
    finite,
    focus_region,
    region_shares,
    subset_masks,
)

# A difference in the deciding regions' share of the positive weight smaller than this is
# within what a handful of explained images per class can tell apart.
DECIDING_MARGIN = 0.05


def lime_class_facts(
    maps: np.ndarray,
    labels: np.ndarray,
    masks: Masks,
    deciding: Sequence[str],
    scores: np.ndarray,
) -> list[dict[str, Any]]:
    """Per class, from LIME maps (each pixel its superpixel's signed weight for the image's
    own class): `deciding_share`, the mean share of the positive weight that lies on the
    deciding regions; `deciding_area`, the share of the image those regions cover (what an
    even spread gives); `top_region`, the region where the positive weight is densest
    (largest share / area share; `top_region_share` its share, `top_region_lift` the ratio);
    `positive`, the mean sum of positive superpixel weight per image (probability
    the evidence adds), `r2` the mean fit of LIME's local model; `n` images."""
    maps = np.asarray(maps, dtype=np.float64)
    labels = np.asarray(labels)
    scores = np.asarray(scores, dtype=np.float64)
    out = []
    for cls in range(NUM_CLASSES):
        idx = np.flatnonzero(labels == cls)
        if len(idx):
            out.append(_class_facts(cls, idx, maps, masks, deciding, scores))
    return out


def _class_facts(
    cls: int,
    idx: np.ndarray,
    maps: np.ndarray,
    masks: Masks,
    deciding: Sequence[str],
    scores: np.ndarray,
) -> dict[str, Any]:
    """lime_class_facts of one class, from the indices of its images."""
    pos = np.maximum(maps[idx], 0.0)
    m = subset_masks(masks, idx)
    decide = union(m, deciding)
    shares = mass_shares(pos, decide)
    regions = region_shares(pos, m)
    top, top_lift = focus_region(regions["shares"], area_shares(m))
    return {
        "class": cls,
        "n": len(idx),
        "deciding_share": finite(np.nanmean(shares)) if np.isfinite(shares).any() else None,
        "deciding_area": float(np.mean(decide)),
        "top_region": top,
        "top_region_share": regions["shares"].get(top) if top else None,
        "top_region_lift": top_lift,
        "positive": float(np.mean([_positive_weight(maps[i]) for i in idx]) if len(idx) else 0.0),
        "r2": finite(scores[idx].mean()),
    }


def _positive_weight(lime_map: np.ndarray) -> float:
    """Sum of the positive superpixel weights of one LIME map (each weight counted once)."""
    values = np.unique(lime_map)
    return float(values[values > 0].sum())


def recall_ties(
    confusion: Mapping[str, Any], lime: Sequence[Mapping[str, Any]], n_ends: int = 2
) -> dict[str, Any]:
    """The classes ordered by recall (best first, classes without images left out), each with
    its recall, the class it is most often mistaken for and how often, and its LIME facts;
    the `n_ends` best and worst; whether the best classes put more of their positive LIME
    weight on the deciding regions than the worst by more than DECIDING_MARGIN
    (`best_more_deciding`; `deciding_gap` the difference), the mean deciding
    share and positive weight of each group; the Spearman
    correlation of recall and deciding share over the classes (None under 3 classes)."""
    matrix = np.asarray(confusion["matrix"], dtype=np.float64)
    support = confusion["support"]
    by_class = {int(c["class"]): c for c in lime}
    rows = [
        _recall_row(cls, matrix, support, by_class.get(cls))
        for cls in range(matrix.shape[0])
        if support[cls]
    ]
    rows.sort(key=lambda r: (-r["recall"], r["class"]))
    k = min(n_ends, len(rows) // 2)
    best = rows[:k]
    worst = rows[len(rows) - k :][::-1] if k else []
    best_share, worst_share = _mean_of(best, "deciding_share"), _mean_of(worst, "deciding_share")
    gap = None if best_share is None or worst_share is None else best_share - worst_share
    return {
        "order": rows,
        "best": best,
        "worst": worst,
        "best_deciding_share": best_share,
        "worst_deciding_share": worst_share,
        "best_positive": _mean_of(best, "positive"),
        "worst_positive": _mean_of(worst, "positive"),
        "deciding_gap": gap,
        "deciding_margin": DECIDING_MARGIN,
        "best_more_deciding": None if gap is None else gap > DECIDING_MARGIN,
        "spearman": _recall_deciding_rho(rows),
    }


def _recall_row(
    cls: int, matrix: np.ndarray, support: Sequence[int], lime_facts: Mapping[str, Any] | None
) -> dict[str, Any]:
    """recall_ties' entry of one class: its recall, the class it is most mistaken for, and
    its LIME facts (when it has any)."""
    off = matrix[cls].copy()
    off[cls] = -1.0
    partner = int(np.argmax(off))
    entry = {
        "class": cls,
        "recall": float(matrix[cls, cls]),
        "miss_rate": 1.0 - float(matrix[cls, cls]),
        "support": int(support[cls]),
        "confused_with": partner if off[partner] > 0 else None,
        "confused_rate": float(max(off[partner], 0.0)),
    }
    if lime_facts is not None:
        entry.update({k: v for k, v in lime_facts.items() if k not in ("class", "n")})
        entry["lime_images"] = int(lime_facts["n"])
    return entry


def _mean_of(group: Sequence[Mapping[str, Any]], key: str) -> float | None:
    values = [g[key] for g in group if g.get(key) is not None]
    return float(np.mean(values)) if values else None


def _recall_deciding_rho(rows: Sequence[Mapping[str, Any]]) -> float | None:
    """The Spearman correlation of recall and deciding share (None under 3 classes)."""
    pairs = [
        (r["recall"], r["deciding_share"]) for r in rows if r.get("deciding_share") is not None
    ]
    if len(pairs) < 3:
        return None
    from scipy.stats import spearmanr

    a, b = zip(*pairs, strict=True)
    return finite(spearmanr(a, b).statistic) if np.ptp(a) > 0 and np.ptp(b) > 0 else None


def superpixel_facts(weights: Sequence[np.ndarray], scores: np.ndarray) -> dict[str, Any]:
    """How many superpixels the explained images were cut into (min, max, mean) and the
    mean fit R² of LIME's local models."""
    counts = [len(w) for w in weights]
    return {
        "superpixels": {
            "min": int(min(counts)),
            "max": int(max(counts)),
            "mean": float(np.mean(counts)),
        },
        "r2": float(np.mean(scores)),
    }


def shown_example_facts(
    examples: Sequence[dict[str, Any]],
    maps: np.ndarray,
    weights: Sequence[np.ndarray],
    scores: np.ndarray,
    masks: Masks,
) -> list[dict[str, Any]]:
    """Each shown example (maps[i], weights[i], scores[i] are its LIME; masks cut to the
    examples) with the region where its positive weight is densest (top_region, its share
    and lift), its number of superpixels and its R²."""
    out = []
    for i, e in enumerate(examples):
        one = subset_masks(masks, [i])
        positive = region_shares(np.maximum(maps[i : i + 1], 0.0), one)
        top, lift = focus_region(positive["shares"], area_shares(one))
        out.append(
            {
                **e,
                "top_region": top,
                "top_region_lift": lift,
                "top_region_share": positive["shares"].get(top) if top else None,
                "superpixels": len(weights[i]),
                "r2": float(scores[i]),
            }
        )
    return out
