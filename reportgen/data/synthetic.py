"""The embedded default data set: synthetic 48x48 grayscale expression faces.

Each class is a combination of brow angle, eye opening and mouth shape (see synthetic_params),
drawn with pose, lighting, noise and occluders varying, so that a CNN learns it well but not
perfectly, confuses the pairs that FER confuses, and beats a DNN. The generator knows where
each face part is, so the masks give the explanation methods' tests their ground truth.

The fingerprint of (size, seed) is cached like a data file's (see fingerprint.py), under a
content key of the two (reportgen.store.keys), stamped with the digest of the generator's code,
so that computing run keys does not draw the faces again and a change to the generator misses
the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from reportgen.data import fingerprint as fingerprint_cache
from reportgen.data.classes import IMAGE_SIZE
from reportgen.data.fingerprint import hash_arrays
from reportgen.data.synthetic_draw import render
from reportgen.data.synthetic_params import draw_params
from reportgen.data.types import REGIONS, Dataset, LabelledImages
from reportgen.store.keys import content_key, module_digest

# Fixed inputs of the faces and of their fingerprint, not versions: changing them would change
# every face (and so every run key) without any change to the generator.
FACES_SEED = 1  # the first entropy word of every draw, before the caller's seed
FACES_TAG = b"synthetic-v1\n"  # what the faces' fingerprint hashes first
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
    sequence = np.random.SeedSequence([FACES_SEED, seed])
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
    return hash_arrays(FACES_TAG, arrays)


def synthetic_dataset(n: int, seed: int = 0) -> Dataset:
    faces = generate_faces(n, seed)
    digest = fingerprint(faces)
    fingerprint_cache.store(_cache_key(n, seed), _stamp(n, seed), digest)
    return Dataset(
        source="synthetic",
        train=LabelledImages(faces.images, faces.labels),
        fingerprint=digest,
        synthetic=True,
        masks=faces.masks,
    )


def cached_synthetic_fingerprint(n: int, seed: int = 0) -> str | None:
    """synthetic_dataset(n, seed).fingerprint if the cache holds it for this generator's
    code (nothing drawn); else None."""
    hit = fingerprint_cache.lookup(_cache_key(n, seed), _stamp(n, seed), arrays=False)
    return hit.fingerprint if hit is not None else None


def _cache_key(n: int, seed: int) -> str:
    return content_key("synthetic-faces", {"n": n, "seed": seed})


def _stamp(n: int, seed: int) -> dict[str, int | str]:
    """The size and the seed, and the digest of the generator's code (this module and what
    it imports): a change to the generator misses the cache."""
    return {"n": n, "seed": seed, "code": _generator_code()}


@cache
def _generator_code() -> str:
    return module_digest(__name__)
