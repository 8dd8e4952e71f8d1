"""Where a map's mass lies among the face regions: pure functions from arrays to plain dicts.

Masks are bool (N, 48, 48), one per image (the synthetic faces' generator draws them), or
(48, 48), the fixed regions of the aligned FER face for every image. Every number is a plain
float/int/str/list/dict (JSON-able; NaN becomes None).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from reportgen.data.classes import NUM_CLASSES
from reportgen.data.types import REGIONS
from reportgen.measure.explain.metrics import mass_in_regions
from reportgen.measure.explain.regions import fer_face_regions

# A region "stands out" in a class's maps when its share is at least this many times its
# area share (1.0 is what an even map gives).
FOCUS_MIN_LIFT = 1.2
MASKS_GENERATOR = "generator"  # synthetic data: the generator's per-image part masks
MASKS_FER = "fer"  # real data: the fixed regions of the aligned FER face

Masks = Mapping[str, np.ndarray]


def finite(value: Any) -> float | None:
    """A plain float, None for NaN/inf."""
    v = float(value)
    return v if np.isfinite(v) else None


def region_masks(val_masks: Masks | None) -> tuple[dict[str, np.ndarray], str]:
    """The masks the measurements use, and where they come from: the generator's per-image
    masks of the validation images when the data is synthetic, else the fixed regions of
    the aligned FER face."""
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
    dominant region (largest share) and its share, the runner-up. Maps that are zero
    everywhere are left out; `n` counts the images measured."""
    maps = np.asarray(maps, dtype=np.float64)
    keep = np.flatnonzero(np.abs(maps).sum(axis=(1, 2)) > 0)
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
        "shares": {r: finite(v) for r, v in shares.items()},
        "rest": finite(max(0.0, 1.0 - sum(shares.values()))),
        "dominant": ranked[0],
        "dominant_share": finite(shares[ranked[0]]),
        "second": second,
        "second_share": finite(shares[second]) if second else None,
    }


def lifts(shares: Mapping[str, float | None], area: Mapping[str, float]) -> dict[str, float | None]:
    """share / area per region: 1 is what an even map gives, above 1 the map favours it."""
    return {
        r: (None if share is None or area[r] <= 0 else float(share) / area[r])
        for r, share in shares.items()
    }


def focus_region(
    shares: Mapping[str, float | None], area: Mapping[str, float]
) -> tuple[str | None, float | None]:
    """The region with the largest share / area share, and that ratio (None, None when no
    region has a share)."""
    known = {r: v for r, v in lifts(shares, area).items() if v is not None}
    if not known:
        return None, None
    best = max(known, key=known.__getitem__)
    return best, known[best]


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
        facts: dict[str, Any] = (
            region_shares(maps[idx], subset_masks(masks, idx)) if len(idx) else {"n": 0}
        )
        if not facts["n"]:
            continue
        lift = lifts(facts["shares"], area)
        known = {r: v for r, v in lift.items() if v is not None}
        ranked = sorted(known, key=lambda r: -known[r])
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


def focus_facts(
    per_class: Sequence[Mapping[str, Any]], min_lift: float = FOCUS_MIN_LIFT
) -> dict[str, Any]:
    """The classes by the region where their maps are densest: groups (group_by_region),
    unfocused (no region reaches min_lift), n_focused (the classes that have a focus),
    focus_min_lift."""
    left_out = unfocused(per_class, min_lift)
    return {
        "groups": group_by_region(per_class, "focus", min_lift),
        "unfocused": left_out,
        "n_focused": len(per_class) - len(left_out),
        "focus_min_lift": min_lift,
    }


def region_layout(masks: Masks, source: str) -> dict[str, Any]:
    """The regions the measurements use: mask_source, regions (names), area (region -> area
    share), face_area (all regions together), image_size (the masks' side in pixels)."""
    area = area_shares(masks)
    return {
        "mask_source": source,
        "image_size": int(np.shape(next(iter(masks.values())))[-1]),
        "regions": list(masks),
        "area": area,
        "face_area": float(sum(area.values())),
    }
