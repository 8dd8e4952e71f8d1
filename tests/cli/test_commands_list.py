"""`reportgen list` says what is cached from the data's cached fingerprint alone: it never
decodes a data file nor draws the embedded faces. When the cache does not know the data as
they are now, the report's runs are unknown, and what runs/ holds is still listed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reportgen.cli.main import main
from reportgen.data import loader, synthetic
from reportgen.project import folder
from reportgen.project.folder import Project
from reportgen.settings.config import load_config
from reportgen.store.run_files import MANIFEST_FILE, METRICS_FILE, SPEC_FILE

SETTINGS = {"profile": "tiny", "template": "ml2019-hw3"}
FLAGS = ["--profile", "tiny", "--template", "ml2019-hw3"]
OTHER = "0123456789abcdef"  # a run of another report


def write_course_csv(path: Path, rows: int = 21) -> Path:
    rng = np.random.default_rng(0)
    lines = [f"{k % 7},{' '.join(map(str, rng.integers(0, 256, 2304)))}" for k in range(rows)]
    path.write_text("label,feature\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_run(runs: Path, key: str, name: str) -> None:
    """A run folder the store finds whole: its manifest names its key (no files to check)."""
    run = runs / key
    run.mkdir(parents=True)
    (run / MANIFEST_FILE).write_text(json.dumps({"key": key, "files": {}}), encoding="utf-8")
    (run / SPEC_FILE).write_text(json.dumps({"name": name}), encoding="utf-8")
    (run / METRICS_FILE).write_text(json.dumps({"val_accuracy": 0.5}), encoding="utf-8")


def refuse_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the project's data loader, the file loader and the faces' generator raise."""

    def refuse(*args, **kwargs):
        raise AssertionError("`list` loaded the data")

    for module, name in (
        (folder, "load_project_data"),
        (loader, "load_dataset"),
        (loader, "read_course_train"),
        (synthetic, "synthetic_dataset"),
        (synthetic, "generate_faces"),
    ):
        monkeypatch.setattr(module, name, refuse)


def list_runs(capsys: pytest.CaptureFixture[str], *flags: str) -> list[str]:
    capsys.readouterr()
    assert main(["list", "runs", *FLAGS, *flags]) == 0
    return capsys.readouterr().out.splitlines()


def test_list_reads_the_cached_fingerprint_and_never_the_data(project, monkeypatch, capsys):
    path = write_course_csv(project / "train.csv")
    loader.load_dataset(path)  # as a build does: the fingerprint is cached
    needed = Project(load_config(project, {**SETTINGS, "data": "train.csv"})).all_runs()
    cnn = next(k for k, s in needed.items() if s.name == "cnn")
    write_run(project / "runs", cnn, "cnn")
    write_run(project / "runs", OTHER, "old")
    refuse_loading(monkeypatch)

    lines = list_runs(capsys, "--data", "train.csv")
    assert lines[0] == "runs of this report (tiny profile):"
    states = {line.split()[1]: line.split()[-1] for line in lines[1 : len(needed) + 1]}
    assert states == {k: "cached" if k == cnn else "missing" for k in needed}
    assert lines[len(needed) + 1] == "sections:"
    assert lines[-2] == "other cached runs (another profile, data or setting):"
    assert lines[-1].split() == ["old", OTHER, "val_accuracy", "0.5000"]

    # The file changed since its fingerprint was cached: unknown, and still nothing loaded.
    write_course_csv(path, rows=28)
    lines = list_runs(capsys, "--data", "train.csv")
    assert lines[0] == "runs and sections of this report (tiny profile): unknown"
    assert lines[1].startswith("   train.csv changed, or was not read on this machine yet")
    assert lines[2] == "cached runs (another profile, data or setting):"
    assert sorted(line.split()[1] for line in lines[3:]) == sorted([cnn, OTHER])


def test_list_never_draws_the_embedded_faces(project, monkeypatch, capsys):
    config = load_config(project, SETTINGS)
    with monkeypatch.context() as m:
        refuse_loading(m)
        lines = list_runs(capsys)
    assert lines == [
        "runs and sections of this report (tiny profile): unknown",
        "   the embedded demo data changed, or was not read on this machine yet: the keys hold "
        "its fingerprint, which `reportgen build` or `reportgen train` computes (list never "
        "loads the data)",
    ]
    assert Project(config).data.fingerprint  # drawn once, as a build does: now known
    refuse_loading(monkeypatch)
    lines = list_runs(capsys)
    assert lines[0] == "runs of this report (tiny profile):"
    assert all(line.endswith("  missing") for line in lines[1:] if line != "sections:")
