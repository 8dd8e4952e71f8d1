"""reportgen/data/fingerprint.py: the fingerprint is of the arrays, and its cache (written by
reportgen/store/fingerprints.py) is used, invalidated, and ignored when broken or unwritable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reportgen.data import fingerprint, loader
from reportgen.data.loader import load_dataset
from reportgen.data.types import LabelledImages
from tests.data_files import (
    assert_labelled,
    course_csv,
    make_images,
    make_labels,
    save_png,
    write,
)

pytestmark = pytest.mark.usefixtures("cache_dir")  # conftest.py: a cache folder per test


def test_fingerprint_is_of_the_arrays_not_the_path(tmp_path: Path) -> None:
    images, labels = make_images(4), make_labels(4)
    text = course_csv(images, labels)
    a = load_dataset(write(tmp_path / "a" / "train.csv", text)).fingerprint
    b = load_dataset(write(tmp_path / "b" / "other.csv.gz", text, gz=True)).fingerprint
    assert a == b
    changed = images.copy()
    changed[2, 10, 10] ^= 1
    c = load_dataset(write(tmp_path / "c.csv", course_csv(changed, labels))).fingerprint
    relabelled = labels.copy()
    relabelled[0] = 6
    d = load_dataset(write(tmp_path / "d.csv", course_csv(images, relabelled))).fingerprint
    assert len({a, c, d}) == 3


def test_fingerprint_covers_every_part() -> None:
    train = LabelledImages(make_images(3), make_labels(3))
    other = LabelledImages(make_images(2, seed=9), make_labels(2))
    base = fingerprint.fingerprint_dataset(train)
    assert fingerprint.fingerprint_dataset(train) == base
    assert fingerprint.fingerprint_dataset(train, {"test": other}) != base
    assert fingerprint.fingerprint_dataset(train, {"test": other}) != (
        fingerprint.fingerprint_dataset(train, {"other": other})
    )


class Counter:
    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def test_cache_is_used_then_invalidated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    hashing = Counter(fingerprint.fingerprint_dataset)
    parsing = Counter(loader.read_course_train)
    monkeypatch.setattr(fingerprint, "fingerprint_dataset", hashing)
    monkeypatch.setattr(loader, "read_course_train", parsing)
    images, labels = make_images(4), make_labels(4)
    path = write(tmp_path / "train.csv", course_csv(images, labels))

    first = load_dataset(path)
    second = load_dataset(path)
    assert (hashing.calls, parsing.calls) == (1, 1)
    assert second.fingerprint == first.fingerprint
    assert_labelled(second.train, images, labels)
    index = json.loads((cache_dir / fingerprint.INDEX_NAME).read_text())
    (entry,) = index.values()
    assert entry["stamp"]["size"] == path.stat().st_size
    assert entry["stamp"]["mtime_ns"] == path.stat().st_mtime_ns
    assert entry["fingerprint"] == first.fingerprint

    changed = images.copy()
    changed[0, 0, 0] = 1  # was 0: same file size
    write(path, course_csv(changed, labels))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    third = load_dataset(path)
    assert (hashing.calls, parsing.calls) == (2, 2)
    assert third.fingerprint != first.fingerprint
    assert third.train.images[0, 0, 0] == 1

    load_dataset(path, use_cache=False)
    assert (hashing.calls, parsing.calls) == (3, 3)


def test_cache_keeps_the_fingerprint_when_the_arrays_are_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    path = write(tmp_path / "train.csv", course_csv(make_images(2), make_labels(2)))
    first = load_dataset(path)
    for npz in cache_dir.glob("*.npz"):
        npz.write_bytes(b"garbage")
    hashing = Counter(fingerprint.fingerprint_dataset)
    monkeypatch.setattr(fingerprint, "fingerprint_dataset", hashing)
    assert load_dataset(path).fingerprint == first.fingerprint
    assert hashing.calls == 0


def test_cache_for_image_tree_sees_added_files(tmp_path: Path) -> None:
    images = make_images(2)
    save_png(tmp_path / "train" / "angry" / "a.png", images[0])
    assert len(load_dataset(tmp_path).train) == 1
    save_png(tmp_path / "train" / "happy" / "b.png", images[1])
    assert len(load_dataset(tmp_path).train) == 2


def test_broken_cache_is_ignored(tmp_path: Path, cache_dir: Path) -> None:
    cache_dir.mkdir()
    (cache_dir / fingerprint.INDEX_NAME).write_text("{not json")
    images, labels = make_images(2), make_labels(2)
    path = write(tmp_path / "train.csv", course_csv(images, labels))
    assert_labelled(load_dataset(path).train, images, labels)
    assert_labelled(load_dataset(path).train, images, labels)


def test_unwritable_cache_is_ignored(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        if os.access(cache_dir, os.W_OK):  # root writes anyway: a folder under a file fails
            blocker = tmp_path / "a-file"
            blocker.write_text("not a folder")
            monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(blocker / "cache"))
        images, labels = make_images(3), make_labels(3)
        path = write(tmp_path / "train.csv", course_csv(images, labels))
        first = load_dataset(path)
        assert_labelled(first.train, images, labels)
        again = load_dataset(path)
        assert_labelled(again.train, images, labels)
        assert again.fingerprint == first.fingerprint
        assert list(cache_dir.iterdir()) == []  # nothing written
    finally:
        cache_dir.chmod(0o700)


def test_cache_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "x"))
    assert fingerprint.cache_dir() == tmp_path / "x"
    monkeypatch.delenv("REPORTGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert fingerprint.cache_dir() == tmp_path / "xdg" / "reportgen"
