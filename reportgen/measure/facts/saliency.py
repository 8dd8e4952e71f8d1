"""What the saliency maps (reportgen.measure.explain.saliency) say, in numbers: how concentrated
they are, where their mass lies, and whether one image's map agrees with its class's; and the
verdicts q5's prose chooses its sentences by."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from reportgen.data.types import REGIONS
from reportgen.measure.facts.regions import Masks, focus_region, region_shares, subset_masks
from reportgen.measure.verdict import Verdict, count, flag


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
    maps: np.ndarray, masks: Masks, area: Mapping[str, float], examples: Sequence[dict[str, Any]]
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


# The face regions together receive more than this many times their area share of the
# saliency: the model looks at the face parts (1.0 is what an even map gives).
LOOKS_LIFT = 1.5
# More than this, but not LOOKS_LIFT: it leans towards them, clearly above an even map's 1.0
# yet with much of the saliency elsewhere.
LEANS_LIFT = 1.1
# A class's densest region is a clear favourite only when its lift is at least this many
# times its runner-up's; closer, the two regions are nearly the same.
CLEAR_FAVOURITE = 1.15
# SmoothGrad is "more concentrated" when its brightest pixels hold more than 5 percentage
# points more of the map than the vanilla gradient's do: a smaller gap is image noise.
CONCENTRATION_GAIN = 0.05


def inside_verdict(inside: Mapping[str, Any] | None, face_area: float) -> Verdict:
    """Where the saliency lies against the face regions' area (inside_faces): "looks" (above
    LOOKS_LIFT times their area share), "leans" (above LEANS_LIFT), "even", or "unmeasured"."""
    if inside is None:
        return Verdict("unmeasured")
    share = inside["inside"]
    name = (
        "looks"
        if share > LOOKS_LIFT * face_area
        else "leans"
        if share > LEANS_LIFT * face_area
        else "even"
    )
    return Verdict(name, "inside/face_area", inside["lift"])


def focus_verdicts(
    per_class: Sequence[Mapping[str, Any]],
    groups: Sequence[Mapping[str, Any]],
    unfocused: Sequence[int],
    area: Mapping[str, float],
) -> dict[str, Verdict]:
    """Where each class's saliency is densest (per_class_regions, focus_facts): focus_regions
    (how many regions the focused classes use; subjects: their indices in REGIONS),
    close_second (focused classes whose densest region is under CLEAR_FAVOURITE times as dense
    as the runner-up), dominant_elsewhere (classes whose largest share lies on a region larger
    than their densest one: a big region collects share without being looked at more)."""
    close = [
        c["class"]
        for c in per_class
        if c["class"] not in unfocused
        and c["focus_second_lift"]
        and c["focus_lift"] < CLEAR_FAVOURITE * c["focus_second_lift"]
    ]
    elsewhere = [
        c["class"]
        for c in per_class
        if c["focus"] is not None
        and c["dominant"] != c["focus"]
        and area[c["dominant"]] > area[c["focus"]]
    ]
    return {
        "focus_regions": count([REGIONS.index(g["region"]) for g in groups], "groups"),
        "close_second": count(close, "focus_lift/focus_second_lift"),
        "dominant_elsewhere": count(elsewhere, "area[dominant]/area[focus]"),
    }


def agreement_verdict(agree: Sequence[int], compared: Sequence[int]) -> Verdict:
    """How many of the shown SmoothGrad maps have their class's densest region (agreement):
    "all", "most" (over half), "half", "few", or "unmeasured" with none compared; subjects:
    the agreeing classes."""
    if not compared:
        return Verdict("unmeasured")
    k, n = len(agree), len(compared)
    name = "all" if k == n else "most" if k > n / 2 else "half" if 2 * k == n else "few"
    agreeing = tuple(int(c) for c in agree)
    return Verdict(name, "agree/compared", k / n, subjects=agreeing)


def saliency_verdicts(facts: Mapping[str, Any]) -> dict[str, Verdict]:
    """What q5's facts say: no_correct and missing (classes shown misclassified, classes
    without an image), inside (inside_verdict), focus_verdicts, agreement, and concentrated
    (SmoothGrad's brightest pixels hold over CONCENTRATION_GAIN more than the gradient's)."""
    top = facts["top_mass"]
    gain = top["smoothgrad"] - top["vanilla"]
    return {
        "no_correct": count(facts["no_correct"], "no_correct"),
        "missing": count(facts["missing"], "missing"),
        "inside": inside_verdict(facts["inside"], facts["face_area"]),
        **focus_verdicts(facts["per_class"], facts["groups"], facts["unfocused"], facts["area"]),
        "agreement": agreement_verdict(facts["agree"], facts["compared"]),
        "concentrated": flag(
            top["smoothgrad"] > top["vanilla"] + CONCENTRATION_GAIN,
            "top_mass.smoothgrad-vanilla",
            gain,
        ),
    }
