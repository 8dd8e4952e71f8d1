"""Load real data in any form students have, telling the form from the files themselves.

load_dataset(path) takes:
- the course's train.csv (label,feature), plain or gzipped;
- Kaggle's fer2013.csv (emotion,pixels,Usage): Training rows train, PublicTest and PrivateTest
  rows are the test sets of those names;
- a folder holding train.csv (and optionally test.csv, the unlabelled set) or fer2013.csv;
- an image-folder tree train/<class>/*.png (optionally test/<class>/*, the test set "test").
load_unlabelled(path) takes the course's test.csv for predictions.
Parsed arrays and fingerprints are cached (see fingerprint.py), keyed by the files' stamp;
cached_fingerprint(path) reads the fingerprint alone from there when the files are unchanged
(None otherwise: nothing is parsed to find it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache as once
from pathlib import Path

import numpy as np

from reportgen.data import fingerprint as cache
from reportgen.data.classes import IMAGE_SIZE, NUM_CLASSES
from reportgen.data.csv_formats import read_course_test, read_course_train, read_kaggle
from reportgen.data.image_tree import CLASS_FOLDERS, find_tree, read_tree
from reportgen.data.sniff import COURSE_TEST, KAGGLE, detect_csv
from reportgen.data.types import Dataset, LabelledImages, UnlabelledImages
from reportgen.errors import UserError
from reportgen.store.keys import content_key, module_digest

_CSV_NAMES = ("train.csv", "test.csv", "fer2013.csv")

Parts = tuple[LabelledImages | None, dict[str, LabelledImages], UnlabelledImages | None]


@dataclass(frozen=True)
class _Plan:
    """What a path holds: the files read (for the cache stamp) and how to read them."""

    kind: str
    root: Path  # the path the user gave; with kind, the cache key
    files: tuple[Path, ...]
    read: Callable[[], Parts]


def load_dataset(path: str | Path, *, use_cache: bool = True) -> Dataset:
    """The labelled data (and test sets, and unlabelled set) at path; UserError if unusable."""
    source = str(path)
    with _os_errors_as_user_errors(source):
        plan = _plan_dataset(Path(path), source)
        (train, tests, unlabelled), fingerprint = _load(plan, "dataset", use_cache)
    assert train is not None
    return Dataset(
        source=source, train=train, fingerprint=fingerprint, tests=tests, unlabelled=unlabelled
    )


def cached_fingerprint(path: str | Path) -> str | None:
    """The fingerprint load_dataset(path) would give if the cache holds it for the files as
    they are now (their names, sizes, times: nothing parsed, no arrays read); else None."""
    source = str(path)
    with _os_errors_as_user_errors(source):
        plan = _plan_dataset(Path(path), source)
        hit = cache.lookup(
            _cache_key(plan, "dataset"), cache.source_stamp(plan.files), arrays=False
        )
    return hit.fingerprint if hit is not None else None


def load_unlabelled(path: str | Path, *, use_cache: bool = True) -> UnlabelledImages:
    """The course's test.csv (id,feature), or a folder holding it, for predictions."""
    with _os_errors_as_user_errors(str(path)):
        return _load_unlabelled(Path(path), str(path), use_cache)


def _load_unlabelled(path: Path, shown: str, use_cache: bool) -> UnlabelledImages:
    _require_exists(path, shown)
    if path.is_dir():
        found = _csv_files(path, shown)
        if "test.csv" not in found:
            raise UserError(f"{shown}: a folder without test.csv (id,feature)")
        path, shown = found["test.csv"], str(Path(shown) / found["test.csv"].name)
    fmt, _ = detect_csv(path, shown)
    if fmt is not COURSE_TEST:
        raise UserError(
            f"{shown}: {fmt.description} ({fmt.header}); the test set to predict must be the"
            f" course's test.csv ({COURSE_TEST.header})"
        )
    plan = _Plan("course-test", path, (path,), lambda: (None, {}, read_course_test(path, shown)))
    unlabelled = _load(plan, "unlabelled", use_cache)[0][2]
    assert unlabelled is not None
    return unlabelled


@contextmanager
def _os_errors_as_user_errors(shown: str) -> Iterator[None]:
    """A file that vanishes or cannot be read midway is the user's to fix, not a traceback."""
    try:
        yield
    except OSError as e:
        where = f" {e.filename}" if e.filename and str(e.filename) != shown else ""
        raise UserError(f"{shown}: cannot read{where}: {e.strerror or e}") from None


def _load(plan: _Plan, what: str, use_cache: bool) -> tuple[Parts, str]:
    """plan's parts and fingerprint: from the cache when its files are unchanged, else parsed."""
    key = _cache_key(plan, what)
    stamp = cache.source_stamp(plan.files)
    hit = cache.lookup(key, stamp) if use_cache else None
    if hit is not None and hit.arrays is not None:
        parts = _from_arrays(hit.arrays)
        if parts is not None:
            return parts, hit.fingerprint
    parts = plan.read()
    # The labelled arrays alone: a course test.csv lying beside train.csv trains nothing, so
    # it must not change the run keys.
    fingerprint = hit.fingerprint if hit else cache.fingerprint_dataset(*parts[:2])
    if use_cache and cache.source_stamp(plan.files) == stamp:  # unchanged while we read
        cache.store(key, stamp, fingerprint, _to_arrays(parts))
    return parts, fingerprint


def _cache_key(plan: _Plan, what: str) -> str:
    """The cache entry of plan: what is loaded, by which loader code, from which path."""
    parts = {"what": what, "code": _loader_code(), "form": plan.kind}
    return content_key("data-cache", parts | {"path": str(plan.root.resolve())})


@once
def _loader_code() -> str:
    """The digest of the loader's code (this module and what it imports, the fingerprint's
    included): a change to how a file is parsed or hashed misses the cache."""
    return module_digest(__name__)


def _plan_dataset(path: Path, shown: str) -> _Plan:
    _require_exists(path, shown)
    if path.is_dir():
        return _plan_folder(path, shown)
    fmt, _ = detect_csv(path, shown)
    if fmt is COURSE_TEST:
        raise UserError(
            f"{shown}: the course's test.csv ({COURSE_TEST.header}) has no labels to train on;"
            " give train.csv, fer2013.csv or an image folder as the data, and test.csv to"
            " `reportgen predict --test`"
        )
    if fmt is KAGGLE:
        return _Plan("kaggle", path, (path,), lambda: (*read_kaggle(path, shown), None))
    return _Plan("course", path, (path,), lambda: (read_course_train(path, shown), {}, None))


def _plan_folder(folder: Path, shown: str) -> _Plan:
    tree = find_tree(folder, shown)
    if tree is not None:

        def read_images() -> Parts:
            splits = read_tree(tree, shown)
            train = splits.pop("train")
            return train, splits, None

        return _Plan("tree", folder, tree.files, read_images)
    found = _csv_files(folder, shown)
    for name in ("train.csv", "fer2013.csv"):
        if name in found:
            return _plan_csv_folder(folder, found[name], found.get("test.csv"), shown)
    raise UserError(
        f"{shown}: a folder holding neither an image tree (train/<class>/*.png, classes "
        f"{', '.join(CLASS_FOLDERS)}) nor train.csv or fer2013.csv"
    )


def _plan_csv_folder(root: Path, train_path: Path, test_path: Path | None, folder: str) -> _Plan:
    train_shown = str(Path(folder) / train_path.name)
    fmt, _ = detect_csv(train_path, train_shown)
    if fmt is COURSE_TEST:
        raise UserError(f"{train_shown}: has ids ({fmt.header}), not labels")
    if test_path is None:
        files: tuple[Path, ...] = (train_path,)
    else:
        test_shown = str(Path(folder) / test_path.name)
        test_fmt, _ = detect_csv(test_path, test_shown)
        if test_fmt is not COURSE_TEST:
            raise UserError(
                f"{test_shown}: expected the course's unlabelled test.csv ({COURSE_TEST.header})"
            )
        files = (train_path, test_path)

    def read() -> Parts:
        if fmt is KAGGLE:
            train, tests = read_kaggle(train_path, train_shown)
        else:
            train, tests = read_course_train(train_path, train_shown), {}
        unlabelled = read_course_test(test_path, test_shown) if test_path else None
        return train, tests, unlabelled

    kind = "kaggle" if fmt is KAGGLE else "course"
    return _Plan(f"{kind}-folder", root, files, read)


def _csv_files(folder: Path, shown: str) -> dict[str, Path]:
    """train.csv, test.csv, fer2013.csv in folder (each maybe .gz), by plain name."""
    found: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        name = entry.name.lower().removesuffix(".gz")
        if name in _CSV_NAMES and entry.is_file():
            if name in found:
                raise UserError(f"{shown}: holds both {found[name].name} and {entry.name}")
            found[name] = entry
    return found


def _require_exists(path: Path, shown: str) -> None:
    if not path.exists():
        raise UserError(f"{shown}: no such file or folder")


def _to_arrays(parts: Parts) -> dict[str, np.ndarray]:
    train, tests, unlabelled = parts
    arrays: dict[str, np.ndarray] = {"test_names": np.array(sorted(tests), dtype=str)}
    if train is not None:
        arrays |= {"train_images": train.images, "train_labels": train.labels}
    for i, name in enumerate(sorted(tests)):
        arrays |= {f"test{i}_images": tests[name].images, f"test{i}_labels": tests[name].labels}
    if unlabelled is not None:
        arrays |= {"unlabelled_ids": unlabelled.ids, "unlabelled_images": unlabelled.images}
    return arrays


def _from_arrays(arrays: dict[str, np.ndarray]) -> Parts | None:
    """The parts saved by _to_arrays, or None if the arrays are not what it saves."""
    try:
        train = _labelled(arrays, "train") if "train_images" in arrays else None
        names = [str(n) for n in arrays["test_names"]]
        tests = {name: _labelled(arrays, f"test{i}") for i, name in enumerate(names)}
        unlabelled = None
        if "unlabelled_ids" in arrays:
            unlabelled = UnlabelledImages(
                arrays["unlabelled_ids"].astype(np.int64, copy=False),
                _images(arrays["unlabelled_images"]),
            )
    except (KeyError, ValueError):
        return None
    return train, tests, unlabelled


def _labelled(arrays: dict[str, np.ndarray], prefix: str) -> LabelledImages:
    images, labels = _images(arrays[f"{prefix}_images"]), arrays[f"{prefix}_labels"]
    if labels.dtype != np.int64 or labels.shape != (len(images),):
        raise ValueError(prefix)
    if labels.size and not (labels.min() >= 0 and labels.max() < NUM_CLASSES):
        raise ValueError(prefix)
    return LabelledImages(images, labels)


def _images(images: np.ndarray) -> np.ndarray:
    if images.dtype != np.uint8 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError("images")
    return images
