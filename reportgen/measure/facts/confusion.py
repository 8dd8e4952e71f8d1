"""The confusion matrix, normalized by true class, and what it says.

Rows are true classes, columns predicted ones; row i of the normalized matrix holds the share
of class i's images predicted as each class, so its diagonal is the per-class recall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np

from reportgen.data.classes import NUM_CLASSES
from reportgen.measure.verdict import Verdict, count, flag

TOP_PAIRS = 3


# The records these facts are, key by key. Functional syntax: the keys are JSON keys, read by
# name by the prose templates (and `class` is a keyword), which vulture would call unused.
ConfusedPair = TypedDict(  # noqa: UP013
    "ConfusedPair",
    {"true": int, "pred": int, "rate": float, "count": int, "pair": str},
)
MutualPair = TypedDict(  # noqa: UP013
    "MutualPair", {"a": int, "b": int, "a_as_b": float, "b_as_a": float}
)
ClassRow = TypedDict(
    "ClassRow",
    {
        "class": int,
        "precision": float,
        "recall": float,
        "f1": float,
        "support": int,
        "predicted": int,
        "wrong_share": float | None,
    },
)
Sink = TypedDict("Sink", {"class": int, "count": int, "share_of_errors": float, "precision": float})
BestAndWorst = TypedDict(  # noqa: UP013
    "BestAndWorst",
    {"best_class": int, "best_recall": float, "worst_class": int, "worst_recall": float},
)
ConfusionFacts = TypedDict(  # noqa: UP013
    "ConfusionFacts",
    {
        "n": int,
        "accuracy": float,
        "matrix": list[list[float]],
        "counts": list[list[int]],
        "support": list[int],
        "best_class": int,
        "best_recall": float,
        "worst_class": int,
        "worst_recall": float,
        "confused_pairs": list[ConfusedPair],
        "mutual_pair": MutualPair | None,
        "per_class": list[ClassRow],
        "n_present": int,
        "macro_f1": float,
        "errors": int,
        "sink": Sink | None,
    },
)


def normalized_confusion(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = NUM_CLASSES
) -> tuple[np.ndarray, np.ndarray]:
    """(counts, row-normalized matrix); a class absent from y_true has a row of zeros."""
    from sklearn.metrics import confusion_matrix

    counts: np.ndarray = confusion_matrix(y_true, y_pred, labels=list(range(n_classes)))
    support = counts.sum(axis=1, keepdims=True)
    matrix = counts / np.maximum(support, 1)  # an absent class's counts are all zero
    return counts, matrix


def confused_pairs(
    matrix: np.ndarray, counts: np.ndarray, top: int = TOP_PAIRS
) -> list[ConfusedPair]:
    """The largest off-diagonal cells of the normalized matrix (cells with no image left out),
    largest first; ties broken by count, then by (true, predicted)."""
    cells = [
        (float(matrix[i, j]), int(counts[i, j]), i, j)
        for i in range(matrix.shape[0])
        for j in range(matrix.shape[1])
        if i != j and counts[i, j] > 0
    ]
    cells.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    return [
        {"true": i, "pred": j, "rate": rate, "count": n, "pair": f"{min(i, j)}-{max(i, j)}"}
        for rate, n, i, j in cells[:top]
    ]


def confusion_facts(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = NUM_CLASSES
) -> ConfusionFacts:
    """Keys: n, accuracy, matrix (row-normalized, list of lists), counts, support (per class),
    best_class / best_recall and worst_class / worst_recall (by recall, over the classes
    present), confused_pairs [{true, pred, rate, count}] (at most 3), mutual_pair (a pair
    confused both ways among them, or None), per_class [{class, precision, recall, f1,
    support, predicted (images predicted as it), wrong_share (the share of those that belong
    to other classes; None when none is)}], n_present (classes with images), macro_f1 (over
    those), errors (misclassified images), sink (sink_facts)."""
    from sklearn.metrics import precision_recall_fscore_support

    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    counts, matrix = normalized_confusion(y_true, y_pred, n_classes)
    support = counts.sum(axis=1)
    predicted = counts.sum(axis=0)
    present = np.flatnonzero(support > 0)
    recall = np.diag(matrix)
    labels = list(range(n_classes))
    precision, rec, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    pairs = confused_pairs(matrix, counts)
    return {
        "n": len(y_true),
        "accuracy": float((y_true == y_pred).mean()),
        "matrix": matrix.tolist(),
        "counts": counts.tolist(),
        "support": support.tolist(),
        **_best_and_worst(recall, present),
        "confused_pairs": pairs,
        "mutual_pair": _mutual(pairs, matrix),
        "per_class": _per_class(precision, rec, f1, support, predicted),
        "n_present": len(present),
        "macro_f1": float(np.mean(f1[present])),
        "errors": int((y_true != y_pred).sum()),
        "sink": sink_facts(counts, precision),
    }


def _best_and_worst(recall: np.ndarray, present: np.ndarray) -> BestAndWorst:
    """The classes of the highest and the lowest recall among those with images."""
    best = int(present[np.argmax(recall[present])])
    worst = int(present[np.argmin(recall[present])])
    return {
        "best_class": best,
        "best_recall": float(recall[best]),
        "worst_class": worst,
        "worst_recall": float(recall[worst]),
    }


def _per_class(
    precision: np.ndarray,
    recall: np.ndarray,
    f1: np.ndarray,
    support: np.ndarray,
    predicted: np.ndarray,
) -> list[ClassRow]:
    """confusion_facts' per_class: one row per class, in label order."""
    return [
        {
            "class": k,
            "precision": float(precision[k]),
            "recall": float(recall[k]),
            "f1": float(f1[k]),
            "support": int(support[k]),
            "predicted": int(predicted[k]),
            "wrong_share": 1.0 - float(precision[k]) if predicted[k] else None,
        }
        for k in range(len(support))
    ]


def sink_facts(counts: np.ndarray, precision: np.ndarray) -> Sink | None:
    """The class other classes are most often predicted as: class, count, share_of_errors,
    precision; None without errors."""
    wrong_in = counts.sum(axis=0) - np.diag(counts)
    if wrong_in.max() == 0:
        return None
    k = int(np.argmax(wrong_in))
    return {
        "class": k,
        "count": int(wrong_in[k]),
        "share_of_errors": float(wrong_in[k] / wrong_in.sum()),
        "precision": float(precision[k]),
    }


def _mutual(pairs: Sequence[ConfusedPair], matrix: np.ndarray) -> MutualPair | None:
    """The first of the top pairs whose reverse direction is also in the top pairs."""
    seen = {(p["true"], p["pred"]) for p in pairs}
    for p in pairs:
        if (p["pred"], p["true"]) in seen:
            a, b = p["true"], p["pred"]
            return {"a": a, "b": b, "a_as_b": float(matrix[a, b]), "b_as_a": float(matrix[b, a])}
    return None


def misclassified_examples(
    y_true: np.ndarray,
    probs: np.ndarray,
    pairs: Sequence[ConfusedPair],
    per_pair: int,
) -> list[dict[str, Any]]:
    """For each confused pair, the validation positions of up to per_pair images of the true
    class predicted as the other, the most confident mistakes first. Keys: true, pred,
    positions (into the validation set), confidences (the wrong class's probability)."""
    y_true = np.asarray(y_true)
    pred = probs.argmax(axis=1)
    out = []
    for p in pairs:
        where = np.flatnonzero((y_true == p["true"]) & (pred == p["pred"]))
        conf = probs[where, p["pred"]]
        order = np.lexsort((where, -conf))[:per_pair]
        out.append(
            {
                "true": p["true"],
                "pred": p["pred"],
                "positions": where[order].tolist(),
                "confidences": [float(c) for c in conf[order]],
            }
        )
    return out


# A class with fewer than this share of the average class's validation images is rare.
RARE_SHARE = 0.5
# A class that draws more than this share of all errors is where the model guesses when unsure.
SINK_SHARE = 0.3
# Precision this far above recall: the model predicts the class only when it is sure.
PRECISION_OVER_RECALL = 0.25


def confusion_verdicts(val: ConfusionFacts) -> dict[str, Verdict]:
    """What the confusion facts of the validation set say: worst_is_rare, pairs (how many
    confused pairs), sink_dominant, never_predicted (classes with images never predicted),
    imprecise (some predicted class has precision below one), precise_not_recalled."""
    per = [p for p in val["per_class"] if p["support"]]
    worst = val["support"][val["worst_class"]]
    average = val["n"] / len(val["per_class"])
    sink = val["sink"]
    precisions = [p["precision"] for p in val["per_class"] if p["predicted"]]
    gaps = {p["class"]: p["precision"] - p["recall"] for p in per}
    return {
        "worst_is_rare": flag(
            worst < RARE_SHARE * average, "worst_support_over_average", worst / average
        ),
        "pairs": count([i for i, _ in enumerate(val["confused_pairs"])], "confused_pairs"),
        "sink_dominant": flag(
            sink is not None and sink["share_of_errors"] > SINK_SHARE,
            "sink_share_of_errors",
            sink["share_of_errors"] if sink else None,
        ),
        "never_predicted": count(
            [p["class"] for p in per if not p["predicted"]], "never_predicted"
        ),
        "imprecise": flag(
            bool(precisions) and min(precisions) < 1,
            "lowest_precision",
            min(precisions, default=None),
        ),
        "precise_not_recalled": count(
            [k for k, gap in gaps.items() if gap > PRECISION_OVER_RECALL], "precision_minus_recall"
        ),
    }


def labelled_test_verdicts(test: Mapping[str, Any], val: ConfusionFacts) -> dict[str, Verdict]:
    """A labelled test set against the validation set: agrees (same best and worst class),
    larger (more images, so its numbers are the more reliable)."""
    same = test["best_class"] == val["best_class"] and test["worst_class"] == val["worst_class"]
    return {
        "agrees": flag(same, "same_best_and_worst_class"),
        "larger": flag(test["n"] > val["n"], "test_n_over_val_n", test["n"] / val["n"]),
    }
