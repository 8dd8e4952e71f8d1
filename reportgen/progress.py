"""Progress bars (rich) for long work: runs, epochs, batches, with ETA. Quiet is a no-op."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Reporter(AbstractContextManager):
    """What long work reports to. The base class is silent (--quiet, tests)."""

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def task(self, description: str, total: int | None) -> Any:
        return None

    def advance(self, task: Any, amount: int = 1, description: str | None = None) -> None:
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
    def __init__(self) -> None:
        self.console = Console(file=sys.stderr)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def task(self, description: str, total: int | None) -> Any:
        return self.progress.add_task(description, total=total)

    def advance(self, task: Any, amount: int = 1, description: str | None = None) -> None:
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


def reporter(quiet: bool) -> Reporter:
    return Reporter() if quiet else RichReporter()
