"""Profiles: how big the models, the data and the explanation work are, and how to train.

The values live in profiles.toml beside this file (plain data); this module reads them into
frozen dataclasses and checks them, so that a typo in the file is one clear error.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, Literal

from reportgen.errors import UserError

PROFILES_FILE = Path(__file__).with_name("profiles.toml")
# The kinds of run a report trains (see questions/shared_runs.py).
ROLES = ("cnn", "dnn", "ablation")
Role = Literal["cnn", "dnn", "ablation"]


@dataclass(frozen=True)
class ModelShape:
    """The CNN: a stem, then one block per entry of filters, then a dense layer."""

    stem: Literal["conv", "s2d"]  # s2d: 48x48x1 rearranged to 24x24x4 before the first conv
    filters: tuple[int, ...]
    convs_per_block: int
    dense_units: int
    dropout: float  # after the dense layer
    block_dropout: float  # after the last conv block; block b of n gets b/n of it
    head: Literal["flatten", "gap"]


@dataclass(frozen=True)
class Recipe:
    batch_size: int
    learning_rate: float  # the peak, reached after the warm-up
    optimizer: Literal["adamw", "adam", "sgd"]
    weight_decay: float  # decoupled (AdamW, SGD); ignored by adam
    label_smoothing: float
    warmup_fraction: float  # of all steps, linear from a tenth of the peak; then cosine to 0
    tta_flip: bool  # predictions average the image and its mirror


@dataclass(frozen=True)
class Augment:
    """One random affine transform per training image (see runs/augment.py)."""

    flip: bool
    shift: float  # fraction of the image size, each direction
    rotation_degrees: float
    zoom: float  # +- fraction


@dataclass(frozen=True)
class Profile:
    name: str
    synthetic_images: int  # size of the embedded default data set
    seeds: tuple[int, ...]  # q3 trains each of its four runs once per seed
    # q3's cells train a twin of the CNN: its channels and dense units times this (1: the CNN)
    ablation_width: float
    # the epochs a q3 cell needs for the grid's verdicts to be those of 30-epoch cells
    # (measured on the course's data, issue 23); a budget that gives fewer says so
    ablation_holds_epochs: int
    # the epochs from which the recipe's CNN stops gaining accuracy (measured on the course's
    # data, issue 23); a budget that gives fewer says so
    cnn_plateau_epochs: int
    smoothgrad_samples: int
    lime_samples: int
    actmax_steps: int
    model: ModelShape
    recipe: Recipe
    augment: Augment
    epochs: dict[str, int]  # by role, when no budget plans them
    shares: dict[str, float]  # by role: its part of a --budget (ablation: all its runs)

    def __hash__(self) -> int:
        return hash(self.name)


def _build(cls: type, raw: dict[str, Any], where: str) -> Any:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - names)
    missing = sorted(names - set(raw))
    if unknown or missing:
        raise UserError(f"{PROFILES_FILE}: [{where}] unknown {unknown} / missing {missing}")
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def _by_role(raw: dict[str, Any], where: str, kind: type) -> dict[str, Any]:
    if set(raw) != set(ROLES):
        raise UserError(f"{PROFILES_FILE}: [{where}] must name exactly {', '.join(ROLES)}")
    return {role: kind(raw[role]) for role in ROLES}


def _profile(name: str, raw: dict[str, Any]) -> Profile:
    raw = dict(raw)
    nested = {
        "model": _build(ModelShape, raw.pop("model", {}), f"{name}.model"),
        "recipe": _build(Recipe, raw.pop("recipe", {}), f"{name}.recipe"),
        "augment": _build(Augment, raw.pop("augment", {}), f"{name}.augment"),
        "epochs": _by_role(raw.pop("epochs", {}), f"{name}.epochs", int),
        "shares": _by_role(raw.pop("shares", {}), f"{name}.shares", float),
    }
    if sum(nested["shares"].values()) > 1.0 + 1e-9:
        raise UserError(f"{PROFILES_FILE}: [{name}.shares] add up to more than 1")
    plain = {f.name for f in fields(Profile)} - set(nested) - {"name"}
    unknown, missing = sorted(set(raw) - plain), sorted(plain - set(raw))
    if unknown or missing:
        raise UserError(f"{PROFILES_FILE}: [{name}] unknown {unknown} / missing {missing}")
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return Profile(name=name, **values, **nested)


@cache
def load_profiles() -> dict[str, Profile]:
    raw = tomllib.loads(PROFILES_FILE.read_text(encoding="utf-8"))
    return {name: _profile(name, table) for name, table in raw.items()}


PROFILES: dict[str, Profile] = load_profiles()


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UserError(f"unknown profile {name!r}: choose one of {', '.join(PROFILES)}") from None
