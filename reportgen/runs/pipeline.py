"""tf.data input pipelines: uint8 images in memory, cast, augmented and batched on the fly."""

from __future__ import annotations

from typing import Any

import numpy as np

from reportgen.data.classes import NUM_CLASSES
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


# Named, not two lambdas on one line, which autograph cannot tell apart in the source (it
# warned on every prediction with flip TTA and ran them unconverted).
def _image(x: Any, _y: Any) -> Any:
    return x


def _mirror(x: Any, _y: Any) -> Any:
    return x[:, :, ::-1, :]


def predict_probs(
    model: Any, images: np.ndarray, batch_size: int = 256, tta_flip: bool = False
) -> np.ndarray:
    """Softmax probabilities (N, 7) float32 for uint8 images (N, 48, 48). tta_flip: the mean
    of the probabilities of each image and of its mirror image (test-time augmentation).
    Through model.predict: traced once per model, not run op by op."""
    if len(images) == 0:
        return np.zeros((0, NUM_CLASSES), np.float32)
    views = (False, True) if tta_flip else (False,)
    total = np.zeros((len(images), NUM_CLASSES), np.float64)
    for mirrored in views:
        ds = eval_dataset(images, None, batch_size)
        ds = ds.map(_mirror if mirrored else _image)
        total += model.predict(ds, verbose=0)
    return (total / len(views)).astype(np.float32)
