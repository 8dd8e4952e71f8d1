"""`reportgen predict`: the Kaggle submission from the CNN run, one row per test.csv row."""

from __future__ import annotations

import pytest

from reportgen.cli.main import main
from tests.helpers import read_submission, write_test_csv


@pytest.fixture
def project_dir(tiny_project, monkeypatch, cache_dir):
    """The tests' shared tiny project (its CNN run is trained once per session) as cwd."""
    monkeypatch.chdir(tiny_project.config.root)
    return tiny_project.config.root


def test_predict_writes_one_label_per_id_in_file_order(project_dir, tmp_path, capsys):
    from reportgen.data.loader import load_unlabelled
    from reportgen.project.folder import Project
    from reportgen.questions.shared_runs import cnn_run
    from reportgen.runs.pipeline import predict_probs
    from reportgen.settings.config import load_config

    ids = [5, 0, 3, 1, 4, 2, 9]
    test_csv, out = tmp_path / "test.csv", tmp_path / "submission.csv"
    write_test_csv(test_csv, ids)
    code = main(
        ["predict", "--test", str(test_csv), "-o", str(out), "--profile", "tiny", "--quiet"]
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == str(out)
    header, rows = read_submission(out)
    assert header == ["id", "label"]
    assert [int(r[0]) for r in rows] == ids
    labels = [int(r[1]) for r in rows]
    assert all(0 <= label <= 6 for label in labels)

    # The labels are the CNN run's predictions for those images, in the same order.
    project = Project(load_config(project_dir, {"profile": "tiny"}))
    run = project.store.get(cnn_run(project.profile, project.config), project.data)
    images = load_unlabelled(test_csv).images
    assert run.spec.tta_flip  # the tiny recipe predicts with flip test-time augmentation
    assert labels == predict_probs(run.model, images, tta_flip=True).argmax(axis=1).tolist()
    assert not out.with_name(out.name + ".tmp").exists()


def test_predict_refuses_a_training_file(project_dir, tmp_path, capsys):
    train_csv = tmp_path / "train.csv"
    train_csv.write_text("label,feature\n0," + " ".join(["0"] * 2304) + "\n", encoding="utf-8")
    out = tmp_path / "submission.csv"
    code = main(["predict", "--test", str(train_csv), "-o", str(out), "--profile", "tiny"])
    assert code == 2
    assert "test.csv" in capsys.readouterr().err
    assert not out.exists()


def test_predict_makes_a_missing_output_folder_as_build_does(project_dir, tmp_path, capsys):
    test_csv = tmp_path / "test.csv"
    write_test_csv(test_csv, [0, 1])
    out = tmp_path / "no-such-folder" / "deeper" / "submission.csv"
    code = main(
        ["predict", "--test", str(test_csv), "-o", str(out), "--profile", "tiny", "--quiet"]
    )
    assert code == 0, capsys.readouterr().err
    assert read_submission(out)[0] == ["id", "label"]


def test_predict_and_build_refuse_an_output_under_a_file_alike(project_dir, tmp_path, capsys):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    code = main(
        ["predict", "--test", "test.csv", "-o", str(blocker / "s.csv"), "--profile", "tiny"]
    )
    assert code == 2
    predict_err = capsys.readouterr().err.strip().splitlines()
    code = main(
        [
            "build",
            "--output",
            str(blocker / "Report.pdf"),
            "--profile",
            "tiny",
            "--student-id",
            "R05942017",
        ]
    )
    assert code == 2
    build_err = capsys.readouterr().err.strip().splitlines()
    for err, flag in ((predict_err, "-o/--out"), (build_err, "--output")):
        assert len(err) == 1 and "afile is a file, not a folder" in err[0] and flag in err[0], err
