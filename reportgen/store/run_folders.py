"""runs/ on disk, and every change made there: where each folder is, a training's work
folder (.partial/<key>), the lock held while it trains (.locks), the finished run written there
and moved into place whole with a manifest of checksums, a folder that fails them set aside
(.corrupt), and the removal of leftovers and of unused runs. reportgen.runs.store decides; this
module does.

    runs/<key>/                 a finished run (its files: store/run_files.py)
    runs/.partial/<key>/        a run being trained, with its checkpoint
    runs/.locks/<key>.lock      held while a run trains
    runs/.corrupt/<key>-<time>/ a folder that failed its checksums, set aside

Only folders holding a run's manifest or spec are runs: anything else in runs/ (a student's
TensorBoard or PyTorch logs) is never listed nor removed.

A folder found whole is checked once per process: a build asks about a run several times (what
to train, what to plan, what to read), and a model's checksum reads every byte of it. It is
remembered with each of its files' size, time and inode, so a file changed since is checked
again.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from filelock import FileLock

from reportgen.store.files import sha256_file, write_bytes_atomic
from reportgen.store.run_files import (
    MANIFEST_FILE,
    SPEC_FILE,
    Checkpoint,
    RunContents,
    write_run,
)

PARTIAL, LOCKS, CORRUPT = ".partial", ".locks", ".corrupt"

FilesStamp = tuple[tuple[str, int, int, int], ...]
# Folders found whole in this process, by absolute path: their files' stamp then.
_whole: dict[Path, FilesStamp] = {}


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


def files_stamp(folder: Path) -> FilesStamp | None:
    """Each file's name, size, mtime and inode, by name: what a change to the folder's files
    changes. None when the folder cannot be listed."""
    try:
        entries = [e for e in os.scandir(folder) if e.is_file(follow_symlinks=False)]
        stats = [(e.name, e.stat(follow_symlinks=False)) for e in entries]
    except OSError:
        return None
    return tuple(sorted((n, st.st_size, st.st_mtime_ns, st.st_ino) for n, st in stats))


class RunFolders:
    """The folders of one runs/ (root)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, key: str) -> Path:
        return self.root / key

    def _partial(self, key: str) -> Path:
        return self.root / PARTIAL / key

    def problem(self, key: str) -> str | None:
        """Why runs/<key> is not a whole, intact run; None when it is. Its manifest is
        checked once per process while its files stay as they were (see the module's doc)."""
        folder = self.folder(key).absolute()
        stamp = files_stamp(folder)
        if stamp is not None and _whole.get(folder) == stamp:
            return None
        problem = manifest_problem(folder, key)
        if problem is None and stamp is not None:
            _whole[folder] = stamp
        return problem

    def lock(self, key: str) -> FileLock:
        """The lock held while the run trains (a second process waits for it)."""
        path = self.root / LOCKS / f"{key}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(path)

    def checkpoint(self, key: str) -> Checkpoint:
        """The checkpoint of the run's training, in its work folder."""
        return Checkpoint(self._partial(key))

    def start_afresh(self, key: str) -> None:
        """Nothing of an earlier attempt left in the run's work folder (nothing to resume)."""
        shutil.rmtree(self._partial(key), ignore_errors=True)

    def finish(self, key: str, model: Any, contents: RunContents) -> Path:
        """The run's files written in its work folder, the checkpoint removed, the manifest
        written last, and the folder moved into place whole. Returns where it is."""
        partial, final = self._partial(key), self.folder(key)
        write_run(partial, model, contents)
        Checkpoint(partial).remove()
        write_manifest(partial, key)
        os.replace(partial, final)
        return final

    def set_aside(self, key: str) -> Path:
        """Move runs/<key> (failing its checksums) to .corrupt, never deleted. Returns where."""
        target = self.root / CORRUPT / f"{key}-{time.strftime('%Y%m%d-%H%M%S')}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.folder(key), target)
        return target

    def runs(self) -> list[Path]:
        """The folders of runs/ that are runs (a manifest or a spec in them), by name."""
        if not self.root.is_dir():
            return []
        return sorted(
            folder
            for folder in self.root.iterdir()
            if not folder.name.startswith(".")
            and folder.is_dir()
            and ((folder / MANIFEST_FILE).is_file() or (folder / SPEC_FILE).is_file())
        )

    def remove(self, key: str) -> None:
        shutil.rmtree(self.folder(key))

    def discard_leftovers(self) -> list[Path]:
        """Remove what interrupted and failed trainings left (.partial and .corrupt);
        returns the folders removed."""
        removed = []
        for folder in (self.root / PARTIAL, self.root / CORRUPT):
            if folder.exists():
                shutil.rmtree(folder)
                removed.append(folder)
        return removed
