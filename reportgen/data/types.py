"""Plain containers for images and labels."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

REGIONS: tuple[str, ...] = ("eyes", "brows", "nose", "mouth", "cheeks")


@dataclass(frozen=True)
class LabelledImages:
    """uint8 images (N, 48, 48) and int64 labels (N,) in 0..6."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: np.ndarray) -> LabelledImages:
        return LabelledImages(self.images[index], self.labels[index])


@dataclass(frozen=True)
class UnlabelledImages:
    """The course's test.csv: ids in file order and uint8 images (N, 48, 48)."""

    ids: np.ndarray
    images: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Dataset:
    """Everything loaded from one data source.

    train: the labelled training set before the hold-out is cut from it.
    tests: labelled test sets by name (Kaggle's "PublicTest", "PrivateTest"; an image tree's "test").
    unlabelled: the course's test.csv, when given.
    fingerprint: a hash of the arrays (not of the path), part of every run key.
    masks: synthetic data only: per region name (see REGIONS), bool (N, 48, 48) for train.
    """

    source: str
    train: LabelledImages
    fingerprint: str
    tests: dict[str, LabelledImages] = field(default_factory=dict)
    unlabelled: UnlabelledImages | None = None
    synthetic: bool = False
    masks: dict[str, np.ndarray] | None = None
