"""Importing TensorFlow quietly, and choosing the precision and the strategy to train with.

TensorFlow's start-up chatter (C++ log lines written to stderr before any log level applies,
the CUDA probe's) and its Python warnings (tf.function "retracing") are no news to a student.
quiet_imports() makes every later import of TensorFlow quiet, whoever imports it first
(keras, a question module, the explanation methods), unless REPORTGEN_DEBUG is set.

Keras runs on TensorFlow here: the trainer's data pipeline and the explanation methods
(tf.GradientTape) need it, and under another backend the gradients come back empty. So a
KERAS_BACKEND other than tensorflow is refused in one line (require_tensorflow_backend)
before anything trains.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import logging
import os
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from reportgen.errors import UserError

BACKEND = "tensorflow"  # the one Keras backend reportgen trains and explains with


def _debug() -> bool:
    return bool(os.environ.get("REPORTGEN_DEBUG"))


def quiet_imports() -> None:
    """From now on TensorFlow imports without chatter (idempotent; a no-op under --debug)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if not os.environ.get("KERAS_BACKEND"):  # unset or empty: Keras would read keras.json
        os.environ["KERAS_BACKEND"] = BACKEND
    if _debug() or "tensorflow" in sys.modules:
        return
    if not any(isinstance(f, _QuietFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietFinder())


def tensorflow() -> ModuleType:
    """TensorFlow, imported quietly (see quiet_imports), as Keras' backend: a UserError when
    another backend is asked for."""
    require_tensorflow_backend()
    return import_tensorflow()


@cache
def import_tensorflow() -> ModuleType:
    """TensorFlow alone, imported quietly, whatever Keras' backend: what the hardware is, and
    `reportgen doctor`. Keras' users call tensorflow()."""
    quiet_imports()
    import tensorflow as tf

    return tf


def keras_backend() -> str:
    """The backend Keras is asked for: KERAS_BACKEND (quiet_imports sets it to tensorflow
    when it is unset, before Keras is imported and would read ~/.keras/keras.json)."""
    return os.environ.get("KERAS_BACKEND") or BACKEND


def require_tensorflow_backend() -> None:
    """A UserError, in one line with its fix, when Keras is asked for another backend."""
    backend = keras_backend()
    if backend != BACKEND:
        raise UserError(
            f"KERAS_BACKEND is {backend!r}, but reportgen needs Keras on TensorFlow (it trains "
            "with tf.data and explains with tf.GradientTape): run it as `KERAS_BACKEND=tensorflow "
            "reportgen ...`, or unset KERAS_BACKEND"
        )


class _QuietFinder(importlib.abc.MetaPathFinder):
    """Finds the `tensorflow` package as usual, but runs its import with stderr silenced."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once: TensorFlow's own imports go the usual way
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader  # the real loader for anyone who asks later
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        with _stderr_silenced():
            self.loader.exec_module(module)
            module.config.list_physical_devices("GPU")  # the CUDA probe logs too
        logging.getLogger("tensorflow").setLevel(logging.ERROR)  # "retracing" warnings


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def choose_precision() -> str:
    """The Keras dtype policy that is fastest here without hurting accuracy.

    GPUs: bfloat16 from compute capability 8 (Ampere), float16 on 7.x. CPUs: bfloat16 only
    with hardware bf16 (AMX or AVX512-BF16): measured 1.8x on a 1.8M-parameter CNN; without
    it bf16 is emulated and slower than float32. REPORTGEN_PRECISION overrides.
    """
    forced = os.environ.get("REPORTGEN_PRECISION")
    if forced:
        return forced
    tf = import_tensorflow()  # the hardware's answer, whatever Keras' backend (doctor shows it)
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        major = (details.get("compute_capability") or (0, 0))[0]
        if major >= 8:
            return "mixed_bfloat16"
        return "mixed_float16" if major >= 7 else "float32"
    if cpu_flags() & {"amx_bf16", "avx512_bf16"}:
        return "mixed_bfloat16"
    return "float32"


def hardware() -> dict[str, Any]:
    """What trains here, as data for the report's words: {"kind": "gpu", "count", "names"}
    or {"kind": "cpu", "count": cores, "names": []}."""
    tf = import_tensorflow()
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = [
            tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in gpus
        ]
        return {"kind": "gpu", "count": len(gpus), "names": names}
    # process_cpu_count (3.13+) counts the cores this process may use, on every platform.
    count = getattr(os, "process_cpu_count", os.cpu_count)() or 1
    return {"kind": "cpu", "count": count, "names": []}


def device_description() -> str:
    """The hardware in a line, for logs: "1 GPU: NVIDIA H200" or "CPU (2 cores)"."""
    h = hardware()
    if h["kind"] == "gpu":
        return f"{h['count']} GPU: " + ", ".join(h["names"])
    return f"CPU ({h['count']} cores)"


def strategy() -> Any:
    """MirroredStrategy over several visible GPUs, else the default strategy."""
    tf = tensorflow()
    if len(tf.config.list_physical_devices("GPU")) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()
