"""tf.data input pipelines: uint8 images in memory, cast, augmented and batched on the fly."""

from __future__ import annotations

from typing import Any

import numpy as np

from reportgen.classes import IMAGE_SIZE, NUM_CLASSES
from reportgen.runs.augment import augment_batch
from reportgen.runs.spec import AugmentSpec
from reportgen.tfenv import tensorflow


def _as_float(images: Any, labels: Any) -> tuple[Any, Any]:
    tf = tensorflow()
    return tf.cast(images, tf.float32)[..., None], labels


def train_dataset(
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    augment: AugmentSpec | None,
    seed: int,
    one_hot: bool = True,
) -> Any:
    """Shuffled batches of (float32 images, one-hot labels); each batch augmented with its own
    stateless seed, so that an epoch's batches are the same whenever it is run."""
    tf = tensorflow()
    ds = tf.data.Dataset.from_tensor_slices((images, labels))
    ds = ds.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).map(_as_float, num_parallel_calls=tf.data.AUTOTUNE)
    if one_hot:
        ds = ds.map(lambda x, y: (x, tf.one_hot(y, NUM_CLASSES)))
    if augment is not None:
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = tf.data.Dataset.zip((ds, seeds)).map(
            lambda xy, s: (augment_batch(xy[0], augment, s), xy[1]),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return ds.prefetch(tf.data.AUTOTUNE)


def eval_dataset(
    images: np.ndarray, labels: np.ndarray | None, batch_size: int, one_hot: bool = False
) -> Any:
    tf = tensorflow()
    if labels is None:
        labels = np.zeros(len(images), dtype=np.int64)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size)
    ds = ds.map(_as_float, num_parallel_calls=tf.data.AUTOTUNE)
    if one_hot:
        ds = ds.map(lambda x, y: (x, tf.one_hot(y, NUM_CLASSES)))
    return ds.prefetch(tf.data.AUTOTUNE)


def tta_views(tta_flip: bool, tta_shift: int = 0) -> list[tuple[bool, int, int]]:
    """The test-time views (mirrored, dx, dy): the image, its mirror when tta_flip, and with
    tta_shift > 0 the image moved that many pixels left, right, up and down (each mirrored
    too when tta_flip)."""
    k = tta_shift
    moves = [(0, 0)] + ([(k, 0), (-k, 0), (0, k), (0, -k)] if k else [])
    mirrors = (False, True) if tta_flip else (False,)
    return [(m, dx, dy) for dx, dy in moves for m in mirrors]


def _view(images: Any, mirrored: bool, dx: int, dy: int) -> Any:
    """images (n, 48, 48, 1) seen mirrored and moved by (dx, dy), borders reflected."""
    tf = tensorflow()
    if mirrored:
        images = images[:, :, ::-1, :]
    if dx or dy:
        pad = max(abs(dx), abs(dy))
        padded = tf.pad(images, [[0, 0], [pad, pad], [pad, pad], [0, 0]], mode="REFLECT")
        top, left = pad - dy, pad - dx
        images = padded[:, top : top + IMAGE_SIZE, left : left + IMAGE_SIZE, :]
    return images


def predict_probs(
    model: Any,
    images: np.ndarray,
    batch_size: int = 256,
    tta_flip: bool = False,
    tta_shift: int = 0,
) -> np.ndarray:
    """Softmax probabilities (N, 7) float32 for uint8 images (N, 48, 48): with test-time
    augmentation (tta_flip, tta_shift), the mean of the probabilities over the views."""
    if len(images) == 0:
        return np.zeros((0, NUM_CLASSES), np.float32)
    total = np.zeros((len(images), NUM_CLASSES), np.float64)
    views = tta_views(tta_flip, tta_shift)
    for mirrored, dx, dy in views:
        ds = eval_dataset(images, None, batch_size).map(
            lambda x, _y, m=mirrored, a=dx, b=dy: _view(x, m, a, b)
        )
        total += model.predict(ds, verbose=0)
    return (total / len(views)).astype(np.float32)
