"""Gradient saliency: vanilla |d logit_c / d x| and SmoothGrad.

Gradients are taken of the class logit (the "logits" layer, before the softmax), so a
confident prediction does not flatten the map the way the softmax's saturation would.
"""

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
    sub_model,
)

PIXEL_RANGE = 255.0


def logit_gradients(logit_model: keras.Model, x: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """d logit_{classes[i]} / d x[i] for a batch x (N, H, W, 1) -> (N, H, W, 1) float32."""
    xt = tf.convert_to_tensor(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        logits = logit_model(xt, training=False)
        picked = tf.gather(logits, tf.convert_to_tensor(classes), axis=1, batch_dims=1)
        # The images of a batch do not interact (inference mode), so the gradient of the
        # sum is each image's own gradient.
        total = tf.reduce_sum(picked)
    gradients: np.ndarray = tape.gradient(total, xt).numpy()
    return gradients


def vanilla_saliency(
    model: keras.Model, images: np.ndarray, classes: np.ndarray | int, batch_size: int = 128
) -> np.ndarray:
    """|d logit_c / d x| per pixel: float32 (N, H, W)."""
    x = as_input_batch(images)
    c = as_classes(classes, len(x))
    logit_model = sub_model(model, [LOGITS_LAYER])
    out = np.empty(x.shape[:3], dtype=np.float32)
    for s in batches(len(x), batch_size):
        out[s] = np.abs(logit_gradients(logit_model, x[s], c[s]))[..., 0]
    return out


def smoothgrad(
    model: keras.Model,
    images: np.ndarray,
    classes: np.ndarray | int,
    samples: int = 25,
    noise: float = 0.15,
    seed: int = 0,
    batch_size: int = 256,
) -> np.ndarray:
    """SmoothGrad (Smilkov et al. 2017): |mean of d logit_c / d x over noisy copies|.

    noise: the Gaussian noise's standard deviation as a fraction of the pixel range 255.
    The noisy copies of several images go through the model in one batch of about
    batch_size rows. Returns float32 (N, H, W).
    """
    if samples < 1:
        raise ValueError("samples must be >= 1")
    x = as_input_batch(images)
    c = as_classes(classes, len(x))
    logit_model = sub_model(model, [LOGITS_LAYER])
    rng = np.random.default_rng(seed)
    sigma = noise * PIXEL_RANGE
    per_batch = max(1, batch_size // samples)  # images per model call
    out = np.empty(x.shape[:3], dtype=np.float32)
    for s in batches(len(x), per_batch):
        group = x[s]
        noisy = np.repeat(group, samples, axis=0)
        noisy += rng.normal(0.0, sigma, size=noisy.shape).astype(np.float32)
        grads = logit_gradients(logit_model, noisy, np.repeat(c[s], samples))
        grads = grads.reshape(len(group), samples, *group.shape[1:3])
        out[s] = np.abs(grads.mean(axis=1))
    return out
