"""What the saliency maps (reportgen.measure.explain.saliency) say, in numbers: how concentrated
they are, where their mass lies, and whether one image's map agrees with its class's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from reportgen.measure.facts.regions import Masks, focus_region, region_shares, subset_masks


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


def peak_lift(per_class: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The (class, region) whose share most exceeds the region's area share."""
    cells = [
        (lift, c["class"], r)
        for c in per_class
        for r, lift in c["lift"].items()
        if lift is not None
    ]
    if not cells:
        return None
    lift, cls, region = max(cells, key=lambda t: (t[0], -t[1]))
    return {"class": cls, "region": region, "lift": lift}


def inside_faces(overall: Mapping[str, Any] | None, face_area: float) -> dict[str, Any] | None:
    """The share of the maps' mass on the face regions together (`inside`) and that share
    over the regions' area share (`lift`); None without a measurement."""
    if overall is None or overall["rest"] is None:
        return None
    inside = 1.0 - overall["rest"]
    return {"inside": inside, "lift": inside / face_area if face_area > 0 else None}


def example_focus(
    maps: np.ndarray, masks: Masks, area: Mapping[str, float], examples: Sequence[dict]
) -> list[dict[str, Any]]:
    """Each shown example with the region_shares of its own map (`maps[i]` for
    examples[i]; masks already cut to the examples) and its focus region."""
    out = []
    for i, e in enumerate(examples):
        shares = region_shares(maps[i : i + 1], subset_masks(masks, [i]))
        focus, lift = focus_region(shares["shares"], area)
        out.append({**e, "map_regions": {**shares, "focus": focus, "focus_lift": lift}})
    return out


def agreement(
    examples: Sequence[Mapping[str, Any]], per_class: Sequence[Mapping[str, Any]]
) -> dict[str, list[int]]:
    """The classes whose shown map has a focus region and a measurement (`compared`), and
    those whose shown map's focus is the class's measured focus (`agree`)."""
    by_class = {c["class"]: c for c in per_class}
    compared = [
        e for e in examples if e["class"] in by_class and e["map_regions"]["focus"] is not None
    ]
    agree = [
        e["class"] for e in compared if e["map_regions"]["focus"] == by_class[e["class"]]["focus"]
    ]
    return {"compared": [e["class"] for e in compared], "agree": agree}
