"""The outputs of one layer's filters for one input image."""

from __future__ import annotations

from reportgen.measure.explain import _quiet  # noqa: F401  (first: TensorFlow without chatter)

# isort: split

import keras
import numpy as np

from reportgen.measure.explain.model import as_input_batch, sub_model


def feature_maps(model: keras.Model, image: np.ndarray, layer: str) -> np.ndarray:
    """The named layer's output for one image (H, W) or (H, W, 1): float32 (F, h, w)."""
    x = as_input_batch(np.asarray(image)[None])
    acts = np.asarray(sub_model(model, [layer])(x, training=False))
    if acts.ndim != 4:
        raise ValueError(f"layer {layer!r} gives {acts.ndim - 1}-D outputs, not feature maps")
    return np.ascontiguousarray(np.moveaxis(acts[0], -1, 0), dtype=np.float32)
