"""Small shared test helpers (not fixtures): tiny data and tiny run specs."""

from __future__ import annotations

import numpy as np

from reportgen.data.types import Dataset, LabelledImages
from reportgen.runs.spec import ModelSpec, RunSpec


def random_dataset(n: int = 280, seed: int = 0) -> Dataset:
    """Random images whose class is written into their brightness: learnable, tiny, fast."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 7
    images = rng.integers(0, 60, size=(n, 48, 48)) + labels[:, None, None] * 25
    train = LabelledImages(images.astype(np.uint8), labels.astype(np.int64))
    return Dataset(source="random", train=train, fingerprint=f"random-{n}-{seed}")


def tiny_spec(name: str = "tiny", epochs: int = 2, **changes) -> RunSpec:
    spec = RunSpec(
        name=name,
        model=ModelSpec(kind="cnn", filters=(4, 8), convs_per_block=1, dense_units=8, dropout=0.1),
        normalize=True,
        augment=None,
        epochs=epochs,
        batch_size=64,
        learning_rate=3e-3,
        patience=epochs,
        val_fraction=0.2,
    )
    return spec.with_(**changes)
