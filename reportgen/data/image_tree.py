"""Read an image-folder tree: train/<class>/*.png and optionally test/<class>/*.

Class folders are spelled as in FER's Kaggle image release (angry, disgust, fear, happy, sad,
surprise, neutral), case-insensitively. A folder holding the class folders directly is a tree with
a training set only. Images become 48x48 grayscale uint8 (resized with PIL when needed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from reportgen.data.classes import CLASS_NAMES, IMAGE_SIZE
from reportgen.data.types import LabelledImages
from reportgen.errors import UserError

CLASS_FOLDERS: dict[str, int] = {name.lower(): i for i, name in enumerate(CLASS_NAMES)}
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})
_SPLITS = ("train", "test")


@dataclass(frozen=True)
class ImageFile:
    path: Path
    label: int


@dataclass(frozen=True)
class ImageTree:
    """The images of each split ("train", maybe "test"), sorted by label then file name."""

    root: Path
    splits: dict[str, tuple[ImageFile, ...]]

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(f.path for split in self.splits.values() for f in split)


def find_tree(root: Path, shown: str) -> ImageTree | None:
    """The tree under root, or None when root does not look like one."""
    subdirs = {d.name.lower(): d for d in _subdirs(root)}
    split_dirs = {s: subdirs[s] for s in _SPLITS if s in subdirs and _has_class_dirs(subdirs[s])}
    if "train" not in split_dirs:
        if not _has_class_dirs(root):
            return None
        split_dirs = {"train": root}
    splits = {s: _list_images(d, _show(shown, root, d)) for s, d in split_dirs.items()}
    if not splits["train"]:
        raise UserError(
            f"{_show(shown, root, split_dirs['train'])}: no images in the class folders"
        )
    _require_images_per_class(split_dirs["train"], splits["train"], shown, root)
    return ImageTree(root, {s: files for s, files in splits.items() if files})


def read_tree(tree: ImageTree, shown: str) -> dict[str, LabelledImages]:
    """Each split's images and labels."""
    return {
        split: LabelledImages(
            np.stack([_read_image(f.path, _show(shown, tree.root, f.path)) for f in files]),
            np.array([f.label for f in files], np.int64),
        )
        for split, files in tree.splits.items()
    }


def _require_images_per_class(
    split_dir: Path, files: tuple[ImageFile, ...], shown: str, root: Path
) -> None:
    """A class folder of the training split claims its class: it must hold images."""
    labels = {f.label for f in files}
    for class_dir in _subdirs(split_dir):
        if CLASS_FOLDERS[class_dir.name.lower()] not in labels:
            raise UserError(
                f"{_show(shown, root, class_dir)}: a class folder with no images; "
                "add some (at least 2) or remove the folder"
            )


def _subdirs(directory: Path) -> list[Path]:
    with os.scandir(directory) as entries:
        return sorted(Path(e.path) for e in entries if not e.name.startswith(".") and e.is_dir())


def _has_class_dirs(directory: Path) -> bool:
    return any(d.name.lower() in CLASS_FOLDERS for d in _subdirs(directory))


def _list_images(split_dir: Path, shown: str) -> tuple[ImageFile, ...]:
    files = []
    for class_dir in _subdirs(split_dir):
        name = class_dir.name.lower()
        if name not in CLASS_FOLDERS:
            raise UserError(
                f"{shown}: folder {class_dir.name!r} is not a class; expected "
                f"{', '.join(CLASS_FOLDERS)}"
            )
        with os.scandir(class_dir) as entries:
            names = sorted(
                e.name
                for e in entries
                if not e.name.startswith(".")
                and os.path.splitext(e.name)[1].lower() in IMAGE_SUFFIXES
                and e.is_file()
            )
        files += [ImageFile(class_dir / n, CLASS_FOLDERS[name]) for n in names]
    return tuple(sorted(files, key=lambda f: (f.label, str(f.path))))


def _read_image(path: Path, shown: str) -> np.ndarray:
    try:
        with Image.open(path) as image:
            gray = ImageOps.exif_transpose(image).convert("L")
            if gray.size != (IMAGE_SIZE, IMAGE_SIZE):
                gray = gray.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR)
            return np.asarray(gray, dtype=np.uint8)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as e:
        raise UserError(f"{shown}: not a readable image ({e})") from None


def _show(shown: str, root: Path, path: Path) -> str:
    """path for messages, written from what the user gave."""
    relative = path.relative_to(root)
    return shown if relative == Path(".") else os.path.join(shown, relative)
