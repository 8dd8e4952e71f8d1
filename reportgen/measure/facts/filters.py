"""What the filters of a conv layer look like (reportgen.measure.explain.actmax) and how they respond
(reportgen.measure.explain.feature_maps), in numbers: the orientation and spatial frequency of each
filter's gradient-ascent image, how far the ascent drove each filter, and where a layer's
feature maps respond among the face regions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from reportgen.data.types import REGIONS
from reportgen.measure.explain.metrics import mass_shares
from reportgen.measure.facts.regions import area_shares, finite

# Orientation bins (degrees, 0 = horizontal stripes, counter-clockwise as shown): each bin
# spans 45 degrees around its centre.
ORIENTATIONS: tuple[str, ...] = ("horizontal", "diagonal_up", "vertical", "diagonal_down")
# Spatial frequency bins: a period above LOW_PERIOD pixels is low, under HIGH_PERIOD high.
FREQUENCIES: tuple[str, ...] = ("low", "mid", "high")
LOW_PERIOD, HIGH_PERIOD = 8, 4
LOW_FREQ, HIGH_FREQ = 1 / LOW_PERIOD, 1 / HIGH_PERIOD  # cycles per pixel

Masks = Mapping[str, np.ndarray]


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
        "low_period": LOW_PERIOD,
        "high_period": HIGH_PERIOD,
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
    known = face_gain[np.isfinite(face_gain)]
    best = int(np.nanargmax(face_gain)) if len(known) else 0
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
        "median_face_gain": finite(np.median(known)) if len(known) else None,
        "min_face_gain": finite(known.min()) if len(known) else None,
        "max_face_gain": finite(known.max()) if len(known) else None,
        "max_face_gain_filter": int(filters[best]) if len(known) else None,
        "above_one": int((known > 1).sum()),
        "silent_on_faces": int((~active).sum()),
        "per_filter_face_gain": [finite(g) for g in face_gain],
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
    per_filter = [
        _filter_facts(int(filters[k]), m, masks, area, face_area)
        for k, m in enumerate(maps)
        if total[k] > 0
    ]
    tuned = [p for p in per_filter if p["face_lift"] > 1]
    by_favourite = {r: sum(p["favourite"] == r for p in tuned) for r in REGIONS}
    strongest = sorted(per_filter, key=lambda p: -p["mean"])[:3]
    return {
        "n": len(maps),
        "regions": list(REGIONS),
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


def _filter_facts(
    index: int, m: np.ndarray, masks: Masks, area: dict[str, float], face_area: float
) -> dict[str, Any]:
    """feature_map_facts of one active filter's map."""
    shares = {r: float(mass_shares(m, masks[r])[0]) for r in REGIONS}
    lift = {r: shares[r] / area[r] for r in REGIONS if area[r] > 0}
    face = sum(shares.values())
    return {
        "filter": index,
        "face_share": face,
        "face_lift": face / face_area if face_area > 0 else 0.0,
        "favourite": max(lift, key=lambda r: lift[r]) if lift else None,
        "favourite_lift": max(lift.values()) if lift else None,
        "mean": float(m.mean()),
    }
