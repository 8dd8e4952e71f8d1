"""What reportgen writes into the student's folder: Report.pdf and its Report.html preview,
the Kaggle submission.csv, and what `init` writes (reportgen.toml, answers/README.md, the
.gitignore lines, the starter model, the CI workflow). Each is written whole or not at all."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

from reportgen.store.files import atomic_path, write_bytes_atomic
from reportgen.store.paths import preview_file


def write_new(path: Path, text: str) -> bool:
    """path with text, whole or not at all, unless path is there. Whether it was written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, text.encode("utf-8"))
    return True


def rewrite(path: Path, text: str) -> None:
    """path replaced by text, whole (a file reportgen adds lines to: .gitignore)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_pdf(output: Path, draw: Callable[[Path], None]) -> None:
    """draw(tmp) writes the PDF to a temporary file beside output, renamed over it only when
    it has finished: a failed render leaves the last good PDF as it was."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(output) as tmp:
        draw(tmp)


def write_preview(output: Path, page: str) -> None:
    """The HTML preview beside the PDF `output`."""
    write_bytes_atomic(preview_file(output), page.encode("utf-8"))


def write_submission(out: Path, ids: Sequence[int], labels: Sequence[int]) -> None:
    """Kaggle's submission.csv: id,label."""
    with atomic_path(out) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "label"])
        writer.writerows(zip(ids, labels, strict=True))
