"""Where everything reportgen keeps is: under the project's runs/ and build/, beside its
report, and in the user cache (whose root reportgen.store.cachedir finds). The project's own
names (its root, runs/, build/, answers/, the report's file) are settings of its Config;
every path below them is derived here, but for the names of a run folder's files, which
catalog/run_files.py keeps (they are part of every run key, and these paths are not), and
the files `init` writes (reportgen/project/init.py names them, catalog/outputs.py writes them).

    runs/<key>/                 a finished run (its files: catalog/run_files.py)
    runs/.partial/<key>/        a run being trained, with its checkpoint
    runs/.locks/<key>.lock      held while a run trains
    runs/.corrupt/<key>-<time>/ a folder that failed its checksums, set aside
    build/sections/<module>/<key>/section.json (and the section's figures)
    build/fonts/                the report's subset fonts (Report.html links to them)
    <report>.pdf, <report>.html the report and its preview
    <cache>/fingerprints.json, <cache>/arrays-*.npz   the data fingerprint cache
    <cache>/fonts/              whole font faces (matplotlib without collection support)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from reportgen.store.cachedir import cache_root

PARTIAL, LOCKS, CORRUPT = ".partial", ".locks", ".corrupt"
SECTION_FILE = "section.json"
BUILT = ("sections", "fonts")  # what reportgen writes under build/ (which may be shared)
FINGERPRINT_INDEX = "fingerprints.json"


@dataclass(frozen=True)
class RunPaths:
    """The folders of runs/ (root)."""

    root: Path

    def folder(self, key: str) -> Path:
        return self.root / key

    def partial(self, key: str) -> Path:
        return self.root / PARTIAL / key

    def lock(self, key: str) -> Path:
        return self.root / LOCKS / f"{key}.lock"

    def corrupt(self, key: str, stamp: str) -> Path:
        return self.root / CORRUPT / f"{key}-{stamp}"

    def leftovers(self) -> tuple[Path, Path]:
        """What interrupted and failed trainings leave: .partial and .corrupt."""
        return self.root / PARTIAL, self.root / CORRUPT


def section_folder(build: Path, module: str, key: str) -> Path:
    """A section's folder in the project's build/."""
    return build / "sections" / module / key


def font_folder(build: Path) -> Path:
    """The report's subset fonts, in the project's build/."""
    return build / "fonts"


def preview_file(report: Path) -> Path:
    """The HTML preview beside the PDF."""
    return report.with_suffix(".html")


def arrays_file(key: str) -> Path:
    """The parsed arrays of one data source, beside the index."""
    return cache_root() / f"arrays-{hashlib.sha256(key.encode()).hexdigest()[:24]}.npz"


def font_cache() -> Path:
    return cache_root() / "fonts"
