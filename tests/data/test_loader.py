"""reportgen/data/loader.py: every accepted format (reportgen/data/csv_formats.py, the image
folders of reportgen/data/image_tree.py) loads the same arrays, and bad data is refused with the
file and the line; on small files in tmp_path."""

from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

from reportgen.data import fingerprint
from reportgen.data.classes import PIXELS
from reportgen.data.loader import load_dataset, load_unlabelled
from reportgen.errors import UserError
from tests.data_files import (
    assert_labelled,
    course_csv,
    make_images,
    make_labels,
    pixel_text,
    save_png,
    unlabelled_csv,
    write,
)

pytestmark = pytest.mark.usefixtures("cache_dir")  # conftest.py: a cache folder per test


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


def test_a_file_vanishing_midway_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "train.csv", course_csv(make_images(2), make_labels(2)))

    def vanished(files):
        raise FileNotFoundError(2, "No such file or directory", str(files[0]))

    monkeypatch.setattr(fingerprint, "source_stamp", vanished)
    with pytest.raises(UserError, match="cannot read: No such file"):
        load_dataset(path)
