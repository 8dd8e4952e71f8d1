"""Numbers about explanation maps: where their mass lies, whether their peak hits a
region.

maps: (N, H, W) float; mass means |map| (a negative LIME weight is also importance).
masks: bool (N, H, W), or (H, W) for one fixed mask for every image (the FER regions).
Each number is computed per image and then averaged over images, so every image counts
the same whatever its map's scale.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def _as_maps(maps: np.ndarray) -> np.ndarray:
    m = np.abs(np.asarray(maps, dtype=np.float64))
    return m[None] if m.ndim == 2 else m


def _as_masks(mask: np.ndarray, n: int) -> np.ndarray:
    m = np.asarray(mask, dtype=bool)
    return np.broadcast_to(m, (n, *m.shape)) if m.ndim == 2 else m


def mass_shares(maps: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per image: the share of |map| mass inside the mask (NaN for an all-zero map)."""
    m = _as_maps(maps)
    k = _as_masks(mask, len(m))
    total = m.sum(axis=(1, 2))
    inside = (m * k).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, inside / total, np.nan)


def mass_in_regions(maps: np.ndarray, masks: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Mean share of |map| mass inside each region: region -> share in [0, 1]."""
    return {name: float(np.nanmean(mass_shares(maps, mask))) for name, mask in masks.items()}


def pointing_game(maps: np.ndarray, mask: np.ndarray, tolerance: int = 1) -> float:
    """Share of images whose map's maximum lies in the mask dilated by `tolerance` pixels."""
    from scipy.ndimage import binary_dilation

    m = _as_maps(maps)
    k = _as_masks(mask, len(m))
    if tolerance > 0:
        structure = np.zeros((3, 3, 3), dtype=bool)
        structure[1] = [[False, True, False], [True, True, True], [False, True, False]]
        k = binary_dilation(k, structure=structure, iterations=tolerance)
    flat = m.reshape(len(m), -1)
    peak = flat.argmax(axis=1)
    hits = k.reshape(len(k), -1)[np.arange(len(k)), peak]
    return float(hits.mean())
