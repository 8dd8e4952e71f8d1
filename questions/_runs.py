"""The runs the modules share, defined once: q1, q4..q8 read the same CNN run, q2 its matched
DNN, and q3 its normalization x augmentation grid (the same CNN and recipe, in runs of its own:
a --budget gives them less time than the main CNN)."""

from __future__ import annotations

from reportgen.config import Config
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec, base_run


def cnn_run(profile: Profile, config: Config) -> RunSpec:
    return base_run("cnn", profile, val_fraction=config.data.val_fraction)


def cnn_only(profile: Profile, config: Config) -> dict[str, RunSpec]:
    """The runs of a module that reads the CNN alone, by the name it reads it under."""
    return {"cnn": cnn_run(profile, config)}


def dnn_run(profile: Profile, config: Config) -> RunSpec:
    return base_run("dnn", profile, role="dnn", kind="dnn", val_fraction=config.data.val_fraction)


def ablation_name(normalize: bool, augment: bool, seed: int) -> str:
    return f"cnn-norm{'+' if normalize else '-'}-aug{'+' if augment else '-'}-seed{seed}"


def ablation_runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    """The 2x2 grid (normalization on/off x augmentation on/off), once per profile seed."""
    runs = {}
    for seed in profile.seeds:
        for normalize in (False, True):
            for augment in (False, True):
                name = ablation_name(normalize, augment, seed)
                runs[name] = base_run(
                    name,
                    profile,
                    role="ablation",
                    normalize=normalize,
                    augment=augment,
                    seed=seed,
                    val_fraction=config.data.val_fraction,
                )
    return runs
