"""What the filters of a conv layer look like (reportgen.measure.explain.actmax) and how they respond
(reportgen.measure.explain.feature_maps), in numbers: the orientation and spatial frequency of each
filter's gradient-ascent image, how far the ascent drove each filter, and where a layer's
feature maps respond among the face regions; and the verdicts q6's prose chooses its sentences
by."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from reportgen.data.types import REGIONS
from reportgen.measure.explain.metrics import mass_shares
from reportgen.measure.facts.regions import area_shares, finite
from reportgen.measure.verdict import Verdict, flag

# Orientation bins (degrees, 0 = horizontal stripes, counter-clockwise as shown): each bin
# spans 45 degrees around its centre.
ORIENTATIONS: tuple[str, ...] = ("horizontal", "diagonal_up", "vertical", "diagonal_down")
# Spatial frequency bins: a period above LOW_PERIOD pixels is low, under HIGH_PERIOD high.
FREQUENCIES: tuple[str, ...] = ("low", "mid", "high")
LOW_PERIOD, HIGH_PERIOD = 8, 4
LOW_FREQ, HIGH_FREQ = 1 / LOW_PERIOD, 1 / HIGH_PERIOD  # cycles per pixel

Masks = Mapping[str, np.ndarray]

# A filter is face-tuned when its response's share on the face regions is above this many
# times their area share (1.0 is what a response spread evenly over the image gives).
FACE_TUNED_LIFT = 1.0


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
    the region with the largest share / area. `face_tuned`: the filters with face_lift above
    FACE_TUNED_LIFT (they respond more on the face parts than their area gives); `by_favourite`: how many of
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
    tuned = [p for p in per_filter if p["face_lift"] > FACE_TUNED_LIFT]
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


# In the default choice of layer (a middle one), a CNN with more conv layers than this has a
# layer that is neither its first nor its last.
MIDDLE_FROM = 2
# The gradient ascent works when the filters' mean activation ends above where it started.
ASCENT_GAIN = 1.0
# One orientation outnumbers the other when it has at least STRIPE_RATIO times its filters
# and STRIPE_MARGIN more of them: with a handful of filters a ratio alone is chance.
STRIPE_RATIO = 1.5
STRIPE_MARGIN = 3
# Images whose spectrum's peak holds under this share of what a clean grating's peak holds
# mix several directions and frequencies.
MIXED_UNDER = 1 / 3
# Regions drawn as horizontal lines: a filter of horizontal stripes favouring one of them
# matches the face's own lines.
HORIZONTAL_PARTS = ("brows", "mouth", "eyes")


def layer_verdicts(n_conv: int, configured: bool, shown: int, total: int) -> dict[str, Verdict]:
    """layer_choice: "configured" (explain.filter_layer), "middle" (the default, with over
    MIDDLE_FROM conv layers) or "default"; subset: whether only the first `shown` of the
    layer's `total` filters are shown."""
    name = "configured" if configured else "middle" if n_conv > MIDDLE_FROM else "default"
    return {
        "layer_choice": Verdict(name, "n_conv", float(n_conv)),
        "subset": flag(shown < total, "shown_filters/total_filters", shown / total),
    }


def gain_verdicts(gain: Mapping[str, Any]) -> dict[str, Verdict]:
    """What gain_facts say: ascent ("rose": mean activation gain above ASCENT_GAIN,
    "silent_start": every filter silent on its start image, "stalled"), rose ("all" filters
    rose, or "some"), beat_faces ("all" filters active on faces respond more to their
    optimized image than to the faces, or "some"; "unmeasured" when none is active)."""
    g = gain["gain"]
    ascent = "silent_start" if g is None else "rose" if g > ASCENT_GAIN else "stalled"
    active = gain["n"] - gain["silent_on_faces"]
    beat = "all" if gain["above_one"] == active else "some"
    return {
        "ascent": Verdict(ascent, "gain", g),
        "rose": Verdict(
            "all" if gain["rose"] == gain["n"] else "some", "rose", float(gain["rose"])
        ),
        "beat_faces": Verdict(
            beat if gain["median_face_gain"] is not None else "unmeasured",
            "above_one",
            float(gain["above_one"]),
        ),
    }


def spectrum_verdicts(spectrum: Mapping[str, Any], grating_peak_share: float) -> dict[str, Verdict]:
    """stripes: "horizontal" or "vertical" (one outnumbers the other by STRIPE_RATIO and
    STRIPE_MARGIN), else "balanced"; gratings: "mixed" (median peak share under MIXED_UNDER of
    a clean grating's) or "clean"."""
    h, v = spectrum["by_orientation"]["horizontal"], spectrum["by_orientation"]["vertical"]
    stripes = (
        "horizontal"
        if h >= STRIPE_RATIO * v and h - v >= STRIPE_MARGIN
        else "vertical"
        if v >= STRIPE_RATIO * h and v - h >= STRIPE_MARGIN
        else "balanced"
    )
    share = spectrum["median_peak_share"]
    mixed = share < grating_peak_share * MIXED_UNDER
    return {
        "stripes": Verdict(stripes, "horizontal-vertical", float(h - v)),
        "gratings": Verdict(
            "mixed" if mixed else "clean",
            "median_peak_share/grating_peak_share",
            share / grating_peak_share if grating_peak_share > 0 else None,
        ),
    }


def feature_map_verdicts(fm: Mapping[str, Any], spectrum: Mapping[str, Any]) -> dict[str, Verdict]:
    """What feature_map_facts say: most_tuned (over half of the responding filters are
    face-tuned), strongest_on_face (the strongest filter is face-tuned; subjects: it),
    strongest_matches (and its gradient-ascent image is of horizontal stripes and it favours
    a region of HORIZONTAL_PARTS). All "no" when no filter responds."""
    active, tuned = fm["active"], fm["face_tuned"]
    top = fm["strongest"][0] if fm["strongest"] else None
    if top is None:
        return dict.fromkeys(("most_tuned", "strongest_on_face", "strongest_matches"), flag(False))
    on_face = top["face_lift"] > FACE_TUNED_LIFT
    horizontal = spectrum["filters"][top["filter"]]["orientation"] == "horizontal"
    one = (int(top["filter"]),)
    return {
        "most_tuned": flag(tuned > active / 2, "face_tuned/active", tuned / active),
        "strongest_on_face": Verdict(
            "yes" if on_face else "no", "face_lift", top["face_lift"], subjects=one
        ),
        "strongest_matches": flag(
            on_face and horizontal and top["favourite"] in HORIZONTAL_PARTS,
            "orientation+favourite",
        ),
    }


def filters_verdicts(facts: Mapping[str, Any]) -> dict[str, Verdict]:
    """What q6's facts say: layer_verdicts, gain_verdicts, spectrum_verdicts and
    feature_map_verdicts together."""
    return {
        **layer_verdicts(
            facts["n_conv"], facts["configured"], facts["shown_filters"], facts["total_filters"]
        ),
        **gain_verdicts(facts["gain"]),
        **spectrum_verdicts(facts["spectrum"], facts["grating_peak_share"]),
        **feature_map_verdicts(facts["feature_maps"], facts["spectrum"]),
    }
