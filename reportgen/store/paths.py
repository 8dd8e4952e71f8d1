"""Where everything reportgen keeps is: under the project's build/, beside its report, and in
the user cache (whose root reportgen.store.cachedir finds). The project's own names (its root,
runs/, build/, answers/, the report's file) are settings of its Config; every path below them
is derived here, but for runs/ (store/run_folders.py, which alone changes anything there, keeps
its layout; store/run_files.py names a run folder's files: they are part of every run key, and
these paths are not) and the files `init` writes (reportgen/project/init.py names them,
store/outputs.py writes them).

    build/sections/<module>/<key>/section.json (and the section's figures)
    build/fonts/                the report's subset fonts (Report.html links to them)
    <report>.pdf, <report>.html the report and its preview
    <cache>/fingerprints.json, <cache>/arrays-<key>.npz   the data fingerprint cache
    <cache>/fonts/              whole font faces (matplotlib without collection support)
"""

from __future__ import annotations

from pathlib import Path

from reportgen.store.cachedir import cache_root

SECTION_FILE = "section.json"
BUILT = ("sections", "fonts")  # what reportgen writes under build/ (which may be shared)
FINGERPRINT_INDEX = "fingerprints.json"


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
    """The parsed arrays of one data source, beside the index. key: the source's cache key,
    a content key (store.keys.content_key: hex digits, a file name as it is)."""
    return cache_root() / f"arrays-{key}.npz"


def font_cache() -> Path:
    return cache_root() / "fonts"
