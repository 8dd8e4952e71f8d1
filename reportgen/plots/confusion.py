"""The normalized confusion matrix as a heatmap, and a grid of misclassified images. The
words (class names, axis labels, captions) come from the caller."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from reportgen.plots.style import figure_style, save_figure

WIDTH_IN = 6.5


def confusion_heatmap(
    matrix: np.ndarray,
    path: Path,
    *,
    names: Sequence[str],
    words: Mapping[str, str],
    title: str = "",
) -> Path:
    """Rows: true class, columns: predicted; each cell its share of the row, written in it.
    names: the classes' names; words: the axis labels `true` and `pred`."""
    import matplotlib.pyplot as plt

    matrix = np.asarray(matrix, dtype=float)
    n = matrix.shape[0]
    with figure_style():
        fig, ax = plt.subplots(figsize=(5.6, 4.8))
        image = ax.imshow(matrix, cmap="Blues", vmin=0.0, vmax=1.0)
        _write_cells(ax, matrix)
        ax.set_xticks(range(n), names[:n], rotation=35, ha="right")
        ax.set_yticks(range(n), names[:n])
        ax.set_xlabel(words["pred"])
        ax.set_ylabel(words["true"])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if title:
            ax.set_title(title)
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        fig.tight_layout()
    return save_figure(fig, path)


def _write_cells(ax, matrix: np.ndarray) -> None:
    """Each cell's share, written in it: white on the dark cells."""
    n = matrix.shape[0]
    for i in range(n):
        for j in range(n):
            v = matrix[i, j]
            ax.text(
                j,
                i,
                f"{v:.2f}",
                ha="center",
                va="center",
                fontsize=8.5,
                color="white" if v > 0.55 else "black",
            )


def misclassified_grid(
    images: np.ndarray, rows: Sequence[Sequence[tuple[int, str]]], path: Path
) -> Path:
    """rows: one per confused pair, (position in images, caption) of each image shown."""
    import matplotlib.pyplot as plt

    cols = max(len(r) for r in rows)
    tile = min(WIDTH_IN / max(cols, 5), 1.3)
    with figure_style():
        fig, axes = plt.subplots(
            len(rows), cols, figsize=(tile * cols, len(rows) * (tile + 0.42)), squeeze=False
        )
        for r, row in enumerate(rows):
            for c in range(cols):
                ax = axes[r][c]
                ax.axis("off")
                if c >= len(row):
                    continue
                pos, caption = row[c]
                ax.imshow(images[pos], cmap="gray", vmin=0, vmax=255)
                ax.set_title(caption, fontsize=7, pad=2)
        fig.tight_layout(h_pad=0.5, w_pad=0.3)
    return save_figure(fig, path)
