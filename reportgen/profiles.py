"""Profiles: how big the models, the data and the explanation work are.

tiny: the tests (seconds a run). quick: the demo (the whole default report cold in at most
5 minutes on 2 cores). full: a real hand-in, meant for a GPU.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.errors import UserError


@dataclass(frozen=True)
class Profile:
    name: str
    synthetic_images: int  # size of the embedded default data set
    cnn_filters: tuple[int, ...]  # one conv block per entry (two convs each when deep)
    convs_per_block: int
    dense_units: int
    dropout: float
    epochs: int
    patience: int  # early stopping on validation loss
    batch_size: int
    learning_rate: float
    seeds: tuple[int, ...]  # q3 trains each of its four runs once per seed
    smoothgrad_samples: int
    lime_samples: int
    actmax_steps: int


PROFILES: dict[str, Profile] = {
    "tiny": Profile(
        name="tiny",
        synthetic_images=2000,
        cnn_filters=(8, 16),
        convs_per_block=1,
        dense_units=32,
        dropout=0.2,
        epochs=4,
        patience=3,
        batch_size=64,
        learning_rate=3e-3,
        seeds=(0,),
        smoothgrad_samples=8,
        lime_samples=200,
        actmax_steps=20,
    ),
    "quick": Profile(
        name="quick",
        synthetic_images=6000,
        cnn_filters=(16, 32, 64),
        convs_per_block=1,
        dense_units=64,
        dropout=0.3,
        epochs=10,
        patience=4,
        batch_size=64,
        learning_rate=2e-3,
        seeds=(0,),
        smoothgrad_samples=25,
        lime_samples=600,
        actmax_steps=60,
    ),
    "full": Profile(
        name="full",
        synthetic_images=20000,
        cnn_filters=(64, 128, 256, 512),
        convs_per_block=2,
        dense_units=512,
        dropout=0.4,
        epochs=80,
        patience=12,
        batch_size=128,
        learning_rate=1e-3,
        seeds=(0, 1, 2),
        smoothgrad_samples=50,
        lime_samples=1000,
        actmax_steps=200,
    ),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UserError(f"unknown profile {name!r}: choose one of {', '.join(PROFILES)}") from None
