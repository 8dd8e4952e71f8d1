"""The model-randomization sanity check (Adebayo et al. 2018): a method whose map does not
change when the model's weights are replaced by random ones explains the image, not the
model. An edge detector is the reference for such a method: its map ignores the model.
"""

from __future__ import annotations

from reportgen.explain import _quiet  # noqa: F401  (first: TensorFlow without chatter)

# isort: split

import keras
import numpy as np
from skimage.filters import sobel


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
