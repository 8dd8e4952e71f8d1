"""The command line (reportgen/cli/main.py): one-line errors with exit code 2, no tracebacks
(reportgen/errors.py), and a full disk said in one line (reportgen/store/diskfull.py)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import numpy as np
import pytest

from reportgen.cli.main import main


def run_cli(tmp_path, *argv):
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *argv], cwd=tmp_path, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["build", "--student-id", "X123"], "--student-id"),
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
    from reportgen.settings.config import load_config

    assert load_config(tmp_path).student.id == "B06902049"


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("reportgen: error: ")
    return err[0]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    """/dev/full answers every write with ENOSPC, as a full disk does mid-training."""
    monkeypatch.chdir(tmp_path)

    def train_onto_a_full_disk(config, args):
        with open("/dev/full", "w") as f:
            f.write("an epoch's checkpoint")
            f.flush()

    monkeypatch.setattr("reportgen.cli.commands.cmd_train", train_onto_a_full_disk)
    assert main(["train", "--profile", "tiny"]) == 2
    line = _one_error_line(capsys)
    assert "no space left on device while writing into " in line
    assert "free there" in line and "`reportgen train` again" in line
    assert "finished epochs are kept" in line


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_full_disk_names_the_file_being_written(tmp_path, monkeypatch, capsys, wrapped):
    monkeypatch.chdir(tmp_path)
    target = str(tmp_path / "runs" / ".partial" / "0123" / "checkpoint.keras")

    def fail(config, args):
        error = OSError(errno.ENOSPC, "No space left on device", target)
        if not wrapped:
            raise error
        try:
            raise error
        except OSError as exc:  # as a library that wraps it (h5py, TensorFlow) would
            raise RuntimeError(f"Unable to save the checkpoint ({exc.strerror})") from exc

    monkeypatch.setattr("reportgen.cli.commands.cmd_build", fail)
    assert main(["build", "--student-id", "R05942017"]) == 2
    line = _one_error_line(capsys)
    assert f"while writing {target} (" in line and "`reportgen build` again" in line


def test_another_os_error_is_still_an_internal_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    def fail(config, args):
        raise OSError(errno.EIO, "Input/output error", "x")

    monkeypatch.setattr("reportgen.cli.commands.cmd_build", fail)
    assert main(["build"]) == 1
    assert "internal error: OSError" in capsys.readouterr().err


def test_quiet_means_quiet(tmp_path, cache_dir):
    """Training and a section of the explanation methods (TensorFlow's functions, traced per
    model), with --quiet: nothing on stderr, only the PDF's path on stdout."""
    rng = np.random.default_rng(0)
    labels = np.arange(84) % 7
    images = rng.integers(0, 60, (84, 2304)) + labels[:, None] * 25
    rows = [f"{y},{' '.join(map(str, x))}" for x, y in zip(images, labels, strict=True)]
    (tmp_path / "train.csv").write_text("label,feature\n" + "\n".join(rows) + "\n")
    flags = ["--data", "train.csv", "--profile", "tiny", "--student-id", "R05942017"]
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(cache_dir)}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as on a student's machine
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "q5", *flags, "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == str(tmp_path / "Report.pdf")


RETRACE = """
from reportgen.tfenv import tensorflow
tf = tensorflow()
for n in range(8):  # a new tf.function each time: TensorFlow warns that it keeps retracing
    tf.function(lambda x: x + 1)(tf.constant(float(n)))
"""


def test_tensorflows_retracing_warnings_are_kept_for_debug():
    """The warning is real (--debug, REPORTGEN_DEBUG, shows it) and off otherwise."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}

    def stderr(**extra: str) -> str:
        argv = [sys.executable, "-c", RETRACE]
        done = subprocess.run(argv, capture_output=True, text=True, env={**env, **extra})
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert "triggered tf.function retracing" in stderr(REPORTGEN_DEBUG="1")
    assert stderr() == ""
