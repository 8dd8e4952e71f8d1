"""The embedded default data set: synthetic 48x48 grayscale expression faces.

Each class is a combination of brow angle, eye opening and mouth shape (see synthetic_params),
drawn with pose, lighting, noise and occluders varying, so that a CNN learns it well but not
perfectly, confuses the pairs that FER confuses, and beats a DNN. The generator knows where
each face part is, so the masks give the explanation methods' tests their ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reportgen.classes import IMAGE_SIZE
from reportgen.data.fingerprint import hash_arrays
from reportgen.data.synthetic_draw import render
from reportgen.data.synthetic_params import draw_params
from reportgen.data.types import REGIONS, Dataset, LabelledImages

GENERATOR_VERSION = 1
CHUNK = 48  # images drawn at once: small arrays stay in cache and spare page faults


@dataclass(frozen=True)
class SyntheticFaces:
    """uint8 images (N, 48, 48), int64 labels (N,), bool masks (N, 48, 48) per region."""

    images: np.ndarray
    labels: np.ndarray
    masks: dict[str, np.ndarray]


def generate_faces(n: int, seed: int = 0) -> SyntheticFaces:
    """n faces, the same for the same (n, seed)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    sequence = np.random.SeedSequence([GENERATOR_VERSION, seed])
    param_seq, noise_seq = sequence.spawn(2)
    params = draw_params(n, np.random.default_rng(param_seq))
    images = np.empty((n, IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
    masks = {region: np.empty((n, IMAGE_SIZE, IMAGE_SIZE), dtype=bool) for region in REGIONS}
    for start, chunk_seq in zip(range(0, n, CHUNK), noise_seq.spawn(-(-n // CHUNK)), strict=True):
        part = slice(start, min(start + CHUNK, n))
        chunk_images, chunk_masks = render(
            {name: values[part] for name, values in params.items()},
            np.random.default_rng(chunk_seq),
        )
        images[part] = chunk_images
        for region in REGIONS:
            masks[region][part] = chunk_masks[region]
    return SyntheticFaces(images=images, labels=params["labels"], masks=masks)


def fingerprint(faces: SyntheticFaces) -> str:
    arrays = [("images", faces.images), ("labels", faces.labels)]
    arrays += [(f"masks.{region}", faces.masks[region]) for region in REGIONS]
    return hash_arrays(f"synthetic-v{GENERATOR_VERSION}\n".encode(), arrays)


def synthetic_dataset(n: int, seed: int = 0) -> Dataset:
    faces = generate_faces(n, seed)
    return Dataset(
        source="synthetic",
        train=LabelledImages(faces.images, faces.labels),
        fingerprint=fingerprint(faces),
        synthetic=True,
        masks=faces.masks,
    )
