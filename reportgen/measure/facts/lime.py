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
from reportgen.measure.verdict import Verdict, by_threshold, count, flag

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
    the `n_ends` best and worst; the mean deciding share and positive weight of each group,
    `deciding_gap` (the best's deciding share minus the worst's) and the margin it is read
    with (DECIDING_MARGIN, see recall_tie_verdicts); the Spearman correlation of recall and
    deciding share over the classes (None under 3 classes)."""
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


# LIME's local linear model fits the model's probabilities this well (R²) or worse: its
# weights are a loose summary, to be read with care.
LOOSE_FIT_R2 = 0.5
# A class with fewer validation images than this was also rare in training (the split keeps
# the shares), so its errors are partly a lack of examples.
FEW_IMAGES = 20
# One group's positive LIME weight this many times the other's is a difference in strength;
# below it, with a handful of images per class, the two are about the same.
STRENGTH_RATIO = 1.5
# A recall above this leaves "only" the rest misclassified.
HIGH_RECALL = 0.85
# Spearman's rho of recall and deciding share over the 7 classes: from CONSISTENT_RHO up a
# consistent relation, from WEAK_RHO a weak one, above -WEAK_RHO none, below it a negative one.
CONSISTENT_RHO = 0.5
WEAK_RHO = 0.3


def lime_verdicts(facts: Mapping[str, Any]) -> dict[str, Verdict]:
    """What q7's facts say: slic_finer (lime's default quickshift cuts the faces coarser than
    SLIC), loose_fit (LIME's local models fit poorly), not_correct (the shown classes whose
    image is not classified correctly), and recall_tie_verdicts of facts["ties"]."""
    quick, slic = facts["quickshift"]["mean"], facts["superpixels"]["mean"]
    wrong = [int(e["class"]) for e in facts["examples"] if not e["correct"]]
    return {
        "slic_finer": flag(quick < slic, "quickshift_over_slic", quick / slic),
        "loose_fit": flag(facts["r2"] < LOOSE_FIT_R2, "mean_r2", facts["r2"]),
        "not_correct": count(wrong, "shown_not_correct"),
        **recall_tie_verdicts(facts["ties"]),
    }


def recall_tie_verdicts(ties: Mapping[str, Any]) -> dict[str, Verdict]:
    """What recall_ties says: deciding (best_more, worst_more, alike: where the positive LIME
    weight lies, best classes against worst, by DECIDING_MARGIN; unknown without both),
    strength (strength_verdict), few_images (worst classes with under FEW_IMAGES validation
    images), same_part (worst classes whose densest region is that of the class they are
    most mistaken for), high_recall (best classes above HIGH_RECALL), relation
    (relation_verdict)."""
    gap = ties["deciding_gap"]
    names = ("best_more", "worst_more", "alike")
    by_class = {r["class"]: r for r in ties["order"]}
    same = [r["class"] for r in ties["worst"] if _same_top_region(r, by_class)]
    return {
        "deciding": Verdict("unknown")
        if gap is None
        else by_threshold(gap, DECIDING_MARGIN, names, "deciding_gap"),
        "strength": strength_verdict(ties["best_positive"], ties["worst_positive"]),
        "few_images": count(
            [r["class"] for r in ties["worst"] if r["support"] < FEW_IMAGES], "support"
        ),
        "same_part": count(same, "same_top_region"),
        "high_recall": count(
            [r["class"] for r in ties["best"] if r["recall"] > HIGH_RECALL], "recall"
        ),
        "relation": relation_verdict(ties["spearman"]),
    }


def _same_top_region(row: Mapping[str, Any], by_class: Mapping[int, Mapping[str, Any]]) -> bool:
    """Whether a class and the class it is most mistaken for have the same densest region."""
    partner = by_class.get(row["confused_with"])
    top = row.get("top_region")
    return partner is not None and bool(top) and partner.get("top_region") == top


def strength_verdict(best: float | None, worst: float | None) -> Verdict:
    """best_stronger / worst_stronger: one group's mean positive LIME weight over
    STRENGTH_RATIO times the other's; alike otherwise; unknown without both."""
    if best is None or worst is None:
        return Verdict("unknown")
    ratio = best / worst if worst > 0 else None
    statistic = "positive_best_over_worst"
    if best > STRENGTH_RATIO * worst:
        return Verdict("best_stronger", statistic, ratio)
    if worst > STRENGTH_RATIO * best:
        return Verdict("worst_stronger", statistic, ratio)
    return Verdict("alike", statistic, ratio)


def relation_verdict(rho: float | None) -> Verdict:
    """Spearman's rho of recall and deciding share: consistent, weak, unrelated or negative
    (CONSISTENT_RHO, WEAK_RHO); unknown without one."""
    if rho is None:
        return Verdict("unknown")
    if rho >= CONSISTENT_RHO:
        name = "consistent"
    elif rho >= WEAK_RHO:
        name = "weak"
    elif rho > -WEAK_RHO:
        name = "unrelated"
    else:
        name = "negative"
    return Verdict(name, "spearman", rho)
