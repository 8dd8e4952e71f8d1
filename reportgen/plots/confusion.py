"""The normalized confusion matrix as a heatmap, and a grid of misclassified images."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from reportgen.classes import class_name
from reportgen.figures import figure_style, save_figure

WIDTH_IN = 6.5
WORDS = {
    "en": {
        "true": "True class",
        "pred": "Predicted class",
        "caption": "True: {t}, Prediction: {p}",
    },
    "zh": {"true": "真實類別", "pred": "預測類別", "caption": "真實：{t}，預測：{p}"},
}


def caption(true: int, pred: int, lang: str) -> str:
    """`True: X, Prediction: Y` in the report's language."""
    return WORDS[lang]["caption"].format(t=class_name(true, lang), p=class_name(pred, lang))


def confusion_heatmap(matrix: np.ndarray, path: Path, *, lang: str, title: str = "") -> Path:
    """Rows: true class, columns: predicted; each cell its share of the row, written in it."""
    words = WORDS[lang]
    matrix = np.asarray(matrix, dtype=float)
    n = matrix.shape[0]
    names = [class_name(k, lang) for k in range(n)]
    with figure_style():
        fig, ax = plt.subplots(figsize=(5.6, 4.8))
        image = ax.imshow(matrix, cmap="Blues", vmin=0.0, vmax=1.0)
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
        ax.set_xticks(range(n), names, rotation=35, ha="right")
        ax.set_yticks(range(n), names)
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


def misclassified_grid(
    images: np.ndarray, rows: list[list[tuple[int, int, int]]], path: Path, *, lang: str
) -> Path:
    """rows: one per confused pair, (position in images, true, predicted) of each image shown;
    each is captioned `True: X, Prediction: Y` (on two lines, to fit under a small image)."""
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
                pos, true, pred = row[c]
                ax.imshow(images[pos], cmap="gray", vmin=0, vmax=255)
                text = caption(true, pred, lang).replace(", ", ",\n").replace("，", "\n")
                ax.set_title(text, fontsize=7, pad=2)
        fig.tight_layout(h_pad=0.5, w_pad=0.3)
    return save_figure(fig, path)
