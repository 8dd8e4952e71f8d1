"""Training curves: one model's loss and accuracy, two models on shared axes, q3's four
validation-loss curves. Epochs are numbered from 1, as in the text. The words come from the
caller (words/<lang>/words.toml, [plots.training])."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from reportgen.plots.style import figure_style, save_figure

WIDTH_IN = 6.5  # A4 text width
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
MARKERS = "os^D"


def _epochs(values: list[float]) -> list[int]:
    return list(range(1, len(values) + 1))


def _axes_style(ax, ylabel: str, words: Mapping[str, str]) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_xlabel(words["epoch"])
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    xs = [x for line in ax.get_lines() for x in np.asarray(line.get_xdata(), dtype=float)]
    last = round(max(xs, default=0.0))
    if last <= 2:  # too few epochs for MaxNLocator, which then falls back to fractions
        ax.set_xlim(0.5, last + 0.5)
        ax.set_xticks(range(1, last + 1))


def _legend_below(fig, ax, ncol: int) -> None:
    """The legend under the axes, so that it never hides a curve."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol)


def curves_figure(
    history: dict[str, list[float]],
    path: Path,
    *,
    words: Mapping[str, str],
    best_epoch: int | None = None,
) -> Path:
    """Loss and accuracy against epoch, train and validation, side by side."""
    import matplotlib.pyplot as plt

    with figure_style():
        fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(WIDTH_IN, 2.7))
        for ax, key, ylabel in (
            (ax_loss, "loss", words["loss"]),
            (ax_acc, "accuracy", words["accuracy"]),
        ):
            train, val = history[key], history[f"val_{key}"]
            ax.plot(_epochs(train), train, "o-", ms=3, color=COLORS[0], label=words["train"])
            ax.plot(_epochs(val), val, "s--", ms=3, color=COLORS[1], label=words["val"])
            if best_epoch:
                ax.axvline(
                    best_epoch,
                    color="0.45",
                    ls=":",
                    lw=1.2,
                    label=words["best"].format(epoch=best_epoch),
                )
            _axes_style(ax, ylabel, words)
        fig.tight_layout()
        _legend_below(fig, ax_acc, ncol=3)
    return save_figure(fig, path)


def compare_figure(
    histories: dict[str, dict[str, list[float]]], path: Path, *, words: Mapping[str, str]
) -> Path:
    """Several models' loss and accuracy on shared axes: a colour per model, train solid,
    validation dashed."""
    import matplotlib.pyplot as plt

    with figure_style():
        fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(WIDTH_IN, 2.9), sharex=True)
        for color, (name, history) in zip(COLORS, histories.items(), strict=False):
            for ax, key in ((ax_loss, "loss"), (ax_acc, "accuracy")):
                train, val = history[key], history[f"val_{key}"]
                ax.plot(
                    _epochs(train),
                    train,
                    "-",
                    color=color,
                    lw=1.6,
                    label=f"{name} {words['train']}",
                )
                ax.plot(
                    _epochs(val), val, "--", color=color, lw=1.6, label=f"{name} {words['val']}"
                )
        _axes_style(ax_loss, words["loss"], words)
        _axes_style(ax_acc, words["accuracy"], words)
        fig.tight_layout()
        _legend_below(fig, ax_acc, ncol=4)
    return save_figure(fig, path)


def val_loss_figure(
    curves: dict[str, list[float]],
    path: Path,
    *,
    words: Mapping[str, str],
    marks: dict[str, int] | None = None,
    mark_label: str = "",
) -> Path:
    """Validation loss of several runs on one axis; marks[name] (an epoch) is circled and
    mark_label says what the circles mean."""
    import matplotlib.pyplot as plt

    with figure_style():
        fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.1))
        for i, (name, values) in enumerate(curves.items()):
            color = COLORS[i % len(COLORS)]
            ax.plot(
                _epochs(values),
                values,
                "-",
                marker=MARKERS[i % len(MARKERS)],
                ms=3.5,
                color=color,
                lw=1.5,
                label=name,
            )
            if marks and name in marks:
                e = marks[name]
                ax.plot([e], [values[e - 1]], "o", ms=11, mfc="none", mec=color, mew=1.5)
        if marks:
            ax.plot([], [], "o", ms=9, mfc="none", mec="0.3", label=mark_label)
        _axes_style(ax, words["val_loss"], words)
        _log_scale_if_far_apart(ax, [v for c in curves.values() for v in c])
        fig.tight_layout()
        _legend_below(fig, ax, ncol=3)
    return save_figure(fig, path)


def _log_scale_if_far_apart(ax, values: list[float]) -> None:
    """One run far above the others (raw pixels in the first epoch): a log scale keeps the
    differences between the low curves visible."""
    from matplotlib.ticker import NullLocator

    if values and min(values) > 0 and max(values) / min(values) > 3:
        ax.set_yscale("log")
        ticks = sorted({float(f"{t:.2g}") for t in np.geomspace(min(values), max(values), 7)})
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
