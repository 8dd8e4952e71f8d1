"""A training run as plain data.

Its cache key hashes what the run is (the model, the data, the recipe, its role in the report)
and not how long it trained: `epochs` is left out, so a run trained under one --budget is
reused under any other (and without one). The key also covers the data's fingerprint and the
code that trains the run (reportgen.store.keys.training_digest: derived from the files, none
listed by hand), and not the spec's name, so two modules that need the same run share it.

A student's own model (--model) is a UserModel inside the ModelSpec: the key covers the
file's content (its sha256), not where the file is, so runs/ stays portable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from reportgen.settings.profiles import Profile, Role
from reportgen.store.keys import content_key, training_digest

# Spec fields that say how long a run trained, not what it is: not part of the key.
NOT_KEYED = ("name", "epochs")
# UserModel fields that say where its files are, not what they hold: not part of the key.
NOT_KEYED_USER = ("path", "history_path")


@dataclass(frozen=True)
class UserModel:
    """The student's own model: an architecture file (`.py` with build_model, trained here
    with the recipe) or a model the student trained (`.keras`). weights "fresh": the
    architecture, trained here from new weights; "trained": the .keras file's own weights,
    nothing trained (an imported run: its predictions are computed, its history read from
    history_path, if given). input_scale: the pixel range the trained weights expect
    ("0-1": a Rescaling layer divides the pixels by 255 first)."""

    sha256: str
    format: Literal["py", "keras"]
    weights: Literal["fresh", "trained"] = "fresh"
    input_scale: Literal["0-255", "0-1"] = "0-255"
    history_sha256: str = ""  # of the --history file; "" without one
    path: str = ""
    history_path: str = ""

    @property
    def file_name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


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
    user: UserModel | None = None  # the student's model (kind "cnn"), or the one "dnn" matches


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

    @property
    def imported(self) -> bool:
        """A trained model of the student's: read and measured, never trained."""
        user = self.model.user
        return user is not None and user.weights == "trained"

    def key_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for name in NOT_KEYED:
            d.pop(name)
        user = d["model"].pop("user")  # absent, not None, for reportgen's own models
        if user is not None:
            d["model"]["user"] = {k: v for k, v in user.items() if k not in NOT_KEYED_USER}
        return d

    def key(self, data_fingerprint: str) -> str:
        """The run's folder name in runs/: what it is, on which data, by which code."""
        parts = {"spec": self.key_dict(), "data": data_fingerprint, "code": training_digest()}
        return content_key("run", parts)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RunSpec:
        raw = dict(raw)
        model = {**raw["model"], "filters": tuple(raw["model"]["filters"])}
        if model.get("user") is not None:
            model["user"] = UserModel(**model["user"])
        raw["model"] = ModelSpec(**model)
        raw["augment"] = AugmentSpec(**raw["augment"]) if raw["augment"] else None
        raw["extra"] = tuple(tuple(x) for x in raw.get("extra", ()))
        return cls(**raw)

    def with_(self, **changes: Any) -> RunSpec:
        return replace(self, **changes)


def cnn_model(profile: Profile) -> ModelSpec:
    """The profile's CNN: profiles.ModelShape's fields are ModelSpec's, by name."""
    return ModelSpec(kind="cnn", **asdict(profile.model))


def twin(model: ModelSpec, width: float) -> ModelSpec:
    """The same CNN with its channels and dense units scaled by width (q3's cheaper twin:
    the same layers and recipe at a fraction of the FLOPs); width 1 is the model itself."""
    if width == 1.0 or model.user is not None:
        return model
    return replace(
        model,
        filters=tuple(max(1, round(f * width)) for f in model.filters),
        dense_units=max(1, round(model.dense_units * width)),
    )


def profile_augment(profile: Profile) -> AugmentSpec:
    return AugmentSpec(**asdict(profile.augment))


def own_model(profile: Profile, user: UserModel, kind: Literal["cnn", "dnn"]) -> ModelSpec:
    """The student's model (kind "cnn"), or the DNN matched to its parameter count: the
    profile's CNN shape plays no part in either (the DNN takes its dropout and batch
    normalization), so a change to it trains neither again."""
    dnn = kind == "dnn"
    return ModelSpec(
        kind=kind,
        filters=(),
        convs_per_block=0,
        dense_units=0,
        dropout=profile.model.dropout if dnn else 0.0,
        batch_norm=dnn,
        user=user,
    )


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
    user: UserModel | None = None,
) -> RunSpec:
    """The run every module starts from: the profile's CNN (or its matched DNN), trained with
    the profile's recipe for the profile's epochs of that role (a budget replaces them).
    user: the student's model instead of the profile's CNN (see own_model)."""
    model = (
        replace(cnn_model(profile), kind=kind) if user is None else own_model(profile, user, kind)
    )
    return RunSpec(
        name=name,
        role=role,
        model=model,
        normalize=normalize,
        augment=profile_augment(profile) if augment else None,
        epochs=profile.epochs[role],
        seed=seed,
        val_fraction=val_fraction,
        **asdict(profile.recipe),  # profiles.Recipe's fields are RunSpec's, by name
    )
