"""A training run as plain data. Its cache key hashes the spec (not its name), the data's
fingerprint and TRAINING_CODE_VERSION, so two modules that need the same run share it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from reportgen.profiles import Profile

# Bump when a change to training code changes what a spec trains into.
TRAINING_CODE_VERSION = 1


@dataclass(frozen=True)
class ModelSpec:
    kind: Literal["cnn", "dnn"]
    filters: tuple[int, ...]  # the CNN's conv blocks; the DNN is sized to match its params
    convs_per_block: int
    dense_units: int
    dropout: float
    batch_norm: bool = True


@dataclass(frozen=True)
class AugmentSpec:
    """Random flip, shift, rotation and zoom, applied to training batches only."""

    flip: bool = True
    shift: float = 0.1  # fraction of the image size, each direction
    rotation_degrees: float = 15.0
    zoom: float = 0.1  # +- fraction


@dataclass(frozen=True)
class RunSpec:
    name: str  # a label for people; not part of the key
    model: ModelSpec
    normalize: bool  # featurewise standardization with the training set's mean and std
    augment: AugmentSpec | None
    epochs: int
    batch_size: int
    learning_rate: float
    patience: int
    seed: int = 0
    optimizer: Literal["adam"] = "adam"
    schedule: Literal["cosine", "constant"] = "cosine"
    val_fraction: float = 0.1
    split_seed: int = 0
    extra: tuple[tuple[str, Any], ...] = field(default=())

    def key_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("name")
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
    return ModelSpec(
        kind="cnn",
        filters=profile.cnn_filters,
        convs_per_block=profile.convs_per_block,
        dense_units=profile.dense_units,
        dropout=profile.dropout,
    )


def base_run(
    name: str,
    profile: Profile,
    *,
    kind: Literal["cnn", "dnn"] = "cnn",
    normalize: bool = True,
    augment: AugmentSpec | None = AugmentSpec(),
    seed: int = 0,
    val_fraction: float = 0.1,
) -> RunSpec:
    """The run every module starts from: the profile's CNN (or its matched DNN)."""
    return RunSpec(
        name=name,
        model=replace(cnn_model(profile), kind=kind),
        normalize=normalize,
        augment=augment,
        epochs=profile.epochs,
        batch_size=profile.batch_size,
        learning_rate=profile.learning_rate,
        patience=profile.patience,
        seed=seed,
        val_fraction=val_fraction,
    )
