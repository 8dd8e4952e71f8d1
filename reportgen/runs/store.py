"""The run cache: runs/<key>/, each trained once, moved into place whole, checked on read.

The store decides, for a spec on the data: reuse the cached run, resume its interrupted
training, train it afresh (or import it: a student's trained model), or set a broken folder
aside and train it again; and what `clean` removes. Everything on disk (where the folders
are, the locks, the checksums, each run's folder checked once per process) is
reportgen/store/run_folders.py's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.data.types import Dataset
from reportgen.errors import UserError
from reportgen.progress import Reporter
from reportgen.runs.run import Run
from reportgen.runs.spec import RunSpec
from reportgen.store.run_files import METRICS_FILE, SPEC_FILE, RunContents
from reportgen.store.run_folders import RunFolders

if TYPE_CHECKING:
    from reportgen.runs.plan import Pace


@dataclass(frozen=True)
class CachedRun:
    key: str
    name: str
    val_accuracy: float | None
    problem: str | None
    sizes: tuple[tuple[Path, int], ...] = ()  # each file of the run folder, in bytes


class RunStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders = RunFolders(root)

    def has(self, spec: RunSpec, data: Dataset) -> bool:
        return self.folders.problem(spec.key(data.fingerprint)) is None

    def get(self, spec: RunSpec, data: Dataset) -> Run:
        key = spec.key(data.fingerprint)
        problem = self.folders.problem(key)
        if problem:
            raise UserError(f"run {spec.name} ({key}) is not in {self.root}: {problem}")
        return Run.read(key, self.folders.folder(key))

    def partial_epochs(self, spec: RunSpec, data: Dataset) -> int | None:
        """The schedule length of an interrupted training of spec, if one can be resumed."""
        from reportgen.runs.train import checkpoint_epochs

        return checkpoint_epochs(self.folders.checkpoint(spec.key(data.fingerprint)))

    def ensure(
        self,
        spec: RunSpec,
        data: Dataset,
        report: Reporter,
        label: str | None = None,
        on_step: Callable[[], None] | None = None,
        pace: Pace | None = None,
    ) -> Run:
        """The finished run for spec on data, training it first if it is missing (an
        imported run: importing it). A run already in the cache is returned whatever epochs
        spec asks for (see RunSpec). pace: under a budget, what re-plans its length."""
        key = spec.key(data.fingerprint)
        folder = self.folders.folder(key)
        if self.folders.problem(key) is None:
            return Run.read(key, folder)
        with self.folders.lock(key):
            problem = self.folders.problem(key)
            if problem is None:  # another process trained it while we waited
                return Run.read(key, folder)
            if folder.exists():
                target = self.folders.set_aside(key)
                report.log(f"run {key}: {problem}; set aside in {target} and trained again")
            made = self._make(key, spec, data, report, label or spec.name, on_step, pace)
            folder = self.folders.finish(key, *made)
        return Run.read(key, folder)

    def _make(
        self,
        key: str,
        spec: RunSpec,
        data: Dataset,
        report: Reporter,
        label: str,
        on_step: Callable[[], None] | None,
        pace: Pace | None,
    ) -> tuple[Any, RunContents]:
        """Train the run (or import it: a student's trained model); TensorFlow only now."""
        if spec.imported:
            from reportgen.runs.imported import import_run

            self.folders.start_afresh(key)  # nothing to resume
            return import_run(spec, data, report, label)
        from reportgen.runs.train import train_run

        return train_run(spec, data, self.folders.checkpoint(key), report, label, on_step, pace)

    def cached(self) -> Iterator[CachedRun]:
        """Every run in runs/ (of this report or not), with what is wrong with it."""
        for folder in self.folders.runs():
            problem = self.folders.problem(folder.name)
            name, acc = "?", None
            try:
                name = json.loads((folder / SPEC_FILE).read_text(encoding="utf-8"))["name"]
                acc = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))[
                    "val_accuracy"
                ]
            except (OSError, ValueError, KeyError):
                pass
            sizes = tuple((f, f.stat().st_size) for f in sorted(folder.rglob("*")) if f.is_file())
            yield CachedRun(folder.name, name, acc, problem, sizes)

    def discard_leftovers(self) -> list[Path]:
        """Remove what interrupted and failed trainings left (.partial and .corrupt);
        returns the folders removed."""
        return self.folders.discard_leftovers()

    def clean(self, keep: set[str] | None = None) -> int:
        """Remove cached runs (all, or those whose key is not in keep); folders that are
        not reportgen runs stay. Returns how many were removed."""
        removed = 0
        for folder in self.folders.runs():
            if keep is None or folder.name not in keep:
                self.folders.remove(folder.name)
                removed += 1
        return removed
