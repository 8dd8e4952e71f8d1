"""What the explanation methods, and the facts about a model, need of a project model: input
batches, sub-models, its convolutional layers and the blocks they start.

A project model takes raw pixels float32 (N, 48, 48, 1) in 0..255 and returns softmax
probabilities; its layer "logits" holds the scores before the softmax.
"""

from __future__ import annotations

from reportgen.measure.explain import _quiet  # noqa: F401  (first: TensorFlow without chatter)

# isort: split

from collections.abc import Iterator

import keras
import numpy as np

LOGITS_LAYER = "logits"


def as_input_batch(images: np.ndarray) -> np.ndarray:
    """(N, H, W) or (N, H, W, 1), any dtype, pixels 0..255 -> float32 (N, H, W, 1)."""
    x = np.asarray(images, dtype=np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] != 1:
        raise ValueError(f"expected grayscale images (N, H, W) or (N, H, W, 1), got {x.shape}")
    return x


def as_classes(classes: np.ndarray | int, n: int) -> np.ndarray:
    """One class per image: an int (the same for all) or an array (N,) -> int32 (N,)."""
    c = np.broadcast_to(np.asarray(classes, dtype=np.int32), (n,))
    return np.ascontiguousarray(c)


def sub_model(model: keras.Model, outputs: list[str], inputs_of: str | None = None) -> keras.Model:
    """The model cut at the named layers: the model's input -> the named layers' outputs,
    then, with inputs_of, the input of that layer.

    One tensor gives a model with one output tensor, several a list of outputs. Works for
    functional and Sequential models, also after keras.saving.load_model: a Sequential
    model loaded from disk has several graphs (one per build) and `layer.output` can belong
    to another graph than the logits, which cuts the gradient between them, so a
    Sequential model's layers are called once more, in order, on a fresh Input.
    """
    for name in [*outputs, *([inputs_of] if inputs_of else [])]:
        model.get_layer(name)  # a clear error for a name the model lacks
    if len(model.inputs) != 1:
        raise ValueError(f"model {model.name!r} must have one input, has {len(model.inputs)}")
    if isinstance(model, keras.Sequential):
        spec = model.inputs[0]
        x = start = keras.Input(shape=tuple(spec.shape[1:]), dtype=spec.dtype)
        ins, outs = {}, {}
        for layer in model.layers:
            ins[layer.name] = x
            x = outs[layer.name] = layer(x)
    else:
        start = model.inputs[0]
        outs = {name: model.get_layer(name).output for name in outputs}
        ins = {inputs_of: model.get_layer(inputs_of).input} if inputs_of else {}
    tensors = [outs[name] for name in outputs] + ([ins[inputs_of]] if inputs_of else [])
    return keras.Model(start, tensors[0] if len(tensors) == 1 else tensors)


def conv_layer_names(model: keras.Model) -> list[str]:
    """Names of the model's Conv2D layers, input to output."""
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def input_depths(model: keras.Model) -> dict[str, int]:
    """Each layer's longest path from the input, in layers (model.layers is in graph order)."""
    depth: dict[str, int] = {}
    for layer in model.layers:
        parents = [p.operation.name for node in layer._inbound_nodes for p in node.parent_nodes]
        depth[layer.name] = 1 + max((depth.get(name, 0) for name in parents), default=0)
    return depth


def require_conv_layers(model: keras.Model) -> list[str]:
    names = conv_layer_names(model)
    if not names:
        raise ValueError(f"model {model.name!r} has no Conv2D layer")
    return names


def batches(n: int, size: int) -> Iterator[slice]:
    """Slices covering range(n) in steps of size."""
    for start in range(0, n, max(1, size)):
        yield slice(start, min(n, start + size))


# Layers that act on each value (or each channel) on its own: they continue a conv layer's
# block without mixing positions.
ELEMENTWISE = (
    keras.layers.BatchNormalization,
    keras.layers.Activation,
    keras.layers.ReLU,
    keras.layers.LeakyReLU,
    keras.layers.ELU,
    keras.layers.PReLU,
)


def conv_block(model: keras.Model, conv: str) -> list[str]:
    """The conv layer and the elementwise layers that follow it in the graph (each the only
    consumer of the one before: BatchNormalization, activations), in order:
    ["block3_conv1", "block3_bn1", "block3_relu1"]. A conv with its own activation and nothing
    after it gives [conv]; a residual block's second conv stops at the Add."""
    layers = model.layers
    if isinstance(model, keras.Sequential):
        i = [layer.name for layer in layers].index(conv)
        after = layers[i + 1 :]
        taken = next(
            (k for k, layer in enumerate(after) if not isinstance(layer, ELEMENTWISE)), None
        )
        return [conv, *(layer.name for layer in after[:taken])]
    inside = {id(layer) for layer in layers}
    block, layer = [conv], model.get_layer(conv)
    while True:
        consumers = [n.operation for n in layer._outbound_nodes if id(n.operation) in inside]
        if len(consumers) != 1 or not isinstance(consumers[0], ELEMENTWISE):
            return block
        layer = consumers[0]
        block.append(layer.name)


def is_linear(layer: keras.layers.Layer) -> bool:
    linear: bool = layer.get_config().get("activation", "linear") == "linear"
    return linear


def ends_in_nonlinearity(model: keras.Model, block: list[str] | tuple[str, ...]) -> bool:
    """Whether a conv block's output has been through an activation (ours: conv, BN, ReLU;
    a residual net's second conv of a block: conv, BN, then the Add, so not yet)."""
    last = model.get_layer(block[-1])
    if isinstance(last, keras.layers.BatchNormalization):
        return False
    return isinstance(last, ELEMENTWISE) or not is_linear(last)
