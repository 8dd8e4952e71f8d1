"""A training run as plain data.

Its cache key hashes what the run is (the model, the data, the recipe, its role in the report)
and not how long it trained: `epochs` is left out, so a run trained under one --budget is
reused under any other (and without one). The key also covers the data's fingerprint and
TRAINING_CODE_VERSION, and not the spec's name, so two modules that need the same run share it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from reportgen.profiles import Profile, Role

# Bump when a change to training code changes what a spec trains into; tests/test_spec.py
# keeps a hash of that code and says when it changed.
TRAINING_CODE_VERSION = 2

# Spec fields that say how long a run trained, not what it is: not part of the key.
NOT_KEYED = ("name", "epochs")


@dataclass(frozen=True)
class ModelSpec:
    kind: Literal["cnn", "dnn"]
    filters: tuple[int, ...]  # the CNN's conv blocks; the DNN is sized to match its params
    convs_per_block: int
    dense_units: int
    dropout: float  # after the dense layer
    block_dropout: float = 0.0  # after the last conv block, less after earlier ones
    batch_norm: bool = True
    stem: Literal["conv", "s2d"] = "conv"
    head: Literal["flatten", "gap"] = "flatten"


@dataclass(frozen=True)
class AugmentSpec:
    """One random affine transform per training image: flip, shift, rotation and zoom."""

    flip: bool = True
    shift: float = 0.1  # fraction of the image size, each direction
    rotation_degrees: float = 10.0
    zoom: float = 0.1  # +- fraction


@dataclass(frozen=True)
class RunSpec:
    name: str  # a label for people; not part of the key
    role: Role  # which share of a --budget the run gets
    model: ModelSpec
    normalize: bool  # featurewise standardization with the training set's mean and std
    augment: AugmentSpec | None
    epochs: int  # the schedule's length; set by the profile or the budget planner
    batch_size: int
    learning_rate: float  # peak
    optimizer: Literal["adamw", "adam", "sgd"] = "adamw"
    weight_decay: float = 0.05
    label_smoothing: float = 0.1
    warmup_fraction: float = 0.05
    schedule: Literal["cosine", "constant"] = "cosine"
    tta_flip: bool = True
    seed: int = 0
    val_fraction: float = 0.1
    split_seed: int = 0
    extra: tuple[tuple[str, Any], ...] = field(default=())

    def key_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for name in NOT_KEYED:
            d.pop(name)
        return d

    def key(self, data_fingerprint: str) -> str:
        blob = json.dumps(
            {"spec": self.key_dict(), "data": data_fingerprint, "code": TRAINING_CODE_VERSION},
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RunSpec:
        raw = dict(raw)
        raw["model"] = ModelSpec(**{**raw["model"], "filters": tuple(raw["model"]["filters"])})
        raw["augment"] = AugmentSpec(**raw["augment"]) if raw["augment"] else None
        raw["extra"] = tuple(tuple(x) for x in raw.get("extra", ()))
        return cls(**raw)

    def with_(self, **changes: Any) -> RunSpec:
        return replace(self, **changes)


def cnn_model(profile: Profile) -> ModelSpec:
    shape = profile.model
    return ModelSpec(
        kind="cnn",
        filters=shape.filters,
        convs_per_block=shape.convs_per_block,
        dense_units=shape.dense_units,
        dropout=shape.dropout,
        block_dropout=shape.block_dropout,
        stem=shape.stem,
        head=shape.head,
    )


def profile_augment(profile: Profile) -> AugmentSpec:
    a = profile.augment
    return AugmentSpec(flip=a.flip, shift=a.shift, rotation_degrees=a.rotation_degrees, zoom=a.zoom)


def base_run(
    name: str,
    profile: Profile,
    *,
    role: Role = "cnn",
    kind: Literal["cnn", "dnn"] = "cnn",
    normalize: bool = True,
    augment: bool = True,
    seed: int = 0,
    val_fraction: float = 0.1,
) -> RunSpec:
    """The run every module starts from: the profile's CNN (or its matched DNN), trained with
    the profile's recipe for the profile's epochs of that role (a budget replaces them)."""
    recipe = profile.recipe
    return RunSpec(
        name=name,
        role=role,
        model=replace(cnn_model(profile), kind=kind),
        normalize=normalize,
        augment=profile_augment(profile) if augment else None,
        epochs=profile.epochs[role],
        batch_size=recipe.batch_size,
        learning_rate=recipe.learning_rate,
        optimizer=recipe.optimizer,
        weight_decay=recipe.weight_decay,
        label_smoothing=recipe.label_smoothing,
        warmup_fraction=recipe.warmup_fraction,
        tta_flip=recipe.tta_flip,
        seed=seed,
        val_fraction=val_fraction,
    )
