"""The command line: one-line errors with exit code 2, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reportgen.cli import main


def run_cli(tmp_path, *argv):
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *argv], cwd=tmp_path, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["build", "--student-id", "X123"], "student id"),
        (["build", "--profile", "huge", "--student-id", "R05942017"], "--profile"),
        (["run", "q9", "--student-id", "R05942017"], "no module 'q9'"),
        (["build", "--student-id", "R05942017", "--data", "missing.csv"], "missing.csv"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path, argv, needle):
    result = run_cli(tmp_path, *argv)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_config_file_names_the_file(tmp_path, capsys, monkeypatch):
    (tmp_path / "reportgen.toml").write_text("[student]\nnumber = 1\n")
    monkeypatch.chdir(tmp_path)
    assert main(["list", "modules"]) == 2
    err = capsys.readouterr().err
    assert "reportgen.toml" in err and "student.number" in err


def test_init_writes_config_and_answers(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--student-id", "b06902049", "--name", "王小明"]) == 0
    text = (tmp_path / "reportgen.toml").read_text(encoding="utf-8")
    assert 'id = "B06902049"' in text and "王小明" in text
    assert (tmp_path / "answers" / "README.md").exists()
    assert main(["init"]) == 2  # never overwrites
    from reportgen.config import load_config

    assert load_config(tmp_path).student.id == "B06902049"
