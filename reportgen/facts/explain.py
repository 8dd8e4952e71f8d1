"""Facts of the explanation questions (HW4): pure functions from arrays to plain dicts.

The example per class, where a map's mass lies among the face regions, how a layer's
filters are oriented and how fine they are, and how LIME's evidence per class lines up with
the class's recall. Every number is a plain float/int/str/list/dict (JSON-able; NaN becomes
None).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from reportgen.classes import NUM_CLASSES
from reportgen.data.types import REGIONS
from reportgen.explain import fer_face_regions, mass_in_regions, mass_shares, union

# Orientation bins (degrees, 0 = horizontal stripes, counter-clockwise as shown): each bin
# spans 45 degrees around its centre.
ORIENTATIONS: tuple[str, ...] = ("horizontal", "diagonal_up", "vertical", "diagonal_down")
# Spatial frequency bins in cycles per pixel: a period above 8 pixels is low, 4..8 mid,
# under 4 pixels high.
FREQUENCIES: tuple[str, ...] = ("low", "mid", "high")
LOW_FREQ, HIGH_FREQ = 1 / 8, 1 / 4
# LIME: a difference in the deciding regions' share of the positive weight smaller than this
# is within what a handful of explained images per class can tell apart.
DECIDING_MARGIN = 0.05
# A region "stands out" in a class's maps when its share is at least this many times its
# area share (1.0 is what an even map gives).
FOCUS_MIN_LIFT = 1.2
MASKS_GENERATOR = "generator"  # synthetic data: the generator's per-image part masks
MASKS_FER = "fer"  # real data: the fixed regions of the aligned FER face

Masks = Mapping[str, np.ndarray]


def _f(value: Any) -> float | None:
    """A plain float, None for NaN/inf."""
    v = float(value)
    return v if np.isfinite(v) else None


# --- the example per class -------------------------------------------------------------


def choose_examples(
    val_pred: np.ndarray, val_true: np.ndarray, val_index: np.ndarray
) -> list[dict[str, Any]]:
    """One validation image per class, by one rule: the correctly classified image with the
    highest predicted probability of its class (ties: the earlier position). A class that has
    images but none correct gets its image with the highest probability of its own class,
    marked correct=False; a class without validation images is left out.

    Keys: class, position (into the validation arrays), row (the row of the training file,
    val_index[position]), confidence (probability of the class), correct, predicted.
    """
    probs = np.asarray(val_pred)
    true = np.asarray(val_true)
    pred = probs.argmax(axis=1)
    out = []
    for cls in range(probs.shape[1]):
        members = np.flatnonzero(true == cls)
        if not len(members):
            continue
        correct = members[pred[members] == cls]
        pool = correct if len(correct) else members
        # argmax returns the first maximum: the earliest position among equals
        pos = int(pool[np.argmax(probs[pool, cls])])
        out.append(
            {
                "class": cls,
                "position": pos,
                "row": int(val_index[pos]),
                "confidence": float(probs[pos, cls]),
                "correct": bool(len(correct)),
                "predicted": int(pred[pos]),
            }
        )
    return out


# --- face regions ----------------------------------------------------------------------


def region_masks(val_masks: Masks | None) -> tuple[dict[str, np.ndarray], str]:
    """The masks the measurements use, and where they come from: the generator's per-image
    masks of the validation images (bool (N, 48, 48) each) when the data is synthetic, else
    the fixed regions of the aligned FER face (bool (48, 48) each)."""
    if val_masks is not None:
        return {r: np.asarray(val_masks[r], dtype=bool) for r in REGIONS}, MASKS_GENERATOR
    return fer_face_regions(), MASKS_FER


def subset_masks(masks: Masks, index: np.ndarray | Sequence[int]) -> dict[str, np.ndarray]:
    """Per-image masks cut to the chosen images; fixed (H, W) masks are kept as they are."""
    idx = np.asarray(index, dtype=np.int64)
    return {r: (m[idx] if np.ndim(m) == 3 else m) for r, m in masks.items()}


def area_shares(masks: Masks) -> dict[str, float]:
    """The share of the image each region covers (mean over images for per-image masks):
    what a map spread evenly over the image would put in it."""
    return {r: float(np.mean(m)) for r, m in masks.items()}


def region_shares(maps: np.ndarray, masks: Masks) -> dict[str, Any]:
    """Where the |map| mass of a set of images lies: each region's mean share (the regions do
    not overlap, so the shares sum to at most 1), `rest` (outside every region), the
    dominant region (largest share) and its share. Maps that are zero everywhere are left
    out; `n` counts the images measured."""
    maps = np.asarray(maps, dtype=np.float64)
    total = np.abs(maps).sum(axis=(1, 2))
    keep = np.flatnonzero(total > 0)
    if not len(keep):
        return {
            "n": 0,
            "shares": dict.fromkeys(masks),
            "rest": None,
            "dominant": None,
            "dominant_share": None,
            "second": None,
            "second_share": None,
        }
    shares = mass_in_regions(maps[keep], subset_masks(masks, keep))
    ranked = sorted(shares, key=lambda r: -shares[r])
    second = ranked[1] if len(ranked) > 1 else None
    return {
        "n": len(keep),
        "shares": {r: _f(v) for r, v in shares.items()},
        "rest": _f(max(0.0, 1.0 - sum(shares.values()))),
        "dominant": ranked[0],
        "dominant_share": _f(shares[ranked[0]]),
        "second": second,
        "second_share": _f(shares[second]) if second else None,
    }


def lifts(shares: Mapping[str, float | None], area: Mapping[str, float]) -> dict[str, float | None]:
    """share / area per region: 1 is what an even map gives, above 1 the map favours it."""
    return {
        r: (None if shares[r] is None or area[r] <= 0 else float(shares[r]) / area[r])
        for r in shares
    }


def focus_region(
    shares: Mapping[str, float | None], area: Mapping[str, float]
) -> tuple[str | None, float | None]:
    """The region with the largest share / area share, and that ratio (None, None when no
    region has a share)."""
    lift = lifts(shares, area)
    known = [r for r in lift if lift[r] is not None]
    if not known:
        return None, None
    best = max(known, key=lambda r: lift[r])
    return best, lift[best]


def per_class_regions(
    maps: np.ndarray, labels: np.ndarray, masks: Masks, area: Mapping[str, float]
) -> list[dict[str, Any]]:
    """region_shares of each class's maps (classes without a map left out), each with
    `class`, `lift` (share / area share per region), `focus` (the region with the largest
    lift: where the map is densest for the region's size, which a large region's share
    hides), `focus_lift`, and the runner-up `focus_second` / `focus_second_lift`."""
    labels = np.asarray(labels)
    out = []
    for cls in range(NUM_CLASSES):
        idx = np.flatnonzero(labels == cls)
        if not len(idx):
            continue
        facts = region_shares(maps[idx], subset_masks(masks, idx))
        if not facts["n"]:
            continue
        lift = lifts(facts["shares"], area)
        ranked = sorted((r for r in lift if lift[r] is not None), key=lambda r: -lift[r])
        out.append(
            {
                "class": cls,
                **facts,
                "lift": lift,
                "focus": ranked[0] if ranked else None,
                "focus_lift": lift[ranked[0]] if ranked else None,
                "focus_second": ranked[1] if len(ranked) > 1 else None,
                "focus_second_lift": lift[ranked[1]] if len(ranked) > 1 else None,
            }
        )
    return out


def top_mass(maps: np.ndarray, fraction: float = 0.1) -> float:
    """Mean over images of the share of |map| mass held by the image's brightest `fraction`
    of pixels: `fraction` for an even map, near 1 for a map concentrated on a few spots."""
    m = np.abs(np.asarray(maps, dtype=np.float64))
    m = m[None] if m.ndim == 2 else m
    flat = np.sort(m.reshape(len(m), -1), axis=1)[:, ::-1]
    k = max(1, round(fraction * flat.shape[1]))
    total = flat.sum(axis=1)
    keep = total > 0
    return float(np.mean(flat[keep, :k].sum(axis=1) / total[keep])) if keep.any() else 0.0


def group_by_region(
    per_class: Sequence[Mapping[str, Any]], key: str = "focus", min_lift: float = 0.0
) -> list[dict[str, Any]]:
    """The classes grouped by the region named under `key` (focus, dominant), the largest
    group first: [{region, classes, members: [{class, lift}]}]. With key "focus", classes
    whose focus_lift is under min_lift (no region stands out) are left out."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in per_class:
        if c.get(key) is None:
            continue
        lift = c.get("focus_lift") if key == "focus" else c.get("lift", {}).get(c[key])
        if key == "focus" and (lift is None or lift < min_lift):
            continue
        groups.setdefault(c[key], []).append({"class": int(c["class"]), "lift": lift})
    order = sorted(groups, key=lambda r: (-len(groups[r]), REGIONS.index(r)))
    return [
        {"region": r, "classes": [m["class"] for m in groups[r]], "members": groups[r]}
        for r in order
    ]


def unfocused(per_class: Sequence[Mapping[str, Any]], min_lift: float) -> list[int]:
    """The classes on which no region's share reaches min_lift times its area share."""
    return [
        int(c["class"])
        for c in per_class
        if c.get("focus_lift") is None or c["focus_lift"] < min_lift
    ]


# --- filters (q6) ----------------------------------------------------------------------


def orientation_bin(degrees: float) -> str:
    """horizontal (within 22.5 degrees of 0/180), diagonal_up ("/", around 45), vertical
    (around 90), diagonal_down ("\\", around 135)."""
    d = float(degrees) % 180.0
    return ORIENTATIONS[int(((d + 22.5) % 180.0) // 45.0)]


def frequency_bin(cycles_per_pixel: float) -> str:
    f = float(cycles_per_pixel)
    return "low" if f < LOW_FREQ else ("high" if f >= HIGH_FREQ else "mid")


def spectrum_facts(
    orientation_deg: np.ndarray, frequency: np.ndarray, peak_share: np.ndarray
) -> dict[str, Any]:
    """Counts of filters per orientation bin, per frequency bin and per (orientation,
    frequency) cell; the most common orientation and frequency bins; median frequency and
    its period in pixels; median peak share (how close the images are to one clean grating:
    near 0 noise-like); per filter its bins."""
    orient = [orientation_bin(d) for d in orientation_deg]
    freq = [frequency_bin(f) for f in frequency]
    by_orient = {o: orient.count(o) for o in ORIENTATIONS}
    by_freq = {f: freq.count(f) for f in FREQUENCIES}
    cells = {o: {f: 0 for f in FREQUENCIES} for o in ORIENTATIONS}
    for o, f in zip(orient, freq, strict=True):
        cells[o][f] += 1
    median_f = float(np.median(frequency)) if len(frequency) else 0.0
    diagonal = by_orient["diagonal_up"] + by_orient["diagonal_down"]
    return {
        "n": len(orient),
        "by_orientation": by_orient,
        "diagonal": diagonal,
        "by_frequency": by_freq,
        "cells": cells,
        "top_orientation": max(ORIENTATIONS, key=lambda o: (by_orient[o], -ORIENTATIONS.index(o))),
        "top_frequency": max(FREQUENCIES, key=lambda f: (by_freq[f], -FREQUENCIES.index(f))),
        "median_frequency": median_f,
        "median_period": (1.0 / median_f) if median_f > 0 else None,
        "median_peak_share": float(np.median(peak_share)) if len(peak_share) else 0.0,
        "filters": [
            {"orientation": o, "frequency": f, "degrees": float(d), "cycles": float(c)}
            for o, f, d, c in zip(orient, freq, orientation_deg, frequency, strict=True)
        ],
    }


def gain_facts(
    filters: np.ndarray, start: np.ndarray, end: np.ndarray, faces: np.ndarray
) -> dict[str, Any]:
    """How much the gradient ascent excites each filter. All three are the filter's mean
    activation at its conv block's output (after batch norm and ReLU): on its gray-noise
    start image, on its optimized image (maximize_filters' numbers), and averaged over
    validation faces.

    gain: mean end / mean start over the filters (the ascent's gain for the layer; a ratio
    of means, since a filter can be silent on its start image). face_gain: end / faces per
    filter (filters silent on faces left out), summarized by its median, min and max: how
    many times more the optimized image drives the filter than an average face does.
    """
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    faces = np.asarray(faces, dtype=np.float64)
    active = faces > 1e-6
    face_gain = np.where(active, end / np.where(active, faces, 1.0), np.nan)
    finite = face_gain[np.isfinite(face_gain)]
    best = int(np.nanargmax(face_gain)) if len(finite) else 0
    mean_start = float(start.mean()) if len(start) else 0.0
    mean_end = float(end.mean()) if len(end) else 0.0
    return {
        "n": len(start),
        "rose": int((end > start).sum()),
        "mean_start": mean_start,
        "mean_end": mean_end,
        "gain": (mean_end / mean_start) if mean_start > 0 else None,
        "silent_at_start": int((start <= 1e-6).sum()),
        "mean_faces": float(faces.mean()) if len(faces) else 0.0,
        "median_face_gain": _f(np.median(finite)) if len(finite) else None,
        "min_face_gain": _f(finite.min()) if len(finite) else None,
        "max_face_gain": _f(finite.max()) if len(finite) else None,
        "max_face_gain_filter": int(filters[best]) if len(finite) else None,
        "above_one": int((finite > 1).sum()),
        "silent_on_faces": int((~active).sum()),
        "per_filter_face_gain": [_f(g) for g in face_gain],
    }


def feature_map_facts(
    maps: np.ndarray, masks: Masks, filters: np.ndarray | None = None
) -> dict[str, Any]:
    """The rectified outputs of a layer's filters for one image, upsampled to the image size
    (F, 48, 48), with that image's masks (each (1, 48, 48) or fixed (48, 48)).

    Per active (not all-zero) filter: `face_share`, the share of its response on the five
    regions together, `face_lift` = face_share / the regions' area share, and `favourite`,
    the region with the largest share / area. `face_tuned`: the filters with face_lift > 1
    (they respond more on the face parts than their area gives); `by_favourite`: how many of
    those favour each region; `strongest`: the 3 filters with the largest mean response."""
    maps = np.asarray(maps, dtype=np.float64)
    filters = np.arange(len(maps)) if filters is None else np.asarray(filters)
    area = area_shares(masks)
    face_area = sum(area.values())
    total = np.abs(maps).sum(axis=(1, 2))
    per_filter = []
    for k, m in enumerate(maps):
        if total[k] <= 0:
            continue
        shares = {r: float(mass_shares(m, masks[r])[0]) for r in REGIONS}
        lift = {r: shares[r] / area[r] for r in REGIONS if area[r] > 0}
        face = sum(shares.values())
        per_filter.append(
            {
                "filter": int(filters[k]),
                "face_share": face,
                "face_lift": face / face_area if face_area > 0 else 0.0,
                "favourite": max(lift, key=lambda r: lift[r]) if lift else None,
                "favourite_lift": max(lift.values()) if lift else None,
                "mean": float(m.mean()),
            }
        )
    tuned = [p for p in per_filter if p["face_lift"] > 1]
    by_favourite = {r: sum(p["favourite"] == r for p in tuned) for r in REGIONS}
    strongest = sorted(per_filter, key=lambda p: -p["mean"])[:3]
    return {
        "n": len(maps),
        "silent": int((total <= 0).sum()),
        "active": len(per_filter),
        "face_area": float(face_area),
        "face_tuned": len(tuned),
        "by_favourite": by_favourite,
        "top_favourite": (
            max(REGIONS, key=lambda r: (by_favourite[r], -REGIONS.index(r))) if tuned else None
        ),
        "median_face_share": float(np.median([p["face_share"] for p in per_filter]))
        if per_filter
        else None,
        "strongest": strongest,
    }


# --- LIME and the confusion matrix (q7) ------------------------------------------------


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
        if not len(idx):
            continue
        pos = np.maximum(maps[idx], 0.0)
        m = subset_masks(masks, idx)
        decide = union(m, deciding)
        shares = mass_shares(pos, decide)
        regions = region_shares(pos, m)
        top, top_lift = focus_region(regions["shares"], area_shares(m))
        out.append(
            {
                "class": cls,
                "n": len(idx),
                "deciding_share": _f(np.nanmean(shares)) if np.isfinite(shares).any() else None,
                "deciding_area": float(np.mean(decide)),
                "top_region": top,
                "top_region_share": regions["shares"].get(top) if top else None,
                "top_region_lift": top_lift,
                "positive": float(
                    np.mean([_positive_weight(maps[i]) for i in idx]) if len(idx) else 0.0
                ),
                "r2": _f(scores[idx].mean()),
            }
        )
    return out


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
    rows = []
    for cls in range(matrix.shape[0]):
        if not support[cls]:
            continue
        off = matrix[cls].copy()
        off[cls] = -1.0
        partner = int(np.argmax(off))
        entry = {
            "class": cls,
            "recall": float(matrix[cls, cls]),
            "support": int(support[cls]),
            "confused_with": partner if off[partner] > 0 else None,
            "confused_rate": float(max(off[partner], 0.0)),
        }
        lime_facts = by_class.get(cls)
        if lime_facts is not None:
            entry.update({k: v for k, v in lime_facts.items() if k not in ("class", "n")})
            entry["lime_images"] = int(lime_facts["n"])
        rows.append(entry)
    rows.sort(key=lambda r: (-r["recall"], r["class"]))
    k = min(n_ends, len(rows) // 2)
    best = rows[:k]
    worst = rows[len(rows) - k :][::-1] if k else []

    def mean_of(group: Sequence[Mapping[str, Any]], key: str) -> float | None:
        values = [g[key] for g in group if g.get(key) is not None]
        return float(np.mean(values)) if values else None

    best_share, worst_share = mean_of(best, "deciding_share"), mean_of(worst, "deciding_share")
    gap = None if best_share is None or worst_share is None else best_share - worst_share
    pairs = [
        (r["recall"], r["deciding_share"]) for r in rows if r.get("deciding_share") is not None
    ]
    rho = None
    if len(pairs) >= 3:
        a, b = zip(*pairs, strict=True)
        if np.ptp(a) > 0 and np.ptp(b) > 0:
            rho = _f(spearmanr(a, b).statistic)
    return {
        "order": rows,
        "best": best,
        "worst": worst,
        "best_deciding_share": best_share,
        "worst_deciding_share": worst_share,
        "best_positive": mean_of(best, "positive"),
        "worst_positive": mean_of(worst, "positive"),
        "deciding_gap": gap,
        "deciding_margin": DECIDING_MARGIN,
        "best_more_deciding": None if gap is None else gap > DECIDING_MARGIN,
        "spearman": rho,
    }
