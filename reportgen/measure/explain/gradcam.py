"""Grad-CAM (Selvaraju et al. 2017) on a convolutional layer, by default the last one."""

from __future__ import annotations

from reportgen.measure.explain import _quiet  # noqa: F401  (first: TensorFlow without chatter)

# isort: split

import keras
import numpy as np
import tensorflow as tf

from reportgen.measure.explain.model import (
    LOGITS_LAYER,
    as_classes,
    as_input_batch,
    batches,
    conv_block,
    input_depths,
    require_conv_layers,
    sub_model,
)


def last_conv_layer(model: keras.Model) -> str:
    """The name of the model's deepest Conv2D layer: the most layers from the input (in a
    residual block the second conv, not the 1x1 projection of the shortcut beside it, which
    comes later in the layer list); of equals, the later one."""
    depth = input_depths(model)
    names = require_conv_layers(model)
    return max(names, key=lambda name: (depth[name], names.index(name)))


def gradcam_layer(model: keras.Model) -> str:
    """Grad-CAM's default layer: the output of the last conv block, that is the last Conv2D
    or the BatchNormalization/ReLU layers right after it (the rectified feature maps, as the
    Grad-CAM paper uses them)."""
    return conv_block(model, last_conv_layer(model))[-1]


def gradcam(
    model: keras.Model,
    images: np.ndarray,
    classes: np.ndarray | int,
    layer: str | None = None,
    batch_size: int = 128,
) -> np.ndarray:
    """Grad-CAM maps float32 (N, H, W) in [0, 1].

    cam = ReLU(sum_k alpha_k A_k) with alpha_k the spatial mean of d logit_c / d A_k,
    resized bilinearly to the input's size and divided by its maximum (a map that is zero
    everywhere stays zero: no part of the layer speaks for the class).
    layer: a layer with 4-D output (default: gradcam_layer).
    """
    x = as_input_batch(images)
    c = as_classes(classes, len(x))
    cut = sub_model(model, [layer or gradcam_layer(model), LOGITS_LAYER])
    size = x.shape[1:3]
    out = np.empty(x.shape[:3], dtype=np.float32)
    for s in batches(len(x), batch_size):
        xt = tf.convert_to_tensor(x[s])
        with tf.GradientTape() as tape:
            acts, logits = cut(xt, training=False)
            picked = tf.gather(logits, tf.convert_to_tensor(c[s]), axis=1, batch_dims=1)
            total = tf.reduce_sum(picked)
        grads = tape.gradient(total, acts)  # (n, h, w, K)
        alpha = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
        cam = tf.nn.relu(tf.reduce_sum(alpha * acts, axis=-1, keepdims=True))
        cam = tf.image.resize(cam, size, method="bilinear")[..., 0].numpy()
        out[s] = scaled_to_peak(cam)
    return out


def scaled_to_peak(maps: np.ndarray) -> np.ndarray:
    """Each map (N, H, W) divided by its own maximum, so that it runs to 1; a map that is
    zero everywhere stays zero (Grad-CAM's scaling, of one map or of a class's average)."""
    maps = np.asarray(maps)
    peak = maps.max(axis=(1, 2), keepdims=True)
    return np.where(peak > 0, maps / np.where(peak > 0, peak, 1.0), 0.0)


def class_means(maps: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """The mean map (N, H, W) of each class's images, float32 (num_classes, H, W); a class
    with no image gets a map of zeros."""
    labels = np.asarray(labels, dtype=np.int64)
    out = np.zeros((num_classes, *np.shape(maps)[1:]), dtype=np.float32)
    for cls in range(num_classes):
        chosen = labels == cls
        if chosen.any():
            out[cls] = maps[chosen].mean(axis=0)
    return out
