"""tf.data input pipelines: uint8 images in memory, cast, augmented and batched on the fly."""

from __future__ import annotations

from typing import Any

import numpy as np

from reportgen.runs.spec import AugmentSpec
from reportgen.tfenv import tensorflow


def augmenter(spec: AugmentSpec, seed: int) -> Any:
    """Random flip, shift, rotation and zoom as one Keras Sequential (training batches only)."""
    import keras

    layers: list[Any] = []
    if spec.flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed))
    if spec.shift:
        layers.append(
            keras.layers.RandomTranslation(
                spec.shift, spec.shift, fill_mode="nearest", seed=seed + 1
            )
        )
    if spec.rotation_degrees:
        layers.append(
            keras.layers.RandomRotation(
                spec.rotation_degrees / 360.0, fill_mode="nearest", seed=seed + 2
            )
        )
    if spec.zoom:
        layers.append(keras.layers.RandomZoom(spec.zoom, fill_mode="nearest", seed=seed + 3))
    return keras.Sequential(layers, name="augment")


def _as_float(images: Any, labels: Any) -> tuple[Any, Any]:
    tf = tensorflow()
    return tf.cast(images, tf.float32)[..., None], labels


def train_dataset(
    images: np.ndarray, labels: np.ndarray, batch_size: int, augment: AugmentSpec | None, seed: int
) -> Any:
    tf = tensorflow()
    ds = tf.data.Dataset.from_tensor_slices((images, labels))
    ds = ds.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).map(_as_float, num_parallel_calls=tf.data.AUTOTUNE)
    if augment is not None:
        aug = augmenter(augment, seed)
        ds = ds.map(lambda x, y: (aug(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def eval_dataset(images: np.ndarray, labels: np.ndarray | None, batch_size: int) -> Any:
    tf = tensorflow()
    if labels is None:
        labels = np.zeros(len(images), dtype=np.int64)
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size)
    return ds.map(_as_float, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def predict_probs(model: Any, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Softmax probabilities (N, 7) float32 for uint8 images (N, 48, 48)."""
    out = [
        np.asarray(model(x, training=False), dtype=np.float32)
        for x, _ in eval_dataset(images, None, batch_size)
    ]
    return np.concatenate(out) if out else np.zeros((0, 7), np.float32)
