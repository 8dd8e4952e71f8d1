"""The starter architecture file `reportgen init --model` writes (models/my_cnn.py): today's
CNN of the full profile (reportgen/profiles.toml [full.model], runs/models.py) as plain Keras
code, with comments on what to change. Its numbers are filled in from the profile, so the
starter is the CNN reportgen would train."""

from __future__ import annotations

import json
from pathlib import Path
from string import Template

from reportgen.settings.profiles import ModelShape, get_profile

STARTER = Template('''\
"""My CNN for the FER2013 homework: reportgen trains it with --model $path.

reportgen calls build_model(input_shape=(48, 48, 1), num_classes=7) and trains the model it
returns with its recipe (AdamW, warm-up and cosine decay, label smoothing, augmentation), so
this file holds the architecture alone: no compile(), no fit(). The inputs are raw pixels in
0..255; reportgen normalizes them before your first layer (q3 also trains the model without).

Change anything: the numbers below, the blocks, the head. Keep to Keras' own layers (no
Lambda or custom layers: trained models are saved and loaded in safe mode), one input of
input_shape, and an output of num_classes scores (a softmax, or the plain scores). Name your
layers as you like, with letters, digits and _ . -: the report shows them in q1's table, and
q6 and q8 find the convolutional layers whatever they are called. Each change of this file is
a new model: the runs that use it train again.

This starting point is the CNN reportgen trains by default: a space-to-depth stem, then
VGG-style blocks (3x3 convolutions, batch normalization, ReLU, max pooling, dropout growing
with depth), then a dense layer.
"""

import keras
from keras import layers

FILTERS = $filters  # one block per entry: its number of filters (more: wider, slower)
CONVS_PER_BLOCK = $convs_per_block  # 3x3 convolutions in each block
DENSE_UNITS = $dense_units  # the hidden dense layer's width
DROPOUT = $dropout  # the rate after the dense layer
BLOCK_DROPOUT = $block_dropout  # after the last block; block b of n has BLOCK_DROPOUT * b / n
SPACE_TO_DEPTH = $space_to_depth  # each 2x2 patch becomes 4 channels: 4x fewer positions, faster
GLOBAL_POOLING = $global_pooling  # True: average each feature map (fewer weights than Flatten)


def build_model(input_shape, num_classes):
    inputs = keras.Input(input_shape)
    x = inputs
    if SPACE_TO_DEPTH:  # 48x48x1 -> 24x24x4: nothing lost, the convolutions run on 1/4 of it
        half = input_shape[0] // 2
        x = layers.Reshape((half, 2, half, 2), name="s2d_split")(x)
        x = layers.Permute((1, 3, 2, 4), name="s2d_order")(x)
        x = layers.Reshape((half, half, 4), name="s2d_merge")(x)
    for b, filters in enumerate(FILTERS, start=1):
        for c in range(1, CONVS_PER_BLOCK + 1):
            # No bias: the batch normalization after it has its own.
            x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"block{b}_conv{c}")(x)
            x = layers.BatchNormalization(name=f"block{b}_bn{c}")(x)
            x = layers.Activation("relu", name=f"block{b}_relu{c}")(x)
        x = layers.MaxPooling2D(2, name=f"block{b}_pool")(x)
        x = layers.Dropout(BLOCK_DROPOUT * b / len(FILTERS), name=f"block{b}_dropout")(x)
    if GLOBAL_POOLING:
        x = layers.GlobalAveragePooling2D(name="gap")(x)
    else:
        x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(DENSE_UNITS, use_bias=False, name="fc1")(x)
    x = layers.BatchNormalization(name="fc1_bn")(x)
    x = layers.Activation("relu", name="fc1_relu")(x)
    x = layers.Dropout(DROPOUT, name="fc1_dropout")(x)
    logits = layers.Dense(num_classes, name="logits")(x)  # the scores the gradient methods use
    outputs = layers.Activation("softmax", name="softmax")(logits)
    return keras.Model(inputs, outputs, name="my_cnn")
''')


def starter_text(path: str, shape: ModelShape | None = None) -> str:
    """The starter file's text for the profile's CNN shape (default: the full profile's)."""
    shape = shape or get_profile("full").model
    return STARTER.substitute(
        path=json.dumps(path, ensure_ascii=False)[1:-1],  # escaped: it is in a docstring
        filters=repr(tuple(shape.filters)),
        convs_per_block=shape.convs_per_block,
        dense_units=shape.dense_units,
        dropout=shape.dropout,
        block_dropout=shape.block_dropout,
        space_to_depth=shape.stem == "s2d",
        global_pooling=shape.head == "gap",
    )


def write_starter(root: Path, path: str) -> bool:
    """root/path unless it is there. Whether it was written."""
    from reportgen.store.outputs import write_new

    return write_new(root / path, starter_text(path))
