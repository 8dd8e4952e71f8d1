"""A tiny build from a Kaggle-format fer2013.csv (emotion,pixels,Usage with Training,
PublicTest and PrivateTest rows): the real command trains on the Training rows, and q1 and q4
report both labelled test sets from the real run's predictions.

The file is made here from the embedded synthetic faces, small (the tiny profile, 420
training rows): the expected accuracies and matrices are computed in the test from the
file's own labels and the run's saved predictions, not by the question modules' code.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from pypdf import PdfReader

from reportgen.cli.main import main
from reportgen.data.synthetic import generate_faces
from reportgen.store.paths import SECTION_FILE

SIZES = {"Training": 420, "PublicTest": 70, "PrivateTest": 56}


@pytest.fixture(scope="module")
def kaggle_build(tmp_path_factory, module_cache_dir):
    """(project folder, {usage: labels}): fer2013.csv written, the report built from it."""
    root = tmp_path_factory.mktemp("kaggle")
    project = root / "project"
    project.mkdir()
    faces = generate_faces(sum(SIZES.values()), seed=3)
    usages = [u for u, n in SIZES.items() for _ in range(n)]
    labels: dict[str, list[int]] = {u: [] for u in SIZES}
    path = root / "fer2013.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["emotion", "pixels", "Usage"])
        for image, label, usage in zip(faces.images, faces.labels, usages, strict=True):
            out.writerow([int(label), " ".join(map(str, image.ravel().tolist())), usage])
            labels[usage].append(int(label))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        argv = ["build", "--data", str(path), "--profile", "tiny", "--template", "ml2019-hw3"]
        code = main([*argv, "--student-id", "R05942017", "--quiet"])
    assert code == 0
    return project, {u: np.array(v) for u, v in labels.items()}


def section_facts(project, module: str) -> dict:
    (found,) = (project / "build" / "sections" / module).glob(f"*/{SECTION_FILE}")
    return json.loads(found.read_text(encoding="utf-8"))["facts"]


def saved_predictions(project, run_key: str, usage: str) -> np.ndarray:
    """The run's own predicted classes on a test set, as the run store saved them."""
    return np.load(project / "runs" / run_key / f"test_pred_{usage}.npy").argmax(axis=1)


def test_q1_reports_both_kaggle_test_sets_from_the_run(kaggle_build):
    project, labels = kaggle_build
    facts = section_facts(project, "q1_cnn")
    results = facts["results"]
    assert [t["name"] for t in results["test_accuracy"]] == ["PublicTest", "PrivateTest"]
    for row in results["test_accuracy"]:
        predicted = saved_predictions(project, facts["run_key"], row["name"])
        assert len(predicted) == SIZES[row["name"]]
        assert row["accuracy"] == pytest.approx(float(np.mean(predicted == labels[row["name"]])))
    # The training set is the Training rows alone, split into training and validation.
    assert results["n_train"] + results["n_val"] == SIZES["Training"]


def test_q4_draws_a_confusion_matrix_for_each_kaggle_test_set(kaggle_build):
    project, labels = kaggle_build
    facts = section_facts(project, "q4_confusion")
    assert [t["name"] for t in facts["tests"]] == ["PublicTest", "PrivateTest"]
    for test in facts["tests"]:
        name = test["name"]
        predicted = saved_predictions(project, facts["run_key"], name)
        counts = np.zeros((7, 7), dtype=int)
        np.add.at(counts, (labels[name], predicted), 1)  # rows: true class; columns: predicted
        assert np.array_equal(np.array(test["counts"]), counts), name
        support = counts.sum(axis=1, keepdims=True)
        shares = np.divide(counts, support, out=np.zeros((7, 7)), where=support > 0)
        np.testing.assert_allclose(np.array(test["matrix"]), shares, atol=1e-9)
        assert test["n"] == SIZES[name]
        assert test["accuracy"] == pytest.approx(float(np.mean(predicted == labels[name])))
        drawn = (project / "build" / "sections" / "q4_confusion").glob(f"*/confusion_{name}.png")
        assert len(list(drawn)) == 1, name


def test_the_report_names_both_test_sets(kaggle_build):
    project, _ = kaggle_build
    text = "".join(page.extract_text() for page in PdfReader(project / "Report.pdf").pages)
    assert "PublicTest" in text and "PrivateTest" in text
