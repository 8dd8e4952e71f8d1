"""Numbers about explanation maps: where their mass lies, whether their peak hits a
region, how alike two methods' maps are.

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


def mass_ratio(maps: np.ndarray, mask: np.ndarray) -> float:
    """Mean over images of (share of |map| mass in the mask) / (share of area in the mask).

    1.0 is chance (a uniform or random map); above 1 the map points at the mask more than
    its area would. Images with an all-zero map or an empty mask are left out.
    """
    m = _as_maps(maps)
    k = _as_masks(mask, len(m))
    area = k.mean(axis=(1, 2))
    shares = mass_shares(m, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(area > 0, shares / area, np.nan)
    return float(np.nanmean(ratios))


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


def spearman_per_image(map_a: np.ndarray, map_b: np.ndarray) -> np.ndarray:
    """Spearman rank correlation of two maps, image by image (NaN where a map is constant).

    Signed maps are ranked as they are (not their absolute values).
    """
    from scipy.stats import rankdata

    a = np.asarray(map_a, dtype=np.float64)
    b = np.asarray(map_b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"maps differ in shape: {a.shape} vs {b.shape}")
    a = a.reshape(-1, a.shape[-2] * a.shape[-1])
    b = b.reshape(-1, b.shape[-2] * b.shape[-1])
    ra = rankdata(a, axis=1)
    rb = rankdata(b, axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    denom = np.sqrt((ra**2).sum(axis=1) * (rb**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (ra * rb).sum(axis=1) / denom, np.nan)


def spearman(map_a: np.ndarray, map_b: np.ndarray) -> float:
    """Mean over images of the Spearman rank correlation of two maps (constant maps skipped;
    NaN if every image has a constant map)."""
    rho = spearman_per_image(map_a, map_b)
    return float(np.nanmean(rho)) if np.isfinite(rho).any() else float("nan")
