"""The runs the modules share, defined once: q1, q4..q8 read the same CNN run, q2 its matched
DNN, and q3 its normalization x augmentation grid (in runs of its own, the same recipe on a
cheaper twin of the CNN: fewer channels, profile.ablation_width, so that a --budget gives each
cell enough epochs for the comparison to hold).

With --model, the CNN is the student's own: a .py architecture is trained here like
reportgen's CNN; a trained .keras model is the CNN run itself (imported, nothing trained:
no normalization, augmentation or flip TTA of reportgen's), and the DNN and q3's grid take
its architecture with fresh weights."""

from __future__ import annotations

from typing import Any

from reportgen.runs.own import OwnModel, own_model
from reportgen.runs.spec import RunSpec, base_run, twin
from reportgen.settings.config import Config
from reportgen.settings.profiles import Profile


def configured_model(config: Config) -> OwnModel | None:
    """training.model (--model) with its history and input range, checked; None without."""
    t = config.training
    if not t.model:
        return None
    return own_model(t.model, config.root, t.history, t.model_input)


def cnn_run(profile: Profile, config: Config) -> RunSpec:
    own = configured_model(config)
    val_fraction = config.data.val_fraction
    if own is None:
        return base_run("cnn", profile, val_fraction=val_fraction)
    if own.trained.weights == "trained":
        spec = base_run(
            "cnn",
            profile,
            normalize=False,
            augment=False,
            val_fraction=val_fraction,
            user=own.trained,
        )
        return spec.with_(epochs=own.epochs, tta_flip=False)
    return base_run("cnn", profile, val_fraction=val_fraction, user=own.architecture)


def cnn_only(profile: Profile, config: Config) -> dict[str, RunSpec]:
    """The runs of a module that reads the CNN alone, by the name it reads it under."""
    return {"cnn": cnn_run(profile, config)}


def architecture(config: Config):  # -> UserModel | None
    """The student's architecture (fresh weights), for runs that train it; None without."""
    own = configured_model(config)
    return None if own is None else own.architecture


def dnn_run(profile: Profile, config: Config) -> RunSpec:
    return base_run(
        "dnn",
        profile,
        role="dnn",
        kind="dnn",
        val_fraction=config.data.val_fraction,
        user=architecture(config),
    )


def ablation_name(normalize: bool, augment: bool, seed: int) -> str:
    return f"cnn-norm{'+' if normalize else '-'}-aug{'+' if augment else '-'}-seed{seed}"


def ablation_runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    """The 2x2 grid (normalization on/off x augmentation on/off), once per profile seed: the
    profile's CNN's twin at profile.ablation_width (the student's architecture as it is)."""
    runs = {}
    user = architecture(config)
    for seed in profile.seeds:
        for normalize in (False, True):
            for augment in (False, True):
                name = ablation_name(normalize, augment, seed)
                spec = base_run(
                    name,
                    profile,
                    role="ablation",
                    normalize=normalize,
                    augment=augment,
                    seed=seed,
                    val_fraction=config.data.val_fraction,
                    user=user,
                )
                runs[name] = spec.with_(model=twin(spec.model, profile.ablation_width))
    return runs


def own_model_params(config: Config) -> dict[str, Any] | None:
    """What a section says of the student's model: its file's name, its format, whether its
    weights are the file's own (imported) and its curves were given; None without one."""
    own = configured_model(config)
    if own is None:
        return None
    user = own.trained
    return {
        "file": user.file_name,
        "format": user.format,
        "imported": user.weights == "trained",
        "history": user.history_path.rsplit("/", 1)[-1] if user.history_path else "",
        "input_scale": user.input_scale,
    }
