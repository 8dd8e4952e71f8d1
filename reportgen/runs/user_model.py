"""The student's own model in reportgen's contract (runs/models.py): raw pixels in, the layer
"logits" before a float32 softmax out.

The model comes from the student's file: build_model(input_shape, num_classes) of a `.py`
(loaded from its path, nothing added to sys.path) or a `.keras` model (loaded with
safe_mode). Its layers are then called again, one by one and by their own names, on
reportgen's input (after the "normalize" layer when the run normalizes), nested models
flattened, so that the trained model is one plain graph: the gradient methods reach every
layer, the conv layers are found by type, and the saved model loads with safe_mode and no
custom objects. A softmax at the end, as a layer or as the last layer's activation, is taken
off: its input is the logits. Each layer is a copy made from its config (fresh weights); a
trained model's weights are copied over.

Anything that cannot take part is refused in one line naming the file: no build_model, a
build_model that raises (with its line), no keras.Model, a subclassed model, the wrong input
or output shape, a Lambda or custom layer, no Conv2D layer, an output that is neither a
softmax nor linear.
"""

from __future__ import annotations

import collections
import contextlib
import importlib.util
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keras

from reportgen.data.classes import IMAGE_SIZE, NUM_CLASSES
from reportgen.errors import UserError
from reportgen.runs.fence import fenced, first_line
from reportgen.runs.spec import UserModel

INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
# The layers reportgen puts around the student's: a student's layer of that name is renamed.
OWN_LAYERS = ("pixels", "normalize", "rescale", "probs")
LOGITS = "logits"
# The layer names TensorFlow takes (its name scopes): a model with others cannot train.
LAYER_NAME = re.compile(r"^[A-Za-z0-9_.>-]+$")


def shown(path: str | Path) -> str:
    """A path as the student would write it: relative to the working folder when inside it."""
    p = Path(path)
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


# --- the model as the file gives it ----------------------------------------------------


def load_user_model(user: UserModel) -> keras.Model:
    """The student's model, checked: build_model(...) of the .py, or the .keras file."""
    where = shown(user.path)
    model = _from_py(Path(user.path), where) if user.format == "py" else _from_keras(user.path)
    _check(model, where)
    return model


def _from_py(path: Path, where: str) -> keras.Model:
    """build_model(...) of the file, imported and called fenced (runs/fence.py)."""
    name = f"reportgen_user_model_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserError(f"{where}: not a Python file reportgen can load")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # while it runs (dataclasses look themselves up there)
    try:
        with fenced(path, where, "imported"):
            spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    build = getattr(module, "build_model", None)
    if not callable(build):
        raise UserError(f"{where}: no function build_model(input_shape, num_classes) in it")
    with fenced(path, where, "build_model"), _fresh_names():
        model = build(input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES)
    if not isinstance(model, keras.Model):
        raise UserError(
            f"{where}: build_model returned {type(model).__name__}, not a keras.Model "
            "(return keras.Model(inputs, outputs) or a keras.Sequential)"
        )
    return model


@contextlib.contextmanager
def _fresh_names() -> Iterator[None]:
    """Keras names unnamed layers as a fresh session would (dropout, dropout_1, ...), however
    many models this process built before: the names the report shows do not depend on it."""
    from keras.src.backend.common import global_state

    key = "object_name_uids"
    saved = global_state.get_global_attribute(key)
    global_state.set_global_attribute(key, collections.defaultdict(int))
    try:
        yield
    finally:
        global_state.set_global_attribute(key, saved)


def keras_config(path: str) -> dict[str, Any]:
    """config.json of a .keras file (a zip): the model's architecture and compile settings."""
    where = shown(path)
    try:
        with zipfile.ZipFile(path) as archive:
            return json.loads(archive.read("config.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(
            f"{where} does not load: not a Keras 3 model file (a .keras zip with config.json; "
            f"save one with model.save('my_model.keras')): {first_line(exc)}"
        ) from None


def _from_keras(path: str) -> keras.Model:
    where = shown(path)
    for entry in _layer_configs(keras_config(path)):
        if entry.get("class_name") == "Lambda":
            raise UserError(
                f"{where}: has a Lambda layer, whose Python code a model file cannot carry "
                "safely (reportgen loads models with safe_mode): build the model from Keras' "
                "own layers"
            )
        module = entry.get("module")
        if not (isinstance(module, str) and module.startswith("keras")):
            raise UserError(
                f"{where}: has a custom layer ({entry.get('class_name')}), which loads only with "
                "its Python code (reportgen loads models with safe_mode): build the model from "
                "Keras' own layers"
            )
    try:
        return keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:
        raise UserError(f"{where} does not load as a Keras model: {first_line(exc)}") from exc


def _layer_configs(config: Any) -> Iterator[dict[str, Any]]:
    """Every serialized layer of a model config, nested models' too."""
    if isinstance(config, dict):
        serialized = "class_name" in config and "config" in config and "module" in config
        if serialized and config["class_name"] not in ("Functional", "Sequential", "Model"):
            yield config
        for key, value in config.items():
            if key != "compile_config":
                yield from _layer_configs(value)
    elif isinstance(config, list):
        for value in config:
            yield from _layer_configs(value)


# --- checks ----------------------------------------------------------------------------


def _check(model: keras.Model, where: str) -> None:
    _check_built(model, where)
    _check_shapes(model, where)
    layers = flat_layers(model)
    _check_layers(layers, where)
    _output_kind(layers[-1], where)


def _check_built(model: keras.Model, where: str) -> None:
    """A functional or Sequential model, built for reportgen's input."""
    from keras.src.models.functional import Functional

    if type(model) not in (Functional, keras.Sequential):
        raise UserError(
            f"{where}: {type(model).__name__} is a subclassed model; reportgen needs a "
            "functional model (keras.Model(inputs, outputs)) or a keras.Sequential"
        )
    if not model.built:
        try:
            model.build((None, *INPUT_SHAPE))
        except Exception as exc:
            raise UserError(f"{where}: the model does not build: {first_line(exc)}") from exc


def _check_shapes(model: keras.Model, where: str) -> None:
    """One input of 48x48x1 images, one output of a score per class."""
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise UserError(f"{where}: the model must have one input and one output")
    given = tuple(model.inputs[0].shape[1:])
    if len(given) != 3 or any(
        d not in (None, want) for d, want in zip(given, INPUT_SHAPE, strict=True)
    ):
        raise UserError(
            f"{where}: the model takes input of shape {given}; it must take {INPUT_SHAPE} "
            "(48x48 grayscale: use the input_shape build_model is given)"
        )
    out = tuple(model.outputs[0].shape)
    if len(out) != 2 or out[-1] != NUM_CLASSES:
        raise UserError(
            f"{where}: the model outputs shape {out[1:]}; it must output {NUM_CLASSES} classes, "
            "one score each (use the num_classes build_model is given)"
        )


def _check_layers(layers: list[keras.layers.Layer], where: str) -> None:
    """Keras' own layers (a saved model loads them in safe mode), names TensorFlow takes,
    and a convolution among them."""
    for layer in layers:
        if isinstance(layer, keras.layers.Lambda):
            raise UserError(
                f"{where}: layer {layer.name!r} is a Lambda layer, whose code a saved model "
                "cannot carry safely (safe_mode): use Keras' own layers"
            )
        if not type(layer).__module__.startswith("keras."):
            raise UserError(
                f"{where}: layer {layer.name!r} is a custom layer ({type(layer).__name__}); a "
                "saved model loads it only with its code (safe_mode): use Keras' own layers"
            )
    odd = next((layer.name for layer in layers if not LAYER_NAME.match(layer.name)), None)
    if odd is not None:
        raise UserError(
            f"{where}: layer name {odd!r} has characters TensorFlow does not take in a layer "
            "name: use letters, digits and _ . - only"
        )
    if not any(isinstance(layer, keras.layers.Conv2D) for layer in layers):
        raise UserError(
            f"{where}: the model has no Conv2D layer: the report's questions are about a CNN"
        )


def flat_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's layers in order, nested models' layers in their place (no InputLayer)."""
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.extend(flat_layers(layer))
        elif not isinstance(layer, keras.layers.InputLayer):
            out.append(layer)
    return out


def _activation(layer: keras.layers.Layer) -> str | None:
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    value = layer.get_config().get("activation")
    return value if isinstance(value, str) else None


def _output_kind(layer: keras.layers.Layer, where: str) -> str:
    """How the last layer ends the model: "softmax_layer" (a Softmax or softmax Activation:
    its input is the logits), "softmax" (a layer with a softmax activation: the same layer
    without it gives the logits), "linear" (its output is the logits)."""
    act = _activation(layer)
    if act == "softmax":
        is_layer = isinstance(layer, keras.layers.Softmax | keras.layers.Activation)
        return "softmax_layer" if is_layer else "softmax"
    if act in (None, "linear") and not isinstance(layer, keras.layers.Activation):
        return "linear"
    raise UserError(
        f"{where}: the last layer {layer.name!r} applies {act or type(layer).__name__}; end the "
        f"model in a softmax over the {NUM_CLASSES} classes (or in their plain scores)"
    )


# --- the model in reportgen's contract ------------------------------------------------


class _Replay:
    """Calls copies of a model's layers on a new input, nested models flattened."""

    def __init__(self, model: keras.Model, user: UserModel) -> None:
        self.user = user
        self.layers = flat_layers(model)
        self.last = self.layers[-1]
        self.kind = _output_kind(self.last, shown(user.path))
        self.names = {layer.name for layer in self.layers}
        self.copies: dict[int, Any] = {}
        self.made_by: dict[int, str] = {}  # id(tensor) -> the name of the layer that made it

    def copy(self, layer: keras.layers.Layer) -> Any:
        if id(layer) not in self.copies:
            config = dict(layer.get_config())
            if self.user.format == "keras" and self.user.weights == "fresh":
                config.pop("dtype", None)  # a saved model's float32: train in today's precision
            if layer is self.last and self.kind == "softmax":
                config["activation"] = "linear"
            if config.get("name") in OWN_LAYERS:
                config["name"] = self._free(config["name"])
            self.copies[id(layer)] = type(layer).from_config(config)
        return self.copies[id(layer)]

    def _free(self, name: str) -> str:
        n = 1
        while f"{name}_{n}" in self.names:
            n += 1
        self.names.add(f"{name}_{n}")
        return f"{name}_{n}"

    def operation(self, op: Any) -> Any:
        if isinstance(op, keras.Model):
            return lambda x, *args, **kwargs: self.run(op, x)
        if op is self.last and self.kind == "softmax_layer":
            return lambda x, *args, **kwargs: x  # the logits go on as they are
        layer = self.copy(op)

        def call(*args: Any, **kwargs: Any) -> Any:
            out = layer(*args, **kwargs)
            self.made_by[id(out)] = layer.name
            return out

        return call

    def run(self, model: keras.Model, x: Any) -> Any:
        if isinstance(model, keras.Sequential):
            for layer in model.layers:
                x = self.operation(layer)(x)
            return x
        out = model._run_through_graph(x, operation_fn=self.operation)
        return out[0] if isinstance(out, list | tuple) else out

    def copy_weights(self) -> None:
        for layer in self.layers:
            if id(layer) in self.copies:
                self.copies[id(layer)].set_weights(layer.get_weights())


def user_logits(user: UserModel, x: Any) -> Any:
    """The student's layers called on x, up to the logits: the output of a layer named
    "logits" (the student's own, when the last layer has that name; else an Identity)."""
    model = load_user_model(user)
    replay = _Replay(model, user)
    if user.weights == "trained" and user.input_scale == "0-1":
        x = keras.layers.Rescaling(1 / 255, name="rescale")(x)
    logits = replay.run(model, x)
    if user.weights == "trained":
        replay.copy_weights()
    producer = replay.made_by.get(id(logits))
    if LOGITS in replay.names and producer != LOGITS:
        raise UserError(
            f"{shown(user.path)}: layer 'logits' is not the last layer before the softmax; "
            "reportgen gives that name to the scores before the softmax: rename it"
        )
    if producer == LOGITS:
        return logits
    return keras.layers.Identity(name=LOGITS)(logits)


def check_user_model(user: UserModel) -> None:
    """Build the student's model in reportgen's contract once: every refusal, now."""
    user_logits(user, keras.Input(INPUT_SHAPE, name="pixels"))


def user_params(user: UserModel) -> int:
    """The student's model's parameter count, as the file builds it."""
    return int(load_user_model(user).count_params())
