"""reportgen/data/validate.py: training labels that could teach nothing to compare are refused,
naming the classes short of rows."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from reportgen.data.split import holdout
from tests.data_files import (
    course_csv,
    make_images,
    save_png,
    write,
)

pytestmark = pytest.mark.usefixtures("cache_dir")  # conftest.py: a cache folder per test


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
    from reportgen.data.validate import check_training_labels

    labels = np.array([5, 5, 1, 1, 1])
    check_training_labels(labels, "x.csv")
    train, val = holdout(labels, 0.1, seed=0)
    assert set(labels[train]) == set(labels[val]) == {1, 5}
