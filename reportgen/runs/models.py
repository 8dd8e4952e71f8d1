"""The two models of the homework, as Keras 3 functional models.

Both take raw pixels (N, 48, 48, 1) in 0..255 and end in a layer named "logits" (reportgen's
CNN and DNN: a Dense) and a float32 softmax named "probs". Normalization, when the spec asks
for it, is a layer inside the model, so a saved model needs nothing else to predict. The CNN
is the profile's, or the student's own (spec.user: runs/user_model.py puts its layers in
this contract); the DNN is sized to the CNN's parameter count.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from reportgen.data.classes import IMAGE_SIZE, NUM_CLASSES, PIXELS
from reportgen.runs.spec import ModelSpec

DNN_HIDDEN_LAYERS = 3


def build_model(
    spec: ModelSpec, mean: float | None = None, std: float | None = None
) -> keras.Model:
    """mean/std: the training set's pixel statistics; None leaves the inputs raw."""
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="pixels")
    x = inputs
    if mean is not None and std is not None:
        x = keras.layers.Normalization(mean=mean, variance=std**2, name="normalize")(x)
    if spec.kind == "cnn" and spec.user is not None:
        from reportgen.runs.user_model import user_logits

        logits = user_logits(spec.user, x)
    else:
        body = _cnn_body if spec.kind == "cnn" else _dnn_body
        logits = keras.layers.Dense(NUM_CLASSES, name="logits")(body(spec, x))
    probs = keras.layers.Activation("softmax", dtype="float32", name="probs")(logits)
    return keras.Model(inputs, probs, name=spec.kind)


def _space_to_depth(x: keras.KerasTensor) -> keras.KerasTensor:
    """48x48x1 -> 24x24x4: each 2x2 patch becomes 4 channels. Nothing is lost, and the convs
    that follow run on a quarter of the positions (on CPUs, convolutions over a single input
    channel at full size are the slowest part of a small CNN)."""
    half = IMAGE_SIZE // 2
    x = keras.layers.Reshape((half, 2, half, 2), name="s2d_split")(x)
    x = keras.layers.Permute((1, 3, 2, 4), name="s2d_order")(x)
    return keras.layers.Reshape((half, half, 4), name="s2d_merge")(x)


def _cnn_body(spec: ModelSpec, x: keras.KerasTensor) -> keras.KerasTensor:
    n_blocks = len(spec.filters)
    if spec.stem == "s2d":
        x = _space_to_depth(x)
    for b, filters in enumerate(spec.filters, start=1):
        for c in range(1, spec.convs_per_block + 1):
            x = keras.layers.Conv2D(
                filters,
                3,
                padding="same",
                use_bias=not spec.batch_norm,
                name=f"block{b}_conv{c}",
            )(x)
            if spec.batch_norm:
                x = keras.layers.BatchNormalization(name=f"block{b}_bn{c}")(x)
            x = keras.layers.Activation("relu", name=f"block{b}_relu{c}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"block{b}_pool")(x)
        # Dropout grows with depth, as in most hand-ins that reached 0.70.
        x = keras.layers.Dropout(spec.block_dropout * b / n_blocks, name=f"block{b}_dropout")(x)
    if spec.head == "gap":
        x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    else:
        x = keras.layers.Flatten(name="flatten")(x)
    return _dense_block(spec, x, spec.dense_units, "fc1")


def _dnn_body(spec: ModelSpec, x: keras.KerasTensor) -> keras.KerasTensor:
    width = dnn_width(spec)
    x = keras.layers.Flatten(name="flatten")(x)
    for i in range(1, DNN_HIDDEN_LAYERS + 1):
        x = _dense_block(spec, x, width, f"fc{i}")
    return x


def _dense_block(spec: ModelSpec, x: keras.KerasTensor, units: int, name: str) -> keras.KerasTensor:
    x = keras.layers.Dense(units, use_bias=not spec.batch_norm, name=name)(x)
    if spec.batch_norm:
        x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    x = keras.layers.Activation("relu", name=f"{name}_relu")(x)
    return keras.layers.Dropout(spec.dropout, name=f"{name}_dropout")(x)


def _dense_params(n_in: int, n_out: int, batch_norm: bool) -> int:
    # With batch norm the Dense has no bias; BN holds 4 numbers a unit (2 trainable).
    return n_in * n_out + (4 * n_out if batch_norm else n_out)


def cnn_params(spec: ModelSpec) -> int:
    total, channels, size = 0, 1, IMAGE_SIZE
    if spec.stem == "s2d":
        channels, size = 4, IMAGE_SIZE // 2
    for filters in spec.filters:
        for _ in range(spec.convs_per_block):
            total += 9 * channels * filters + (4 * filters if spec.batch_norm else filters)
            channels = filters
        size //= 2
    features = channels if spec.head == "gap" else size * size * channels
    total += _dense_params(features, spec.dense_units, spec.batch_norm)
    return total + spec.dense_units * NUM_CLASSES + NUM_CLASSES


def dnn_params(width: int, batch_norm: bool) -> int:
    total = _dense_params(PIXELS, width, batch_norm)
    total += (DNN_HIDDEN_LAYERS - 1) * _dense_params(width, width, batch_norm)
    return total + width * NUM_CLASSES + NUM_CLASSES


def matched_params(spec: ModelSpec) -> int:
    """The parameter count the DNN matches: the CNN's (the student's own, as built)."""
    if spec.user is None:
        return cnn_params(spec)
    from reportgen.runs.user_model import user_params

    return user_params(spec.user)


def dnn_width(spec: ModelSpec) -> int:
    """The hidden width that gives the DNN the CNN's parameter count (solved, then nudged)."""
    target = matched_params(spec)
    per_unit = 4 if spec.batch_norm else 1
    # (L-1) w^2 + (PIXELS + (L) per_unit + 7) w + 7 = target
    a = DNN_HIDDEN_LAYERS - 1
    b = PIXELS + DNN_HIDDEN_LAYERS * per_unit + NUM_CLASSES
    c = NUM_CLASSES - target
    width = max(1, round((-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)))
    candidates = range(max(1, width - 2), width + 3)
    return min(candidates, key=lambda w: abs(dnn_params(w, spec.batch_norm) - target))


def param_counts(model: keras.Model) -> dict[str, int]:
    trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    non_trainable = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    return {
        "trainable": trainable,
        "non_trainable": non_trainable,
        "total": trainable + non_trainable,
    }
