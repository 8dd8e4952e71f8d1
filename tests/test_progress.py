"""Progress where stderr is no terminal: plain lines, not bars."""

from __future__ import annotations

import io

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
