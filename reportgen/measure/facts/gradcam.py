"""What the Grad-CAM maps (reportgen.measure.explain.gradcam) say, in numbers: whether their peaks
fall on the deciding face parts, against chance, and how their mass there differs between
correctly and wrongly classified images."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from reportgen.measure.explain.metrics import mass_shares, pointing_game
from reportgen.measure.facts.regions import subset_masks

PAPER = {"authors": "Selvaraju et al.", "year": 2017}  # Grad-CAM


def live(maps: np.ndarray) -> np.ndarray:
    """Which maps are not zero everywhere (after Grad-CAM's ReLU some are)."""
    return np.asarray(maps).max(axis=(1, 2)) > 0


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
