"""Face regions of the real, aligned 48x48 FER2013 faces, and unions of region masks.

FER2013's faces are registered: the mean training face has its eyes' centres near
(row 17.5, cols 15 and 33) and its mouth near (row 37.5, col 24). The regions are fixed
ellipses and a box around those places (row, col are pixel indices, 0 at the top left;
"semi-axes" are half the height and half the width). Measured on the mean of 3000
training faces; a single face can be off by a few pixels, so metrics on them use
generous masks or a tolerance.

    region   shape                     centre(s) (row, col)     semi-axes (rows, cols)
    brows    two ellipses              (12, 15), (12, 33)       (2.5, 6.5)  rows ~9.5-14.5
    eyes     two ellipses              (17.5, 15), (17.5, 33)   (3, 5.5)    rows ~14.5-20.5
    nose     box rows 20-31, cols 19-28 (inclusive)
    cheeks   two ellipses              (28, 12), (28, 36)       (5, 4.5)    rows ~23-33
    mouth    ellipse                   (37.5, 24)               (4, 9)      rows ~33.5-41.5

The regions do not overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from reportgen.data.types import REGIONS

FER_SIZE = 48
DECIDING_REGIONS: tuple[str, ...] = ("brows", "eyes", "mouth")

_ELLIPSES: dict[str, tuple[tuple[tuple[float, float], ...], tuple[float, float]]] = {
    "brows": (((12.0, 15.0), (12.0, 33.0)), (2.5, 6.5)),
    "eyes": (((17.5, 15.0), (17.5, 33.0)), (3.0, 5.5)),
    "cheeks": (((28.0, 12.0), (28.0, 36.0)), (5.0, 4.5)),
    "mouth": (((37.5, 24.0),), (4.0, 9.0)),
}
_NOSE_ROWS = (20, 31)
_NOSE_COLS = (19, 28)


def fer_face_regions() -> dict[str, np.ndarray]:
    """The fixed regions of an aligned 48x48 FER face: name -> bool (48, 48), see above."""
    rows, cols = np.mgrid[0:FER_SIZE, 0:FER_SIZE].astype(np.float64)
    out: dict[str, np.ndarray] = {}
    for name, (centres, (a, b)) in _ELLIPSES.items():
        mask = np.zeros((FER_SIZE, FER_SIZE), dtype=bool)
        for r, c in centres:
            mask |= ((rows - r) / a) ** 2 + ((cols - c) / b) ** 2 <= 1.0
        out[name] = mask
    nose = np.zeros((FER_SIZE, FER_SIZE), dtype=bool)
    nose[_NOSE_ROWS[0] : _NOSE_ROWS[1] + 1, _NOSE_COLS[0] : _NOSE_COLS[1] + 1] = True
    out["nose"] = nose
    return {name: out[name] for name in REGIONS}


def union(masks: Mapping[str, np.ndarray], names: Iterable[str] = DECIDING_REGIONS) -> np.ndarray:
    """The union of the named masks (each (H, W) or (N, H, W) bool)."""
    names = list(names)
    if not names:
        raise ValueError("no region named")
    out = np.asarray(masks[names[0]], dtype=bool).copy()
    for name in names[1:]:
        out = out | np.asarray(masks[name], dtype=bool)
    return out
