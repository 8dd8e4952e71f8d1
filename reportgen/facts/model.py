"""What a trained model is, read from it: its layers in order and its architecture in
numbers (the input it takes, conv filters, pooling, dense widths, dropout rates, classes)."""

from __future__ import annotations

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
        return [round(float(lyr.rate), 4) for lyr in part if isinstance(lyr, keras.layers.Dropout)]

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
        # the space-to-depth stem (runs/models.py): each block x block patch -> channels
        "space_to_depth": None
        if s2d is None
        else {
            "block": image[0] // int(s2d.output.shape[1]),
            "shape": [int(d) for d in s2d.output.shape[1:]],
        },
    }
