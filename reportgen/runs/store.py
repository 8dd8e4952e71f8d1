"""The run cache: runs/<key>/, each trained once, moved into place whole, checked on read.

runs/.partial/<key>/  a run being trained (its checkpoint lets a killed run resume)
runs/.locks/<key>.lock  held while a run trains: a second process waits, then reads it
runs/.corrupt/       folders whose files failed their checksums, set aside, never used
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from reportgen.data.types import Dataset
from reportgen.errors import UserError
from reportgen.files import write_bytes_atomic
from reportgen.progress import Reporter
from reportgen.runs.run import MANIFEST_FILE, METRICS_FILE, SPEC_FILE, Run
from reportgen.runs.spec import RunSpec

if TYPE_CHECKING:
    from reportgen.runs.plan import Pace


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path, key: str) -> None:
    entries = {
        p.name: sha256_file(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST_FILE
    }
    manifest = json.dumps({"key": key, "files": entries}, indent=1)
    write_bytes_atomic(folder / MANIFEST_FILE, manifest.encode("utf-8"))


def manifest_problem(folder: Path, key: str) -> str | None:
    """Why the folder is not a whole, intact run; None when it is."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "no readable manifest"
    if manifest.get("key") != key:
        return "manifest of another run"
    for name, digest in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if sha256_file(path) != digest:
            return f"{name} fails its checksum"
    return None


@dataclass(frozen=True)
class CachedRun:
    key: str
    name: str
    val_accuracy: float | None
    problem: str | None


class RunStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, key: str) -> Path:
        return self.root / key

    def has(self, spec: RunSpec, data: Dataset) -> bool:
        key = spec.key(data.fingerprint)
        return manifest_problem(self.folder(key), key) is None

    def get(self, spec: RunSpec, data: Dataset) -> Run:
        key = spec.key(data.fingerprint)
        problem = manifest_problem(self.folder(key), key)
        if problem:
            raise UserError(f"run {spec.name} ({key}) is not in {self.root}: {problem}")
        return Run.read(key, self.folder(key))

    def partial_epochs(self, spec: RunSpec, data: Dataset) -> int | None:
        """The schedule length of an interrupted training of spec, if one can be resumed."""
        from reportgen.runs.train import checkpoint_epochs

        return checkpoint_epochs(self.root / ".partial" / spec.key(data.fingerprint))

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
        final = self.folder(key)
        if manifest_problem(final, key) is None:
            return Run.read(key, final)
        (self.root / ".locks").mkdir(parents=True, exist_ok=True)
        with FileLock(self.root / ".locks" / f"{key}.lock"):
            problem = manifest_problem(final, key)
            if problem is None:  # another process trained it while we waited
                return Run.read(key, final)
            if final.exists():
                self._set_aside(final, key, problem, report)
            partial = self.root / ".partial" / key
            if spec.imported:
                from reportgen.runs.imported import import_run

                shutil.rmtree(partial, ignore_errors=True)  # nothing to resume
                import_run(spec, data, partial, report, label or spec.name)
            else:
                from reportgen.runs.train import train_run  # TensorFlow only when training

                train_run(spec, data, partial, report, label or spec.name, on_step, pace)
            write_manifest(partial, key)
            os.replace(partial, final)
        return Run.read(key, final)

    def _set_aside(self, folder: Path, key: str, problem: str, report: Reporter) -> None:
        target = self.root / ".corrupt" / f"{key}-{time.strftime('%Y%m%d-%H%M%S')}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder, target)
        report.log(f"run {key}: {problem}; set aside in {target} and trained again")

    def cached(self) -> Iterator[CachedRun]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            problem = manifest_problem(folder, folder.name)
            name, acc = "?", None
            try:
                name = json.loads((folder / SPEC_FILE).read_text(encoding="utf-8"))["name"]
                acc = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))[
                    "val_accuracy"
                ]
            except (OSError, ValueError, KeyError):
                pass
            yield CachedRun(folder.name, name, acc, problem)

    def discard_leftovers(self) -> list[Path]:
        """Remove what interrupted and failed trainings left (.partial and .corrupt);
        returns the folders removed."""
        removed = []
        for hidden in (".partial", ".corrupt"):
            folder = self.root / hidden
            if folder.exists():
                shutil.rmtree(folder)
                removed.append(folder)
        return removed

    def clean(self, keep: set[str] | None = None) -> int:
        """Remove cached runs (all, or those whose key is not in keep). Returns how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            if keep is not None and (folder.name in keep or folder.name == ".locks"):
                continue
            shutil.rmtree(folder)
            removed += 1
        return removed
