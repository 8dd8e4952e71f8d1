"""The figures of the explanation questions (HW4): saliency table, filter grids, LIME and
Grad-CAM panels. Each takes arrays and labels already chosen (the words from the caller)
and writes one PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from reportgen.plots.style import figure_style, save_figure

WIDTH_IN = 6.5  # A4 text width
HEAT = "jet"  # heat maps over a gray face: the usual look of saliency figures
SCALE_PERCENTILE = 99.5  # a saliency map is scaled to this percentile of its own values


def _scaled(m: np.ndarray, percentile: float = SCALE_PERCENTILE) -> np.ndarray:
    """A map scaled to 0..1 by its own high percentile (one hot pixel does not wash it out)."""
    m = np.abs(np.asarray(m, dtype=np.float64))
    top = np.percentile(m, percentile)
    return np.clip(m / top, 0.0, 1.0) if top > 0 else np.zeros_like(m)


def _stretched(img: np.ndarray) -> np.ndarray:
    """The 1st..99th percentile to 0..1, clipped (a few extreme border pixels do not flatten
    the rest); a flat image stays mid-gray."""
    img = np.asarray(img, dtype=np.float64)
    lo, hi = np.percentile(img, (1, 99))
    return np.clip((img - lo) / (hi - lo), 0.0, 1.0) if hi > lo else np.full_like(img, 0.5)


def _by_max(img: np.ndarray) -> np.ndarray:
    """0..max to 0..1 (an all-zero map stays 0)."""
    img = np.maximum(np.asarray(img, dtype=np.float64), 0.0)
    top = img.max()
    return img / top if top > 0 else img


def _off(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _face(ax, image: np.ndarray) -> None:
    ax.imshow(np.asarray(image).squeeze(), cmap="gray", vmin=0, vmax=255)
    _off(ax)


def _heat_over(ax, image: np.ndarray, heat: np.ndarray, alpha: float = 0.75) -> None:
    """The heat map over the gray face, each pixel as opaque as it is hot (cold pixels leave
    the face visible)."""
    import matplotlib.pyplot as plt

    _face(ax, image)
    heat = np.clip(np.asarray(heat, dtype=np.float64), 0.0, 1.0)
    rgba = plt.get_cmap(HEAT)(heat)
    rgba[..., 3] = alpha * np.clip((heat - 0.15) / 0.85, 0.0, 1.0)  # the coolest 15% unseen
    ax.imshow(rgba)


def saliency_table(
    images: np.ndarray,
    vanilla: np.ndarray,
    smooth: np.ndarray,
    row_labels: Sequence[str],
    path: Path,
    *,
    headers: Sequence[str],
    percentile: float = SCALE_PERCENTILE,
) -> Path:
    """One row per example: image | vanilla gradient | SmoothGrad | SmoothGrad over the image
    (headers: the four columns' titles). Each map is scaled by its own `percentile`."""
    import matplotlib.pyplot as plt

    n = len(images)
    cell = 1.15
    with figure_style():
        fig, axes = plt.subplots(n, 4, figsize=(4 * cell + 1.0, n * cell + 0.4), squeeze=False)
        for r in range(n):
            axes[r][0].imshow(images[r], cmap="gray", vmin=0, vmax=255)
            axes[r][1].imshow(_scaled(vanilla[r], percentile), cmap="inferno", vmin=0, vmax=1)
            axes[r][2].imshow(_scaled(smooth[r], percentile), cmap="inferno", vmin=0, vmax=1)
            _heat_over(axes[r][3], images[r], _scaled(smooth[r], percentile))
            for ax in axes[r]:
                _off(ax)
            axes[r][0].set_ylabel(row_labels[r], fontsize=8, rotation=0, ha="right", va="center")
        for c, header in enumerate(headers):
            axes[0][c].set_title(header, fontsize=9)
        fig.tight_layout(h_pad=0.3, w_pad=0.3)
    return save_figure(fig, path)


def image_grid(
    images: np.ndarray,
    titles: Sequence[str],
    path: Path,
    *,
    cmap: str = "gray",
    scale: str = "minmax",
    first: np.ndarray | None = None,
    first_title: str = "",
    cols: int = 8,
) -> Path:
    """A grid of small images, row by row, each scaled on its own: `minmax` stretches its
    1st..99th percentile to the full colour range, `max` maps 0..its maximum (an all-zero
    map stays dark). `first`, if given, is a gray 0..255 face (the input image) drawn
    larger to the left of the grid."""
    import matplotlib.pyplot as plt

    cols = min(cols, len(images))
    rows = -(-len(images) // cols)
    side = 2 if first is not None else 0  # grid columns the input image spans
    side_rows = min(2, rows) if side else 0
    tile = WIDTH_IN / (cols + side)
    with figure_style():
        fig = plt.figure(figsize=(WIDTH_IN, max(rows, side_rows) * (tile + 0.18)))
        grid = fig.add_gridspec(max(rows, side_rows), cols + side)
        if first is not None:
            ax = fig.add_subplot(grid[:side_rows, :side])
            _face(ax, first)
            ax.set_title(first_title, fontsize=8, pad=2)
        for i, img in enumerate(images):
            ax = fig.add_subplot(grid[i // cols, side + i % cols])
            _off(ax)
            shown = _stretched(img) if scale == "minmax" else _by_max(img)
            ax.imshow(shown, cmap=cmap, vmin=0.0, vmax=1.0)
            ax.set_title(titles[i], fontsize=7, pad=1.5)
        fig.tight_layout(h_pad=0.25, w_pad=0.15)
    return save_figure(fig, path)


def lime_panels(
    images: np.ndarray,
    overlays: np.ndarray,
    weight_maps: np.ndarray,
    titles: Sequence[str],
    path: Path,
    *,
    row_names: Sequence[str],
) -> Path:
    """One column per example: the image, LIME's overlay (top positive superpixels green,
    top negative red) and every superpixel's weight (green for, red against; the colour
    scale symmetric per image). row_names: the three rows' labels."""
    import matplotlib.pyplot as plt

    n = len(images)
    tile = WIDTH_IN / max(n, 4)
    with figure_style():
        fig, axes = plt.subplots(3, n, figsize=(WIDTH_IN, 3 * tile + 0.7), squeeze=False)
        for c in range(n):
            _face(axes[0][c], images[c])
            axes[0][c].set_title(titles[c], fontsize=7.5, pad=2)
            axes[1][c].imshow(overlays[c])
            _off(axes[1][c])
            top = float(np.abs(weight_maps[c]).max()) or 1.0
            axes[2][c].imshow(weight_maps[c], cmap="RdYlGn", vmin=-top, vmax=top)
            _off(axes[2][c])
        for r, name in enumerate(row_names):
            axes[r][0].set_ylabel(name, fontsize=7.5)
        fig.tight_layout(h_pad=0.3, w_pad=0.2)
    return save_figure(fig, path)


def heat_rows(
    images: np.ndarray,
    heats: np.ndarray,
    titles: Sequence[str],
    path: Path,
    *,
    row_names: Sequence[str],
    show_images: bool = True,
) -> Path:
    """One column per example: (the image, then) the heat map in 0..1 over the image."""
    import matplotlib.pyplot as plt

    n = len(images)
    tile = WIDTH_IN / max(n, 4)
    rows = 2 if show_images else 1
    with figure_style():
        fig, axes = plt.subplots(rows, n, figsize=(WIDTH_IN, rows * tile + 0.5), squeeze=False)
        for c in range(n):
            if show_images:
                _face(axes[0][c], images[c])
            _heat_over(axes[rows - 1][c], images[c], np.clip(heats[c], 0.0, 1.0))
            axes[0][c].set_title(titles[c], fontsize=7.5, pad=2)
        for r in range(rows):
            axes[r][0].set_ylabel(row_names[r], fontsize=7.5)
        fig.tight_layout(h_pad=0.3, w_pad=0.2)
    return save_figure(fig, path)
