"""What a trained model is, read from it: its layers in order and its architecture in
numbers (the input it takes, conv filters, pooling, dense widths, dropout rates, classes)."""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import Any


def shape_text(shape: Any) -> str:
    """Keras' way: (None, 48, 48, 8)."""
    return "(" + ", ".join("None" if d is None else str(int(d)) for d in shape) + ")"


def layer_rows(model: Any) -> list[dict[str, Any]]:
    """Every layer of the model in order: name, type, output shape, parameters."""
    return [
        {
            "name": layer.name,
            "type": type(layer).__name__,
            "output_shape": shape_text(layer.output.shape),
            "params": int(layer.count_params()),
        }
        for layer in model.layers
    ]


def _of(model: Any, kind: Any) -> list[Any]:
    return [layer for layer in model.layers if isinstance(layer, kind)]


def architecture_facts(rows: list[dict[str, Any]], model: Any) -> dict[str, Any]:
    """What the layer list says in numbers: input shape and size, conv filters, pooling,
    dense widths, dropout rates (those before the Flatten follow conv blocks, those after it
    dense layers), classes (the width of the last layer)."""
    import keras

    layers = list(model.layers)
    flat = next((i for i, lyr in enumerate(layers) if isinstance(lyr, keras.layers.Flatten)), 0)
    convs = _of(model, keras.layers.Conv2D)
    pools = _of(model, keras.layers.MaxPooling2D)
    dense = [lyr for lyr in _of(model, keras.layers.Dense) if lyr.name != "logits"]

    def rates(part: list[Any]) -> list[float]:
        return [round(float(lyr.rate), 3) for lyr in part if isinstance(lyr, keras.layers.Dropout)]

    image = [int(d) for d in model.inputs[0].shape[1:3]]
    s2d = next((lyr for lyr in layers if lyr.name == "s2d_merge"), None)
    return {
        "input_shape": image,
        "input_size": prod(int(d) for d in model.inputs[0].shape[1:]),
        "n_layers": len(rows),
        "n_conv": len(convs),
        "conv_filters": [int(c.filters) for c in convs],
        "kernel_size": [int(k) for k in convs[0].kernel_size] if convs else None,
        "n_pool": len(pools),
        "pool_size": [int(k) for k in pools[0].pool_size] if pools else None,
        "feature_map": [int(d) for d in pools[-1].output.shape[1:]] if pools else None,
        "flatten_units": int(layers[flat].output.shape[-1]) if flat else None,
        "n_batch_norm": sum(r["type"] == "BatchNormalization" for r in rows),
        "hidden_units": [int(d.units) for d in dense],
        "conv_dropouts": rates(layers[:flat]),
        "dense_dropouts": rates(layers[flat:]),
        "n_classes": int(model.outputs[0].shape[-1]),
        "space_to_depth": _space_to_depth(s2d, image),
    }


def _space_to_depth(s2d: Any, image: list[int]) -> dict[str, Any] | None:
    """The space-to-depth stem (runs/models.py): each block x block patch -> channels."""
    if s2d is None:
        return None
    return {
        "block": image[0] // int(s2d.output.shape[1]),
        "shape": [int(d) for d in s2d.output.shape[1:]],
    }


# --- any model: the student's own ------------------------------------------------------

# The layers reportgen puts around a model (runs/models.py, runs/user_model.py).
WRAPPER_LAYERS = ("normalize", "rescale", "probs")
HEADS = {
    "Flatten": "flatten",
    "GlobalAveragePooling2D": "global_average",
    "GlobalMaxPooling2D": "global_max",
}


def _activation_name(layer: Any) -> str | None:
    """The nonlinearity a layer applies, by Keras' name (relu, leaky_relu, ...); None for a
    linear one or a softmax."""
    config = layer.get_config()
    name = type(layer).__name__
    if name in ("ReLU", "LeakyReLU", "ELU", "PReLU"):
        return {"ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu", "PReLU": "prelu"}[name]
    act = config.get("activation")
    return act if isinstance(act, str) and act not in ("linear", "softmax") else None


def own_layers(model: Any) -> tuple[list[Any], Any]:
    """The student's layers of a model in reportgen's contract (in order, without the input
    and what reportgen added), and the layer whose output is the logits."""
    import keras

    layers = [lyr for lyr in model.layers if not isinstance(lyr, keras.layers.InputLayer)]
    logits = model.get_layer("logits")
    producer = logits
    if isinstance(logits, keras.layers.Identity):
        producer = layers[layers.index(logits) - 1]
    added = {id(logits)} if producer is not logits else set()
    own = [lyr for lyr in layers if lyr.name not in WRAPPER_LAYERS and id(lyr) not in added]
    return own, producer


def structure_facts(model: Any) -> dict[str, Any]:
    """The student's model in numbers, whatever its shape: its layers (n_layers, without
    reportgen's), conv layers (n_conv, their filters in order, their distinct kernel sizes),
    batch-normalization layers, nonlinearities (Keras' names, in order of first use),
    pooling layers (max, average), residual connections (Add layers) and Concatenate layers,
    the head that turns feature maps into a vector (flatten, global_average, global_max or
    None) with the shape it takes (head_in) and its width (head_units), the hidden dense
    widths (without the layer that gives the logits), dropout rates, and which of reportgen's
    layers surround it (wrapper: normalize, rescale, logits when reportgen added it)."""
    import keras

    own, producer = own_layers(model)
    convs = [lyr for lyr in own if isinstance(lyr, keras.layers.Conv2D)]
    kernels = _first_seen([[int(k) for k in conv.kernel_size] for conv in convs])
    activations = _first_seen([act for act in map(_activation_name, own) if act])
    head = next((lyr for lyr in own if type(lyr).__name__ in HEADS), None)
    dense = [lyr for lyr in own if isinstance(lyr, keras.layers.Dense) and lyr is not producer]
    count = _counter(own)

    return {
        "n_layers": len(own),
        "n_conv": len(convs),
        "conv_filters": [int(c.filters) for c in convs],
        "kernel_sizes": kernels,
        "n_batch_norm": count(keras.layers.BatchNormalization),
        "activations": activations,
        "n_max_pool": count(keras.layers.MaxPooling2D),
        "n_average_pool": count(keras.layers.AveragePooling2D),
        "n_add": count(keras.layers.Add),
        "n_concatenate": count(keras.layers.Concatenate),
        "head": None if head is None else HEADS[type(head).__name__],
        "head_in": None if head is None else [int(d) for d in head.input.shape[1:]],
        "head_units": None if head is None else int(head.output.shape[-1]),
        "hidden_units": [int(d.units) for d in dense],
        "dropouts": [round(float(d.rate), 3) for d in own if isinstance(d, keras.layers.Dropout)],
        "output_layer": producer.name,
        "n_classes": int(model.outputs[0].shape[-1]),
        **_wrapper_facts(model, producer),
    }


def _counter(layers: list[Any]) -> Callable[..., int]:
    """count(*kinds): how many of the layers are of any of these kinds."""
    return lambda *kinds: sum(isinstance(lyr, kinds) for lyr in layers)


def _first_seen(items: list[Any]) -> list[Any]:
    """The distinct items, in order of first appearance."""
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _wrapper_facts(model: Any, producer: Any) -> dict[str, Any]:
    """Which of reportgen's layers surround the student's, and the rescale's divisor."""
    wrapper = [
        name for name in ("normalize", "rescale") if any(lyr.name == name for lyr in model.layers)
    ]
    return {
        "wrapper": wrapper + (["logits"] if producer.name != "logits" else []),
        "rescale_divisor": next(
            (round(1 / float(lyr.scale)) for lyr in model.layers if lyr.name == "rescale"), None
        ),
    }
