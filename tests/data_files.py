"""Small data files for the data tests, written in tmp_path: course CSVs, PNG trees, gzip."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
from PIL import Image

from reportgen.data.types import LabelledImages


def make_images(n: int, seed: int = 0) -> np.ndarray:
    images = np.random.default_rng(seed).integers(0, 256, (n, 48, 48), dtype=np.uint8)
    images[0, 0, :4] = [0, 9, 10, 255]  # every digit count, both ends of the range
    return images


def make_labels(n: int) -> np.ndarray:
    return (np.arange(n) % 7).astype(np.int64)


def pixel_text(image: np.ndarray) -> str:
    return " ".join(map(str, image.reshape(-1)))


def course_csv(images: np.ndarray, labels: np.ndarray) -> str:
    rows = [f"{y},{pixel_text(x)}" for x, y in zip(images, labels, strict=True)]
    return "label,feature\n" + "\n".join(rows) + "\n"


def unlabelled_csv(images: np.ndarray, ids: np.ndarray) -> str:
    rows = [f"{i},{pixel_text(x)}" for x, i in zip(images, ids, strict=True)]
    return "id,feature\n" + "\n".join(rows) + "\n"


def write(path: Path, text: str, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def assert_labelled(got: LabelledImages, images: np.ndarray, labels: np.ndarray) -> None:
    assert got.images.dtype == np.uint8 and got.images.shape == images.shape
    assert got.labels.dtype == np.int64
    np.testing.assert_array_equal(got.images, images)
    np.testing.assert_array_equal(got.labels, labels)


def save_png(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image).save(path)
