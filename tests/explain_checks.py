"""What the tests measure of the explanation methods and the report does not: the
model-randomization sanity check (Adebayo et al. 2018), the mass ratio and the mean rank
correlation of two methods' maps.

A method whose map does not change when the model's weights are replaced by random ones
explains the image, not the model. An edge detector is the reference for such a method: its
map ignores the model.
"""

from __future__ import annotations

import keras
import numpy as np
from scipy.stats import rankdata
from skimage.filters import sobel

from reportgen.measure.explain.metrics import mass_shares


def randomized_model(model: keras.Model, seed: int = 0) -> keras.Model:
    """A copy of the model with every trainable weight re-initialized, seeded.

    Kernels (2-D and up) get Glorot-uniform values, biases and BatchNorm betas 0,
    BatchNorm gammas 1. Non-trainable state (the input normalization's statistics,
    BatchNorm's moving averages) is kept, so the input is scaled as before.
    """
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    rng = np.random.default_rng(seed)
    for var in copy.trainable_weights:
        shape = tuple(var.shape)
        name = var.path.rsplit("/", 1)[-1]
        if len(shape) >= 2:
            receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
            fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            value = rng.uniform(-limit, limit, size=shape)
        elif name == "gamma":
            value = np.ones(shape)
        else:
            value = np.zeros(shape)
        var.assign(value.astype(var.dtype))
    return copy


def edge_map(images: np.ndarray) -> np.ndarray:
    """Sobel gradient magnitude of each image (N, H, W) or (N, H, W, 1): float32 (N, H, W)."""
    x = np.asarray(images, dtype=np.float64)
    if x.ndim == 4:
        x = x[..., 0]
    return np.stack([sobel(img) for img in x]).astype(np.float32)


def mass_ratio(maps: np.ndarray, mask: np.ndarray) -> float:
    """Mean over images of (share of |map| mass in the mask) / (share of area in the mask).

    1.0 is chance (a uniform or random map); above 1 the map points at the mask more than
    its area would. Images with an all-zero map or an empty mask are left out.
    """
    m = np.asarray(maps)
    m = m[None] if m.ndim == 2 else m
    k = np.asarray(mask, dtype=bool)
    k = np.broadcast_to(k, (len(m), *k.shape)) if k.ndim == 2 else k
    area = k.mean(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(area > 0, mass_shares(m, k) / area, np.nan)
    return float(np.nanmean(ratios))


def spearman(map_a: np.ndarray, map_b: np.ndarray) -> float:
    """Mean over images of the Spearman rank correlation of two maps, signed values ranked as
    they are (constant maps skipped; NaN if every image has a constant map)."""
    a = np.asarray(map_a, dtype=np.float64)
    b = np.asarray(map_b, dtype=np.float64)
    assert a.shape == b.shape, f"maps differ in shape: {a.shape} vs {b.shape}"
    ra = rankdata(a.reshape(-1, a.shape[-2] * a.shape[-1]), axis=1)
    rb = rankdata(b.reshape(-1, b.shape[-2] * b.shape[-1]), axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    denom = np.sqrt((ra**2).sum(axis=1) * (rb**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.where(denom > 0, (ra * rb).sum(axis=1) / denom, np.nan)
    return float(np.nanmean(rho)) if np.isfinite(rho).any() else float("nan")
