"""`reportgen build --watch`, driven by real file changes (watchdog's real observer).

No test measures time: each waits (generously) for the line a rebuild says, and checks what
the rebuild saw and wrote."""

from __future__ import annotations

import argparse
import queue
import threading
from pathlib import Path

import pytest

from reportgen.cli.commands import watch_build
from reportgen.cli.main import parser
from reportgen.cli.watch import watch
from reportgen.errors import UserError
from reportgen.project.folder import Project
from reportgen.settings.config import load_config
from tests.helpers import cache_hand_made_sections, pdf_text

WAIT_S = 60.0  # for a line to come; never reached unless the watch is broken


class Lines:
    """What the watch says, one line at a time, in the test's thread."""

    def __init__(self) -> None:
        self.queue: queue.Queue[str] = queue.Queue()

    def __call__(self, line: str) -> None:
        self.queue.put(line)

    def next(self) -> str:
        try:
            return self.queue.get(timeout=WAIT_S)
        except queue.Empty:
            pytest.fail(f"the watch said nothing in {WAIT_S:.0f} s")

    def until(self, wanted) -> str:
        """The first line for which wanted(line) holds (a save can come as two events far
        enough apart, on a busy machine, to be two rebuilds: the last one counts)."""
        while not wanted(line := self.next()):
            pass
        return line

    def none_pending(self) -> bool:
        return self.queue.empty()


@pytest.fixture
def running():
    """running(target, *args) -> the stop event; the thread is stopped and joined after."""
    threads = []

    def start(target, *args, **kwargs) -> threading.Event:
        stop = threading.Event()
        thread = threading.Thread(target=target, args=args, kwargs={**kwargs, "stop": stop})
        thread.start()
        threads.append((thread, stop))
        return stop

    yield start
    for thread, stop in threads:
        stop.set()
        thread.join(timeout=WAIT_S)
        assert not thread.is_alive()


def test_saves_under_answers_and_of_the_config_rebuild(tmp_path, running):
    root, answers = tmp_path, tmp_path / "answers"
    answers.mkdir()
    (answers / "q3_augmentation.md").write_text("first\n", encoding="utf-8")
    seen: list[str] = []

    def rebuild() -> Path:
        text = (answers / "q3_augmentation.md").read_text(encoding="utf-8")
        if text.startswith("---"):
            raise UserError("answers/q3_augmentation.md: front matter never closed")
        seen.append(text.strip())
        return root / f"Report-{text.strip() or 'empty'}.pdf"  # its line says what it read

    lines = Lines()
    running(watch, root, answers, root / "reportgen.toml", rebuild, lines, debounce=0.2)
    assert "start: rebuilt" in lines.next()

    # Each wait is for the line of the rebuild that read the save, never the next line: a save
    # can come as two events (truncate, write) far enough apart to be two rebuilds.
    (answers / "q3_augmentation.md").write_text("second\n", encoding="utf-8")
    line = lines.until(lambda line: "Report-second.pdf" in line)
    assert "answers/q3_augmentation.md: rebuilt" in line, line

    (answers / "q3_augmentation.md").write_text("---\nmode: replace\n", encoding="utf-8")
    line = lines.until(lambda line: "not rebuilt" in line)
    assert "answers/q3_augmentation.md" in line and "front matter never closed" in line, line

    # An editor's atomic save: a temporary file renamed over the answer.
    tmp = answers / ".q3_augmentation.md.swp"
    tmp.write_text("third\n", encoding="utf-8")
    tmp.replace(answers / "q3_augmentation.md")
    line = lines.until(lambda line: "Report-third.pdf" in line)
    assert "answers/q3_augmentation.md: rebuilt" in line, line

    (root / "reportgen.toml").write_text('[report]\nlang = "en"\n', encoding="utf-8")
    line = lines.until(lambda line: "reportgen.toml" in line)
    assert "reportgen.toml: rebuilt" in line, line

    (root / "unwatched.txt").write_text("x", encoding="utf-8")  # neither answers/ nor config
    (answers / "sub").mkdir()
    (answers / "sub" / "more.md").write_text("in a subfolder\n", encoding="utf-8")
    line = lines.until(lambda line: "answers/sub/more.md" in line)
    assert "unwatched" not in line


def test_a_burst_of_saves_is_debounced_and_the_last_one_is_built(tmp_path, running):
    answers = tmp_path / "answers"
    answers.mkdir()
    path = answers / "q1_cnn.md"
    seen: list[str] = []

    def rebuild() -> Path:
        seen.append(path.read_text(encoding="utf-8") if path.exists() else "")
        return tmp_path / f"Report-{seen[-1].strip().replace(' ', '-') or 'empty'}.pdf"

    lines = Lines()
    # A debounce far longer than the burst takes, so that it is one burst on a busy machine.
    running(watch, tmp_path, answers, tmp_path / "reportgen.toml", rebuild, lines, debounce=1.5)
    lines.next()  # the first build
    saves = 20
    for n in range(saves):
        path.write_text(f"save {n}\n", encoding="utf-8")
    lines.until(lambda line: f"Report-save-{saves - 1}.pdf" in line)  # the last save's rebuild
    assert len(seen) - 1 < saves  # debounced: fewer rebuilds than saves
    assert lines.none_pending()


def _watch_args(*argv: str) -> argparse.Namespace:
    return parser().parse_args(["build", "--watch", *argv])


def test_build_watch_keeps_report_pdf_current(tmp_path, monkeypatch, running, cache_dir):
    """The real command on a project whose every section is cached (nothing trains)."""
    root = tmp_path / "project"
    (root / "answers").mkdir(parents=True)
    args = _watch_args("--student-id", "R05942017", "--profile", "tiny", "--quiet")
    args.template = "ml2019-hw3"
    config = load_config(root, vars(args))
    cache_hand_made_sections(Project(config))
    pdf = root / "Report.pdf"

    lines = Lines()
    running(watch_build, config, args, say=lines)
    assert "start: rebuilt" in lines.next()
    assert "WATCHED-WORDS" not in pdf_text(pdf)

    answer = root / "answers" / "q3_augmentation.md"
    answer.write_text("WATCHED-WORDS here.\n", "utf-8")
    line = lines.until(lambda _: "WATCHED-WORDS" in pdf_text(pdf))
    assert "answers/q3_augmentation.md: rebuilt" in line, line
    good = pdf.read_bytes()

    # Saved whole (a temporary file renamed over it, as editors do): one event, so no rebuild
    # can read the answer half written (an empty answer builds a good report of its own).
    swap = answer.with_name(".q3_augmentation.md.swp")
    swap.write_text("---\nmode: append\n", "utf-8")
    swap.replace(answer)
    line = lines.until(lambda line: "not rebuilt" in line)
    assert "never closed" in line, line
    assert pdf.read_bytes() == good  # the last good report stays
