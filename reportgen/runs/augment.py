"""Training-time augmentation: one random affine transform per image, in one op per batch.

Flip, rotation, zoom and shift are composed into a single 3x3 matrix per image and applied by
ImageProjectiveTransformV3 (bilinear, reflected borders): one resampling instead of one per
Keras layer, and cheap enough to run beside training on two CPU cores.
"""

from __future__ import annotations

import math
from typing import Any

from reportgen.data.classes import IMAGE_SIZE
from reportgen.runs.spec import AugmentSpec
from reportgen.tfenv import tensorflow


def affine_matrices(spec: AugmentSpec, n: Any, seed: Any) -> Any:
    """(n, 8) projective transforms (output pixel -> input pixel), drawn from a stateless
    seed (shape (2,) int) so that a batch's augmentation is reproducible."""
    tf = tensorflow()
    seeds = tf.random.experimental.stateless_split(seed, 5)

    def uniform(i: int, bound: float) -> Any:
        return tf.random.stateless_uniform([n], seeds[i], -bound, bound)

    angle = uniform(0, spec.rotation_degrees * math.pi / 180.0)
    scale = 1.0 + uniform(1, spec.zoom)
    shift_x = uniform(2, spec.shift * IMAGE_SIZE)
    shift_y = uniform(3, spec.shift * IMAGE_SIZE)
    mirror = tf.random.stateless_uniform([n], seeds[4]) < 0.5 if spec.flip else tf.zeros([n], bool)
    flip = tf.where(mirror, -1.0, 1.0)
    centre = (IMAGE_SIZE - 1) / 2.0
    cos, sin = tf.cos(angle) / scale, tf.sin(angle) / scale
    a0, a1, b0, b1 = cos * flip, -sin, sin * flip, cos
    a2 = centre - a0 * centre - a1 * centre + shift_x
    b2 = centre - b0 * centre - b1 * centre + shift_y
    zeros = tf.zeros([n])
    return tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)


def augment_batch(images: Any, spec: AugmentSpec, seed: Any) -> Any:
    """images: float32 (n, 48, 48, 1) -> the same, each image moved by its own transform."""
    tf = tensorflow()
    transforms = affine_matrices(spec, tf.shape(images)[0], seed)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=transforms,
        output_shape=[IMAGE_SIZE, IMAGE_SIZE],
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="REFLECT",
    )
