"""Which validation images the explanation questions show and measure.

One rule picks the example of each class for q5 to q8 (chosen once per build, see
reportgen.questions.context.Shared): the correctly classified image with the highest probability of
its class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def choose_examples(
    val_pred: np.ndarray, val_true: np.ndarray, val_index: np.ndarray
) -> list[dict[str, Any]]:
    """One validation image per class, by one rule: the correctly classified image with the
    highest predicted probability of its class (ties: the earlier position). A class that has
    images but none correct gets its image with the highest probability of its own class,
    marked correct=False; a class without validation images is left out.

    Keys: class, position (into the validation arrays), row (the row of the training file,
    val_index[position]), confidence (probability of the class), correct, predicted.
    """
    probs = np.asarray(val_pred)
    true = np.asarray(val_true)
    pred = probs.argmax(axis=1)
    out = []
    for cls in range(probs.shape[1]):
        members = np.flatnonzero(true == cls)
        if not len(members):
            continue
        correct = members[pred[members] == cls]
        pool = correct if len(correct) else members
        # argmax returns the first maximum: the earliest position among equals
        pos = int(pool[np.argmax(probs[pool, cls])])
        out.append(
            {
                "class": cls,
                "position": pos,
                "row": int(val_index[pos]),
                "confidence": float(probs[pos, cls]),
                "correct": bool(len(correct)),
                "predicted": int(pred[pos]),
            }
        )
    return out


def most_confident(examples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The example the model is surest about, preferring correctly classified ones (ties:
    the lower class)."""
    pool = [e for e in examples if e["correct"]] or list(examples)
    return max(pool, key=lambda e: (e["confidence"], -e["class"]))


def with_random_others(
    val_true: np.ndarray, examples: Sequence[dict[str, Any]], per_class: int, seed: int
) -> np.ndarray:
    """Per class: the shown example, then up to per_class - 1 other validation images of the
    class drawn at random (seeded; correct or not). Positions into the validation arrays."""
    rng = np.random.default_rng(seed)
    chosen = []
    for e in examples:
        others = np.flatnonzero(val_true == e["class"])
        others = others[others != e["position"]]
        extra = rng.permutation(others)[: per_class - 1]
        chosen.extend([e["position"], *sorted(int(i) for i in extra)])
    return np.asarray(chosen, dtype=np.int64)
