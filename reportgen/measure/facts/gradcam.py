"""What the Grad-CAM maps (reportgen.measure.explain.gradcam) say, in numbers: whether their peaks
fall on the deciding face parts, against chance, and how their mass there differs between
correctly and wrongly classified images."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from reportgen.measure.explain.metrics import mass_shares, pointing_game
from reportgen.measure.facts.regions import subset_masks
from reportgen.measure.verdict import Verdict, by_threshold, count, flag

PAPER = {"authors": "Selvaraju et al.", "year": 2017}  # Grad-CAM


def live(maps: np.ndarray) -> np.ndarray:
    """Which maps are not zero everywhere (after Grad-CAM's ReLU some are)."""
    alive: np.ndarray = np.asarray(maps).max(axis=(1, 2)) > 0
    return alive


def pointing_per_class(
    per_class: Sequence[dict[str, Any]],
    maps: np.ndarray,
    labels: np.ndarray,
    deciding: np.ndarray,
    tolerance: int,
) -> list[dict[str, Any]]:
    """Each class's entry with `pointing`, the share of its images whose map peaks on the
    deciding regions (widened by tolerance pixels; maps that are zero everywhere left out,
    None without any), and `zero_maps`, how many of its maps are zero everywhere."""
    alive = live(maps)
    out = []
    for c in per_class:
        idx = np.flatnonzero(np.asarray(labels) == c["class"])
        kept = idx[alive[idx]]
        hits = (
            pointing_game(maps[kept], subset_masks({"d": deciding}, kept)["d"], tolerance)
            if len(kept)
            else None
        )
        out.append({**c, "pointing": hits, "zero_maps": int(len(idx) - len(kept))})
    return out


def pointing_chance(
    shape: tuple[int, ...], deciding: np.ndarray, tolerance: int, seed: int
) -> float:
    """The pointing game's chance level: random maps, whose peaks fall anywhere."""
    noise = np.random.default_rng(seed).random(shape)
    return pointing_game(noise, deciding, tolerance)


def deciding_share_by_outcome(
    maps: np.ndarray, deciding: np.ndarray, correct: np.ndarray
) -> dict[str, Any]:
    """The mean share of the maps' mass on the deciding regions, over the correctly and the
    wrongly classified images (None where no map of the group is non-zero), and the counts."""
    shares = mass_shares(maps, deciding)

    def mean(sel: np.ndarray) -> float | None:
        return float(np.nanmean(shares[sel])) if np.isfinite(shares[sel]).any() else None

    return {
        "correct": mean(correct),
        "wrong": mean(~correct),
        "n_correct": int(correct.sum()),
        "n_wrong": int((~correct).sum()),
    }


def map_range(maps: np.ndarray) -> list[float]:
    """The smallest and largest value of the maps that are not zero everywhere (Grad-CAM's
    scaling: 0 to 1)."""
    alive = np.asarray(maps)[live(maps)]
    return [float(alive.min()), float(alive.max())] if len(alive) else [0.0, 0.0]


# A class whose maps peak on the deciding regions more than this many times as often as
# random maps do is far above chance.
OVER_CHANCE = 2.0
# The deciding regions' share of the map, correct against wrong images: a difference within
# three points is no difference (both shares are means over maps that vary a lot).
OUTCOME_MARGIN = 0.03
# A Grad-CAM grid of this many cells a side or fewer is coarse on a 48x48 face: each cell
# upsamples to 4x4 pixels or more, so the maps are blobs.
COARSE_GRID = 12


def gradcam_verdicts(facts: Mapping[str, Any]) -> dict[str, Verdict]:
    """What q8's facts say: after_conv (Grad-CAM weighs a layer after the last Conv2D, its
    batch norm or ReLU), unfocused (the classes on which no region stands out), pointing
    (pointing_verdict), outcome (outcome_verdict of the deciding share), coarse (the layer's
    grid has at most COARSE_GRID cells a side)."""
    side = facts["layer_shape"][0]
    return {
        "after_conv": flag(facts["cam_layer"] != facts["layer"], "cam_layer_not_conv"),
        "unfocused": count(facts["unfocused"], "unfocused"),
        "pointing": pointing_verdict(facts["per_class"], facts["pointing_chance"]),
        "outcome": outcome_verdict(facts["deciding_share"]),
        "coarse": flag(side <= COARSE_GRID, "grid_side", side),
    }


def pointing_verdict(per_class: Sequence[Mapping[str, Any]], chance: float) -> Verdict:
    """The pointing game against chance: all_above (even the class whose maps peak least
    often on the deciding regions does so over OVER_CHANCE times chance), best_above (only
    the best one does), near_chance (not even that), unknown (no class has a rate). Subjects:
    the best class and, where another class has a rate, the worst (ties in class order)."""
    ranked = sorted(
        (c for c in per_class if c["pointing"] is not None), key=lambda c: c["pointing"]
    )
    if not ranked:
        return Verdict("unknown")
    lo, hi = ranked[0], ranked[-1]
    ends = (hi["class"], lo["class"]) if len(ranked) > 1 else (hi["class"],)
    if lo["pointing"] > OVER_CHANCE * chance:
        name, rate = "all_above", lo["pointing"]
    elif hi["pointing"] > OVER_CHANCE * chance:
        name, rate = "best_above", hi["pointing"]
    else:
        name, rate = "near_chance", hi["pointing"]
    ratio = rate / chance if chance > 0 else None
    return Verdict(name, "pointing_over_chance", ratio, subjects=tuple(int(c) for c in ends))


def outcome_verdict(share: Mapping[str, Any]) -> Verdict:
    """The deciding regions' share of Grad-CAM on correctly against wrongly classified
    images: correct_more, wrong_more, alike (within OUTCOME_MARGIN); unknown without both."""
    if share["correct"] is None or share["wrong"] is None:
        return Verdict("unknown")
    names = ("correct_more", "wrong_more", "alike")
    return by_threshold(
        share["correct"] - share["wrong"], OUTCOME_MARGIN, names, "deciding_correct_minus_wrong"
    )
