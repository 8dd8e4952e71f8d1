"""`reportgen build --watch`: rebuild whenever a file under answers/ or reportgen.toml is saved.

watchdog reports the file system's events (inotify, FSEvents, ReadDirectoryChangesW): answers/
is watched with its subfolders, the project folder itself without them (for reportgen.toml;
runs/, build/ and the rest stay unwatched). A burst of events (an editor's save is often several:
a temporary file, a rename, a chmod) becomes one rebuild once the folder has been quiet for
`debounce` seconds; a save during a rebuild starts another one after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from reportgen.errors import UserError

DEBOUNCE_S = 0.25
_WAKE_S = 0.5  # how often a wait looks at the stop flag (files are never polled)


class Changes(FileSystemEventHandler):
    """Collects the changed paths that matter: answers/** and the config file."""

    def __init__(self, answers_dir: Path, config_file: Path) -> None:
        self.answers_dir = answers_dir.absolute()
        self.config_file = config_file.absolute()
        self.paths: set[Path] = set()
        self.lock = threading.Lock()
        self.event = threading.Event()
        self.on_answers_created: Callable[[], None] | None = None

    def relevant(self, path: Path) -> bool:
        if path == self.config_file or path == self.answers_dir:
            return True
        name = path.name
        temporary = name.startswith(("~", ".#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))
        return self.answers_dir in path.parents and not temporary

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's time stamp: the file events say what changed
        paths = [Path(str(p)) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        wanted = {p for p in paths if self.relevant(p)}
        if not wanted:
            return
        if self.answers_dir in wanted and self.on_answers_created is not None:
            self.on_answers_created()
        with self.lock:
            self.paths |= wanted
        self.event.set()

    def wait(self, stop: threading.Event, debounce: float) -> set[Path] | None:
        """The paths changed since the last call, once `debounce` seconds pass without a new
        event; None when stop is set first."""
        while not self.event.is_set():
            if stop.is_set():
                return None
            self.event.wait(_WAKE_S)
        while True:  # quiet for `debounce` seconds
            self.event.clear()
            if not self.event.wait(debounce):
                break
        with self.lock:
            paths, self.paths = self.paths, set()
        return paths


def watch(
    root: Path,
    answers_dir: Path,
    config_file: Path,
    rebuild: Callable[[], Path],
    say: Callable[[str], None],
    *,
    stop: threading.Event | None = None,
    debounce: float = DEBOUNCE_S,
) -> None:
    """Build once, then again after each change, until stop is set (or Ctrl-C). A build that
    fails with a UserError is one line; the last good PDF stays and the watch goes on."""
    stop = stop or threading.Event()
    changes = Changes(answers_dir, config_file)
    observer = Observer()
    observer.schedule(changes, str(root), recursive=False)
    watching_answers = threading.Event()

    def watch_answers() -> None:
        if answers_dir.is_dir() and not watching_answers.is_set():
            watching_answers.set()
            observer.schedule(changes, str(answers_dir), recursive=True)

    changes.on_answers_created = watch_answers
    watch_answers()
    observer.start()
    try:
        _rebuild(rebuild, say, set())
        while (changed := changes.wait(stop, debounce)) is not None:
            _rebuild(rebuild, say, changed, root)
    finally:
        observer.stop()
        observer.join()


def _rebuild(
    rebuild: Callable[[], Path], say: Callable[[str], None], changed: set[Path], root: Path = Path()
) -> None:
    stamp = time.strftime("%H:%M:%S")
    what = ", ".join(sorted(_shown(p, root) for p in changed)) or "start"
    start = time.monotonic()
    try:
        pdf = rebuild()
    except UserError as exc:
        say(f"{stamp} {what}: not rebuilt: {exc} (the last good report is kept)")
    except Exception as exc:  # a bug: one line, and the watch goes on
        say(f"{stamp} {what}: not rebuilt: internal error: {type(exc).__name__}: {exc}")
    else:
        say(f"{stamp} {what}: rebuilt {pdf} in {time.monotonic() - start:.1f} s")


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.absolute()))
    except ValueError:
        return str(path)
