"""The data loaders, the fingerprint and its cache, the hold-out; on small files in tmp_path."""

from __future__ import annotations

import gzip
import json
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reportgen.data import fingerprint, loader
from reportgen.data.classes import PIXELS
from reportgen.data.loader import load_dataset, load_unlabelled
from reportgen.data.split import holdout
from reportgen.data.types import LabelledImages
from reportgen.errors import UserError

FOLDERS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


pytestmark = pytest.mark.usefixtures("cache_dir")  # conftest.py: a cache folder per test


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


# --- formats -------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_course_train_round_trip(tmp_path: Path, gz: bool) -> None:
    images, labels = make_images(9), make_labels(9)
    path = write(tmp_path / ("train.csv.gz" if gz else "train.csv"), course_csv(images, labels), gz)
    data = load_dataset(path)
    assert_labelled(data.train, images, labels)
    assert data.source == str(path)
    assert data.tests == {} and data.unlabelled is None
    assert not data.synthetic and data.masks is None
    assert len(data.fingerprint) == 64


def test_gzip_is_detected_by_magic_bytes_not_name(tmp_path: Path) -> None:
    images, labels = make_images(3), make_labels(3)
    text = course_csv(images, labels)
    hidden_gz = write(tmp_path / "a" / "train.csv", text, gz=True)
    plain_named_gz = write(tmp_path / "b" / "train.csv.gz", text)
    assert_labelled(load_dataset(hidden_gz).train, images, labels)
    assert_labelled(load_dataset(plain_named_gz).train, images, labels)


def test_course_test_csv(tmp_path: Path) -> None:
    images, ids = make_images(4, seed=1), np.array([0, 1, 5, 3])
    path = write(tmp_path / "test.csv.gz", unlabelled_csv(images, ids), gz=True)
    unlabelled = load_unlabelled(path)
    np.testing.assert_array_equal(unlabelled.ids, ids)
    assert unlabelled.ids.dtype == np.int64
    np.testing.assert_array_equal(unlabelled.images, images)
    with pytest.raises(UserError, match=r"test\.csv.*no labels"):
        load_dataset(path)


def test_load_unlabelled_refuses_labelled_data(tmp_path: Path) -> None:
    path = write(tmp_path / "train.csv", course_csv(make_images(2), make_labels(2)))
    with pytest.raises(UserError, match=r"id,feature"):
        load_unlabelled(path)


def test_folder_with_train_and_test_csv(tmp_path: Path) -> None:
    images, labels = make_images(5), make_labels(5)
    test_images = make_images(2, seed=3)
    write(tmp_path / "data" / "train.csv.gz", course_csv(images, labels), gz=True)
    write(tmp_path / "data" / "test.csv", unlabelled_csv(test_images, np.array([0, 1])))
    data = load_dataset(tmp_path / "data")
    assert_labelled(data.train, images, labels)
    assert data.unlabelled is not None
    np.testing.assert_array_equal(data.unlabelled.images, test_images)
    np.testing.assert_array_equal(load_unlabelled(tmp_path / "data").images, test_images)


def test_kaggle_fer2013_usages(tmp_path: Path) -> None:
    images, labels = make_images(10, seed=2), make_labels(10)
    usage = ["Training"] * 5 + ["PublicTest"] * 2 + ["PrivateTest"] * 3
    rows = [f"{y},{pixel_text(x)},{u}" for x, y, u in zip(images, labels, usage, strict=True)]
    path = write(tmp_path / "fer2013.csv", "emotion,pixels,Usage\n" + "\n".join(rows) + "\n")
    data = load_dataset(path)
    assert_labelled(data.train, images[:5], labels[:5])
    assert sorted(data.tests) == ["PrivateTest", "PublicTest"]
    assert_labelled(data.tests["PublicTest"], images[5:7], labels[5:7])
    assert_labelled(data.tests["PrivateTest"], images[7:], labels[7:])


def test_kaggle_without_usage_is_all_training(tmp_path: Path) -> None:
    images, labels = make_images(3), make_labels(3)
    rows = [f"{y},{pixel_text(x)}" for x, y in zip(images, labels, strict=True)]
    path = write(tmp_path / "k.csv", "emotion,pixels\n" + "\n".join(rows) + "\n")
    data = load_dataset(path)
    assert_labelled(data.train, images, labels)
    assert data.tests == {}


def test_kaggle_unknown_usage(tmp_path: Path) -> None:
    row = f"1,{pixel_text(make_images(1)[0])}"
    path = write(tmp_path / "f.csv", f"emotion,pixels,Usage\n{row},Training\n{row},Validation\n")
    with pytest.raises(UserError, match="line 3: Usage 'Validation'"):
        load_dataset(path)


def save_png(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image).save(path)


def test_image_tree(tmp_path: Path) -> None:
    images = make_images(4, seed=5)
    root = tmp_path / "fer"
    save_png(root / "train" / "Happy" / "b.png", images[0])
    save_png(root / "train" / "angry" / "x.png", images[1])
    save_png(root / "train" / "neutral" / "y.png", images[2])
    save_png(root / "test" / "sad" / "z.png", images[3])
    (root / "train" / "angry" / "notes.txt").write_text("not an image")
    (root / "train" / ".DS_Store").write_text("")
    big = np.zeros((96, 96, 3), np.uint8)
    big[:, :, 0] = 200
    save_png(root / "train" / "fear" / "big.png", big)

    data = load_dataset(root)
    assert data.train.images.shape == (4, 48, 48) and data.train.images.dtype == np.uint8
    np.testing.assert_array_equal(data.train.labels, [0, 2, 3, 6])  # by label, then name
    np.testing.assert_array_equal(data.train.images[0], images[1])
    np.testing.assert_array_equal(data.train.images[2], images[0])
    np.testing.assert_array_equal(data.train.images[3], images[2])
    assert len(np.unique(data.train.images[1])) == 1  # the resized RGB image, now gray
    assert_labelled(data.tests["test"], images[3:], np.array([4]))

    only_train = load_dataset(root / "train")  # class folders directly inside
    np.testing.assert_array_equal(only_train.train.labels, [0, 2, 3, 6])
    assert only_train.tests == {}


def test_image_tree_unknown_class_folder(tmp_path: Path) -> None:
    save_png(tmp_path / "train" / "angry" / "a.png", make_images(1)[0])
    save_png(tmp_path / "train" / "contempt" / "b.png", make_images(1)[0])
    with pytest.raises(UserError, match="'contempt' is not a class"):
        load_dataset(tmp_path)


def test_image_tree_unreadable_image(tmp_path: Path) -> None:
    save_png(tmp_path / "train" / "angry" / "a.png", make_images(1)[0])
    (tmp_path / "train" / "sad" / "broken.png").parent.mkdir()
    (tmp_path / "train" / "sad" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(UserError, match=r"broken\.png: not a readable image"):
        load_dataset(tmp_path)


def test_tolerated_variations_load_the_same(tmp_path: Path) -> None:
    images, labels = make_images(3), make_labels(3)
    canonical = course_csv(images, labels)
    padded = canonical.replace(" ", "  ").replace(",", ", ")  # extra spaces
    zeros = canonical.replace(",0 ", ",000 ").replace(" 9 ", " 09 ", 1)  # leading zeros
    windows = "\ufeff" + canonical.replace("\n", "\r\n")  # BOM, CRLF
    blank = canonical.replace("\n", "\n\n", 2) + "\n\n"  # blank lines
    upper = canonical.replace("label,feature", "Label , Feature")
    for i, text in enumerate([padded, zeros, windows, blank, upper]):
        path = write(tmp_path / f"v{i}.csv", text)
        assert_labelled(load_dataset(path, use_cache=False).train, images, labels)


# --- bad data ------------------------------------------------------------------------------


def bad_file(tmp_path: Path, bad_row: str, gz: bool = False) -> Path:
    """A train.csv whose 3rd data row (line 5: a blank line 3 counts) is bad_row."""
    good = [f"{y},{pixel_text(x)}" for x, y in zip(make_images(3), make_labels(3), strict=True)]
    text = "label,feature\n" + good[0] + "\n\n" + good[1] + "\n" + bad_row + "\n" + good[2] + "\n"
    return write(tmp_path / ("bad.csv.gz" if gz else "bad.csv"), text, gz)


def pixels_with(*replacements: tuple[int, str]) -> str:
    tokens = ["7"] * PIXELS
    for k, token in replacements:
        tokens[k] = token
    return " ".join(tokens)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1," + " ".join(["7"] * (PIXELS - 1)), "line 5: 2303 pixels, expected 2304"),
        ("1," + " ".join(["7"] * (PIXELS + 1)), "line 5: 2305 pixels, expected 2304"),
        ("1," + pixels_with((4, "x7")), "line 5: pixel 5 is 'x7', not a number"),
        ("1," + pixels_with((0, "1.5")), "line 5: pixel 1 is '1.5', not a number"),
        ("1," + pixels_with((9, "256")), "line 5: pixel 10 is 256, outside 0..255"),
        ("1," + pixels_with((9, "-1")), "line 5: pixel 10 is -1, outside 0..255"),
        ("1," + pixels_with((9, "65636")), "line 5: pixel 10 is 65636, outside 0..255"),
        ("1," + pixels_with((9, "-0"), (10, "+3")), None),  # signs: odd but numbers in range
        ("7," + pixels_with(), "line 5: label 7 is outside 0..6"),
        ("-1," + pixels_with(), "line 5: label -1 is outside 0..6"),
        ("a," + pixels_with(), "line 5: label 'a' is not an integer"),
        ("2.0," + pixels_with(), "line 5: label '2.0' is not an integer"),
        ("," + pixels_with(), "line 5: 'label' is empty"),
        ("3,", "line 5: 'feature' is empty"),
        ("3", "line 5: 'feature' is empty"),
        ("3," + pixels_with() + ",9", "line 5: 3 fields, expected 2"),
    ],
)
@pytest.mark.parametrize("gz", [False, True])
def test_bad_row_is_refused_with_its_line(
    tmp_path: Path, row: str, message: str | None, gz: bool
) -> None:
    path = bad_file(tmp_path, row, gz)
    if message is None:
        assert len(load_dataset(path).train) == 4
        return
    with pytest.raises(UserError, match=f"^{re.escape(str(path))}: {message}") as caught:
        load_dataset(path)
    assert "\n" not in str(caught.value)


def test_row_counts_that_cancel_out_are_still_refused(tmp_path: Path) -> None:
    short = "1," + " ".join(["7"] * (PIXELS - 1))
    long = "1," + " ".join(["7"] * (PIXELS + 1))
    path = write(tmp_path / "t.csv", f"label,feature\n{short}\n{long}\n")
    with pytest.raises(UserError, match="line 2: 2303 pixels"):
        load_dataset(path)


def test_bad_id_and_duplicate_id(tmp_path: Path) -> None:
    row = pixel_text(make_images(1)[0])
    path = write(tmp_path / "test.csv", f"id,feature\n0,{row}\nx,{row}\n")
    with pytest.raises(UserError, match="line 3: id 'x' is not an integer"):
        load_unlabelled(path)
    write(path, f"id,feature\n0,{row}\n1,{row}\n0,{row}\n")
    with pytest.raises(UserError, match="line 4: id 0 repeats line 2"):
        load_unlabelled(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (gzip.compress(b"", mtime=0), "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"label,feature\n", "a header but no data rows"),
        (
            b"label,pixels\n1,2 3\n",
            r"missing column 'feature'; expected the header 'label,feature'",
        ),
        (b"feature\n1 2 3\n", r"missing column 'label'; expected the header 'label,feature'"),
        (b"emotion,Usage\n1,Training\n", r"missing column 'pixels'.*'emotion,pixels,Usage'"),
        (b"a,b\n1,2\n", "unknown format: header 'a,b' is none of label,feature"),
        (b"3,1 2 3\n", "no header row"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not a CSV text file"),
        (gzip.compress(b"label,feature\n1,2 3\n", mtime=0)[:-12], "corrupt or truncated gzip"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        load_dataset(path)


def test_missing_path_zip_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file or folder"):
        load_dataset(tmp_path / "nope.csv")
    archive = tmp_path / "fer2013.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("fer2013.csv", "emotion,pixels,Usage\n")
    with pytest.raises(UserError, match="zip archive"):
        load_dataset(archive)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="neither an image tree"):
        load_dataset(tmp_path / "empty")


# --- fingerprint and cache -----------------------------------------------------------------


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


# --- hold-out ------------------------------------------------------------------------------


def test_holdout_is_stratified_deterministic_disjoint_complete() -> None:
    labels = np.repeat(np.arange(7), [100, 10, 50, 200, 3, 2, 1])
    np.random.default_rng(0).shuffle(labels)
    train, val = holdout(labels, 0.2, seed=7)
    assert train.dtype == np.int64 and val.dtype == np.int64
    assert np.all(np.diff(train) > 0) and np.all(np.diff(val) > 0)
    assert np.intersect1d(train, val).size == 0
    np.testing.assert_array_equal(np.union1d(train, val), np.arange(len(labels)))
    val_counts = np.bincount(labels[val], minlength=7)
    np.testing.assert_array_equal(val_counts, [20, 2, 10, 40, 1, 1, 0])
    again = holdout(labels, 0.2, seed=7)
    np.testing.assert_array_equal(again[1], val)
    assert not np.array_equal(holdout(labels, 0.2, seed=8)[1], val)


def test_holdout_edge_cases() -> None:
    train, val = holdout(np.array([], np.int64), 0.1, seed=0)
    assert train.size == 0 and val.size == 0
    train, val = holdout(np.array([3, 3]), 0.9, seed=0)
    assert len(train) == 1 and len(val) == 1
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(UserError, match="hold-out fraction"):
            holdout(np.array([1, 2]), bad, seed=0)


def test_a_file_vanishing_midway_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "train.csv", course_csv(make_images(2), make_labels(2)))

    def vanished(files):
        raise FileNotFoundError(2, "No such file or directory", str(files[0]))

    monkeypatch.setattr(fingerprint, "source_stamp", vanished)
    with pytest.raises(UserError, match="cannot read: No such file"):
        load_dataset(path)


def _build_on(
    data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch
) -> list[str]:
    """`reportgen build --data data` in an empty project: its exit code must be 2, no report
    is written; returns the lines of stderr."""
    from reportgen.cli.main import main

    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    code = main(["build", "--data", str(data), "--student-id", "R05942017", "--profile", "tiny"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2, err
    assert not (root / "Report.pdf").exists() and not (root / "runs").exists()
    return err


def test_training_data_of_one_class_is_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    path = write(tmp_path / "train.csv", course_csv(make_images(40), np.full(40, 3)))
    (line,) = _build_on(path, capsys, tmp_path, monkeypatch)
    assert str(path) in line
    assert "all 40 training rows are class 3 (Happy)" in line and "at least 2 classes" in line


def test_five_rows_are_refused_naming_the_classes_short_of_rows(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    path = write(tmp_path / "train.csv", course_csv(make_images(5), np.array([0, 0, 1, 1, 2])))
    (line,) = _build_on(path, capsys, tmp_path, monkeypatch)
    assert "too few rows to hold out a validation set" in line
    assert "class 2 (Fear) has 1 row" in line and "class 0" not in line


def test_an_empty_class_folder_is_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    images = make_images(4)
    for i, name in enumerate(("happy", "happy", "sad", "sad")):
        save_png(tmp_path / "faces" / "train" / name / f"{i}.png", images[i])
    (tmp_path / "faces" / "train" / "fear").mkdir()
    (line,) = _build_on(tmp_path / "faces", capsys, tmp_path, monkeypatch)
    assert os.path.join("faces", "train", "fear") in line and "no images" in line


def test_two_rows_of_each_class_present_are_enough() -> None:
    from reportgen.data.split import holdout
    from reportgen.data.validate import check_training_labels

    labels = np.array([5, 5, 1, 1, 1])
    check_training_labels(labels, "x.csv")
    train, val = holdout(labels, 0.1, seed=0)
    assert set(labels[train]) == set(labels[val]) == {1, 5}
