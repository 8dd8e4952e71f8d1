"""Progress bars (rich) for long work: runs, epochs, batches, with ETA. Quiet is a no-op.

rich is imported only when bars are drawn: a quiet or logged build does without it."""

from __future__ import annotations

import sys
import time
from contextlib import AbstractContextManager
from typing import Any

from reportgen.settings.durations import format_duration


class Reporter(AbstractContextManager):
    """What long work reports to. The base class is silent (--quiet, tests)."""

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def task(self, description: str, total: int | None) -> Any:
        return None

    def advance(self, task: Any, amount: float = 1, description: str | None = None) -> None:
        pass

    def reset(
        self, task: Any, total: int | None, completed: int = 0, description: str | None = None
    ) -> None:
        pass

    def done(self, task: Any) -> None:
        pass

    def log(self, message: str) -> None:
        pass


class RichReporter(Reporter):
    def __init__(self, transient: bool = False) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(file=sys.stderr)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=transient,
        )

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def task(self, description: str, total: int | None) -> Any:
        return self.progress.add_task(description, total=total)

    def advance(self, task: Any, amount: float = 1, description: str | None = None) -> None:
        if description is None:
            self.progress.advance(task, amount)
        else:
            self.progress.update(task, advance=amount, description=description)

    def reset(
        self, task: Any, total: int | None, completed: int = 0, description: str | None = None
    ) -> None:
        kwargs: dict[str, Any] = {"total": total, "completed": completed}
        if description is not None:
            kwargs["description"] = description
        self.progress.reset(task, **kwargs)

    def done(self, task: Any) -> None:
        self.progress.remove_task(task)

    def log(self, message: str) -> None:
        self.progress.console.print(message)


class _Line:
    """One task's line. A reset (the next epoch of a run) starts its clock again; the steps
    and seconds before it are kept, so that the ETA uses the pace measured so far rather
    than one step's."""

    def __init__(self, description: str, total: int | None) -> None:
        self.description = description
        self.total = total
        self.completed: float = 0
        self.start = self.last = time.monotonic()
        self.steps_before: float = 0
        self.seconds_before = 0.0

    def restart(self, total: int | None, completed: int) -> None:
        now = time.monotonic()
        self.steps_before += self.completed
        self.seconds_before += now - self.start
        self.total, self.completed, self.start = total, completed, now

    def eta(self, elapsed: float) -> float | None:
        """Seconds left until completed reaches total, at the pace of every step so far."""
        steps = self.steps_before + self.completed
        if not self.total or steps <= 0 or self.completed >= self.total:
            return None
        return (self.seconds_before + elapsed) / steps * (self.total - self.completed)


def _duration(seconds: float) -> str:
    """ "73 s" under ten minutes, then as the budget planner writes durations ("20 min")."""
    return f"{seconds:.0f} s" if seconds < 600 else format_duration(seconds)


class LineReporter(Reporter):
    """Plain lines where stderr is no terminal (a log file, CI, a notebook's `!reportgen`),
    where bars cannot redraw: a line when a task starts, when it ends, and at most one
    progress line per task every `interval` seconds."""

    def __init__(self, stream: Any = None, interval: float = 30.0) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.tasks: dict[int, _Line] = {}

    def _say(self, message: str) -> None:
        print(message, file=self.stream, flush=True)

    def _status(self, line: _Line, eta: bool = True) -> str:
        """ "epoch 9/10: 120/404 in 31 s, ETA 73 s": this epoch's own steps and seconds. A
        task advanced by fractions (the training plan, in planned seconds) shows a percentage."""
        elapsed = time.monotonic() - line.start
        if not line.total:
            return f"{line.description}: {line.completed} in {_duration(elapsed)}"
        if isinstance(line.completed, float):
            done = f"{100 * line.completed / line.total:.0f}%"
        else:
            done = f"{line.completed}/{line.total}"
        text = f"{line.description}: {done} in {_duration(elapsed)}"
        left = line.eta(elapsed) if eta else None
        if left is not None and line.completed > 0:
            text += f", ETA {_duration(left)}"
        return text

    def task(self, description: str, total: int | None) -> Any:
        line = _Line(description, total)
        self.tasks[id(line)] = line
        self._say(f"{description}: started" + (f" ({total})" if total else ""))
        return id(line)

    def advance(self, task: Any, amount: float = 1, description: str | None = None) -> None:
        line = self.tasks.get(task)
        if line is None:
            return
        line.completed += amount
        if description is not None:
            line.description = description
        now = time.monotonic()
        if now - line.last >= self.interval:
            line.last = now
            self._say(self._status(line))

    def reset(
        self, task: Any, total: int | None, completed: int = 0, description: str | None = None
    ) -> None:
        line = self.tasks.get(task)
        if line is None:
            return
        line.restart(total, completed)
        if description is not None:
            line.description = description

    def done(self, task: Any) -> None:
        line = self.tasks.pop(task, None)
        if line is not None:
            self._say(self._status(line, eta=False).replace(": ", ": done, ", 1))

    def log(self, message: str) -> None:
        self._say(message)


def reporter(quiet: bool, transient: bool = False) -> Reporter:
    """Silent (quiet), bars on a terminal (transient: gone when done, as --watch wants), else
    plain lines."""
    if quiet:
        return Reporter()
    return RichReporter(transient) if sys.stderr.isatty() else LineReporter()
