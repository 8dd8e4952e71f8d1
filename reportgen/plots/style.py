"""matplotlib set-up for the report's figures: the report's CJK font (so Chinese labels are
never boxes), a plain style, PNG at 200 dpi written atomically.

    with figure_style():
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.set_title("訓練過程")
        save_figure(fig, ctx.figure_path("curves.png"))
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reportgen.store.files import atomic_path

DPI = 200


@functools.cache
def cjk_family() -> str:
    """Register Noto Sans CJK TC with matplotlib once; its family name."""
    from matplotlib import font_manager

    from reportgen.render import fonts

    source = fonts.cjk_sources()[fonts.SANS]
    if hasattr(font_manager, "FontPath"):
        # matplotlib >= 3.10 reads every face of a collection.
        font_manager.fontManager.addfont(str(source.path))
    else:  # older matplotlib sees only the first face (Japanese): use the TC face alone
        font_manager.fontManager.addfont(str(fonts.full_face(source, fonts.user_cache_dir())))
    return source.family


def style() -> dict[Any, Any]:  # rcParams by name (matplotlib 3.11 types the names)
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_family(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": DPI,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.05,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "legend.fontsize": 9,
        "legend.frameon": False,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "image.cmap": "viridis",
    }


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Make and save figures inside this: the report's font and style."""
    import matplotlib

    with matplotlib.rc_context(style()):
        yield


def save_figure(fig: Any, path: Path, *, dpi: int = DPI) -> Path:
    """PNG at `dpi`, written to a temporary file and renamed; closes the figure."""
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_path(path) as tmp, figure_style():
            fig.savefig(tmp, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return path
