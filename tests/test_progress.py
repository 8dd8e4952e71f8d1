"""Progress where stderr is no terminal: plain lines, not bars."""

from __future__ import annotations

import io

import pytest

from reportgen.progress import LineReporter, Reporter, RichReporter, reporter


def test_line_reporter_says_start_progress_and_end():
    out = io.StringIO()
    report = LineReporter(out, interval=0.0)
    task = report.task("run 1/2 cnn epoch 1/3", total=4)
    report.advance(task)
    report.advance(task)
    report.reset(task, total=4, description="run 1/2 cnn epoch 2/3")
    report.log("run 1/2 cnn epoch 1/3: loss 1.2")
    report.done(task)
    lines = out.getvalue().splitlines()
    assert lines[0] == "run 1/2 cnn epoch 1/3: started (4)"
    assert lines[1].startswith("run 1/2 cnn epoch 1/3: 1/4 in ") and "ETA" in lines[1]
    assert lines[2].startswith("run 1/2 cnn epoch 1/3: 2/4 in ")
    assert lines[3] == "run 1/2 cnn epoch 1/3: loss 1.2"
    assert lines[4].startswith("run 1/2 cnn epoch 2/3: done, 0/4 in ")
    assert len(lines) == 5


def test_line_reporter_throttles_progress_lines():
    out = io.StringIO()
    report = LineReporter(out, interval=3600.0)
    task = report.task("sections", total=100)
    for _ in range(100):
        report.advance(task)
    report.done(task)
    assert len(out.getvalue().splitlines()) == 2  # started, done


def test_the_reporter_fits_the_stream(monkeypatch):
    assert type(reporter(quiet=True)) is Reporter
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert isinstance(reporter(quiet=False), LineReporter)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert isinstance(reporter(quiet=False), RichReporter)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clocked(monkeypatch):
    """A line reporter that prints every advance, on a clock the test moves."""
    clock = Clock()
    monkeypatch.setattr("reportgen.progress.time.monotonic", clock)
    out = io.StringIO()
    return clock, out, LineReporter(out, interval=0.0)


def test_an_epoch_line_shows_the_epochs_own_time_and_the_eta_at_the_pace_so_far(clocked):
    """The case of a log that read `epoch 9/10: 1/404 in 311 s, ETA 125233 s`."""
    clock, out, report = clocked
    task = report.task("cnn epoch 1/10", total=400)
    for _ in range(8):  # eight epochs of 400 steps, 40 s each (0.1 s a step)
        for _ in range(400):
            clock.now += 0.1
            report.advance(task)
        report.reset(task, total=400, description="cnn epoch next")
    out.truncate(0)
    out.seek(0)
    clock.now += 0.1
    report.advance(task)
    line = out.getvalue().strip()
    assert line == "cnn epoch next: 1/400 in 0 s, ETA 40 s", line
    for _ in range(199):
        clock.now += 0.1
        report.advance(task)
    assert out.getvalue().strip().splitlines()[-1] == "cnn epoch next: 200/400 in 20 s, ETA 20 s"
    report.done(task)
    assert out.getvalue().strip().splitlines()[-1] == "cnn epoch next: done, 200/400 in 20 s"


def test_the_training_plan_line_is_a_share_and_minutes(clocked):
    """The plan advances by planned seconds: a line read `108.19874848970143/2346 in 213 s`."""
    clock, out, report = clocked
    task = report.task("training plan (45m)", total=2346)
    clock.now += 1200.0
    report.advance(task, 1173.0)
    assert out.getvalue().splitlines()[-1] == "training plan (45m): 50% in 20 min, ETA 20 min"
