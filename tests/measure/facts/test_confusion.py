"""reportgen/measure/facts/confusion.py: q4's numbers and verdicts, worked by hand and checked on
both sides of each threshold, with no language involved."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reportgen.measure.facts import confusion
from reportgen.measure.facts.confusion import (
    PRECISION_OVER_RECALL,
    SINK_SHARE,
    confused_pairs,
    confusion_facts,
    confusion_verdicts,
    labelled_test_verdicts,
    misclassified_examples,
    normalized_confusion,
)
from reportgen.measure.verdict import count, flag


def per_class(precision, recall, support, predicted):
    return [
        {"class": k, "precision": p, "recall": r, "support": s, "predicted": d}
        for k, (p, r, s, d) in enumerate(zip(precision, recall, support, predicted, strict=True))
    ]


def confusion_of(support, *, precision=None, recall=None, predicted=None, sink_share=0.2, pairs=2):
    n = len(support)
    return {
        "n": sum(support),
        "support": support,
        "worst_class": 0,
        "confused_pairs": [{}] * pairs,
        "sink": {"share_of_errors": sink_share},
        "per_class": per_class(
            precision or [0.8] * n, recall or [0.8] * n, support, predicted or [1] * n
        ),
    }


def test_the_worst_class_is_rare_below_half_an_average_class():
    # seven classes: six of 100 images and the worst; the average includes the worst
    rare = confusion_of([44] + [100] * 6)  # average 92, half of it 46
    usual = confusion_of([48] + [100] * 6)  # average 92.6, half of it 46.3
    assert confusion_verdicts(rare)["worst_is_rare"].name == "yes"
    assert confusion_verdicts(usual)["worst_is_rare"].name == "no"


def test_pairs_sink_never_predicted_and_precision_verdicts():
    v = confusion_verdicts(confusion_of([10] * 4, pairs=1, sink_share=SINK_SHARE + 0.01))
    assert (v["pairs"].name, v["sink_dominant"].name) == ("one", "yes")
    v = confusion_verdicts(confusion_of([10] * 4, pairs=3, sink_share=SINK_SHARE))
    assert (v["pairs"].name, v["sink_dominant"].name) == ("several", "no")
    facts = confusion_of([10] * 4, predicted=[1, 0, 0, 1], precision=[1.0, 0, 0, 1.0])
    v = confusion_verdicts(facts)
    assert (v["never_predicted"].name, v["never_predicted"].subjects) == ("several", (1, 2))
    assert v["imprecise"].name == "no"
    facts = confusion_of([10] * 3, precision=[0.99, 0.9, 0.5], recall=[0.5, 0.9, 0.5])
    v = confusion_verdicts(facts)
    assert v["imprecise"].name == "yes" and v["imprecise"].value == 0.5
    assert v["precise_not_recalled"].subjects == (0,)
    edge = confusion_of([10] * 2, precision=[0.5 + PRECISION_OVER_RECALL, 0.5], recall=[0.5, 0.5])
    assert confusion_verdicts(edge)["precise_not_recalled"].name == "none"


def test_a_labelled_test_set_agrees_and_is_larger():
    val = {"best_class": 3, "worst_class": 1, "n": 100}
    same = labelled_test_verdicts({"best_class": 3, "worst_class": 1, "n": 300}, val)
    other = labelled_test_verdicts({"best_class": 3, "worst_class": 2, "n": 100}, val)
    assert (same["agrees"].name, same["larger"].name) == ("yes", "yes")
    assert (other["agrees"].name, other["larger"].name) == ("no", "no")


Y_TRUE = np.array([0, 0, 1, 1, 1, 2])

Y_PRED = np.array([0, 1, 1, 1, 0, 2])


def test_the_normalized_confusion_worked_by_hand():
    counts, matrix = confusion.normalized_confusion(Y_TRUE, Y_PRED, n_classes=4)
    assert counts.tolist() == [[1, 1, 0, 0], [1, 2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    expected = [[0.5, 0.5, 0, 0], [1 / 3, 2 / 3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    np.testing.assert_allclose(matrix, expected)  # an absent class: a row of zeros


def test_the_confusion_facts_worked_by_hand():
    f = confusion.confusion_facts(Y_TRUE, Y_PRED, n_classes=4)
    assert (f["n"], f["errors"], f["n_present"]) == (6, 2, 3)
    assert f["accuracy"] == pytest.approx(4 / 6)
    assert f["support"] == [2, 3, 1, 0]
    assert (f["best_class"], f["best_recall"], f["worst_class"], f["worst_recall"]) == (
        2,
        1.0,
        0,
        0.5,
    )
    assert f["confused_pairs"] == [
        {"true": 0, "pred": 1, "rate": 0.5, "count": 1, "pair": "0-1"},
        {"true": 1, "pred": 0, "rate": pytest.approx(1 / 3), "count": 1, "pair": "0-1"},
    ]
    assert f["mutual_pair"] == {"a": 0, "b": 1, "a_as_b": 0.5, "b_as_a": pytest.approx(1 / 3)}
    rows = [(r["class"], r["support"], r["predicted"], r["wrong_share"]) for r in f["per_class"]]
    assert rows == [
        (0, 2, 2, 0.5),
        (1, 3, 3, pytest.approx(1 / 3)),
        (2, 1, 1, 0.0),
        (3, 0, 0, None),
    ]
    np.testing.assert_allclose([r["precision"] for r in f["per_class"]], [0.5, 2 / 3, 1, 0])
    np.testing.assert_allclose([r["recall"] for r in f["per_class"]], [0.5, 2 / 3, 1, 0])
    np.testing.assert_allclose([r["f1"] for r in f["per_class"]], [0.5, 2 / 3, 1, 0])
    assert f["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 1) / 3)  # over the classes present
    # classes 0 and 1 each draw one wrong prediction: the first is the sink
    assert f["sink"] == {"class": 0, "count": 1, "share_of_errors": 0.5, "precision": 0.5}


def test_no_errors_no_sink_and_no_pairs():
    f = confusion.confusion_facts(np.array([0, 1, 2]), np.array([0, 1, 2]))
    assert f["sink"] is None and f["confused_pairs"] == [] and f["mutual_pair"] is None
    assert f["accuracy"] == 1.0 and f["errors"] == 0


def test_confused_pairs_largest_first_ties_by_count_then_cell_at_most_three():
    counts = np.array([[5, 1, 4, 0], [2, 5, 0, 0], [0, 3, 3, 0], [0, 0, 6, 6]])
    matrix = np.array(
        [[0.5, 0.1, 0.4, 0], [0.2857, 0.7143, 0, 0], [0, 0.5, 0.5, 0], [0, 0, 0.5, 0.5]]
    )
    pairs = confusion.confused_pairs(matrix, counts)
    assert [(p["true"], p["pred"], p["count"]) for p in pairs] == [(3, 2, 6), (2, 1, 3), (0, 2, 4)]
    assert [p["pair"] for p in pairs] == ["2-3", "1-2", "0-2"]
    assert len(confusion.confused_pairs(matrix, counts, top=5)) == 5
    assert confusion.confused_pairs(matrix, np.eye(4, dtype=int)) == []  # no image: no pair


def test_a_mutual_pair_needs_both_directions_among_the_top():
    one_way = [{"true": 0, "pred": 1}, {"true": 2, "pred": 1}]
    assert confusion._mutual(one_way, np.zeros((3, 3))) is None
    matrix = np.array([[0, 0.2, 0], [0, 0, 0.3], [0, 0.4, 0]])
    both = [{"true": 0, "pred": 1}, {"true": 2, "pred": 1}, {"true": 1, "pred": 2}]
    assert confusion._mutual(both, matrix) == {"a": 2, "b": 1, "a_as_b": 0.4, "b_as_a": 0.3}


def test_misclassified_examples_most_confident_first_then_by_position():
    y_true = np.array([0, 0, 0, 0, 1, 0])
    probs = np.array(
        [
            [0.2, 0.8, 0.0],  # 0 as 1, 0.8
            [0.9, 0.1, 0.0],  # right
            [0.1, 0.9, 0.0],  # 0 as 1, 0.9
            [0.2, 0.8, 0.0],  # 0 as 1, 0.8 (after position 0)
            [0.0, 1.0, 0.0],  # right
            [0.3, 0.3, 0.4],  # 0 as 2
        ]
    )
    pairs = [{"true": 0, "pred": 1}, {"true": 0, "pred": 2}, {"true": 1, "pred": 0}]
    got = confusion.misclassified_examples(y_true, probs, pairs, per_pair=2)
    assert got[0] == {"true": 0, "pred": 1, "positions": [2, 0], "confidences": [0.9, 0.8]}
    assert got[1] == {"true": 0, "pred": 2, "positions": [5], "confidences": [0.4]}
    assert got[2] == {"true": 1, "pred": 0, "positions": [], "confidences": []}


def _val(**changes):
    """Validation facts by hand: 4 classes of 10, 10, 10 and 4 images (average 8.5)."""
    per_class = [
        {"class": 0, "precision": 0.9, "recall": 0.6, "support": 10, "predicted": 7},
        {"class": 1, "precision": 0.5, "recall": 0.7, "support": 10, "predicted": 14},
        {"class": 2, "precision": 0.0, "recall": 0.0, "support": 10, "predicted": 0},
        {"class": 3, "precision": 1.0, "recall": 0.5, "support": 4, "predicted": 2},
    ]
    facts = {
        "n": 34,
        "support": [10, 10, 10, 4],
        "worst_class": 3,
        "confused_pairs": [{}, {}],
        "sink": {"share_of_errors": 0.4},
        "per_class": per_class,
    }
    return facts | changes


def test_the_confusion_verdicts_with_what_they_rest_on():
    v = confusion.confusion_verdicts(_val())
    assert v["worst_is_rare"] == flag(True, "worst_support_over_average", 4 / 8.5)
    assert v["pairs"] == count([0, 1], "confused_pairs")
    assert v["sink_dominant"] == flag(True, "sink_share_of_errors", 0.4)
    assert v["never_predicted"] == count([2], "never_predicted")
    assert v["imprecise"] == flag(True, "lowest_precision", 0.5)  # of the classes predicted
    assert v["precise_not_recalled"] == count([0, 3], "precision_minus_recall")  # 0.3, 0.5
    quiet = confusion.confusion_verdicts(_val(sink=None, worst_class=0))
    assert quiet["sink_dominant"] == flag(False, "sink_share_of_errors", None)
    assert quiet["worst_is_rare"] == flag(False, "worst_support_over_average", 10 / 8.5)


def test_a_labelled_test_set_against_the_validation_set_with_its_statistics():
    val = {"best_class": 3, "worst_class": 1, "n": 100}
    v = confusion.labelled_test_verdicts({"best_class": 3, "worst_class": 1, "n": 250}, val)
    assert v == {
        "agrees": flag(True, "same_best_and_worst_class"),
        "larger": flag(True, "test_n_over_val_n", 2.5),
    }
    worst = confusion.labelled_test_verdicts({"best_class": 3, "worst_class": 2, "n": 50}, val)
    assert worst["agrees"].name == "no" and worst["larger"] == flag(False, "test_n_over_val_n", 0.5)
    best = confusion.labelled_test_verdicts({"best_class": 0, "worst_class": 1, "n": 100}, val)
    assert best["agrees"].name == "no" and best["larger"].name == "no"


def test_the_worst_and_the_sink_are_found_wherever_they_are():
    # class 0 always right; class 1 half right, its misses predicted as 2; class 2 right
    y_true = np.array([0, 0, 1, 1, 1, 1, 2, 2])
    y_pred = np.array([0, 0, 1, 1, 2, 2, 2, 2])
    f = confusion.confusion_facts(y_true, y_pred, n_classes=3)
    assert (f["worst_class"], f["worst_recall"]) == (1, 0.5)
    assert (f["best_class"], f["best_recall"]) == (0, 1.0)  # the first of the ties
    assert f["counts"] == [[2, 0, 0], [0, 2, 2], [0, 0, 2]]
    assert f["matrix"] == [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]]
    assert [r["predicted"] for r in f["per_class"]] == [2, 2, 4]  # column sums
    assert [r["support"] for r in f["per_class"]] == [2, 4, 2]  # row sums
    assert f["sink"] == {"class": 2, "count": 2, "share_of_errors": 1.0, "precision": 0.5}


def test_confusion_facts_warn_of_nothing_when_a_class_is_never_predicted():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scikit-learn's UndefinedMetricWarning included
        f = confusion.confusion_facts(np.array([0, 1, 2]), np.array([0, 0, 0]), n_classes=3)
    assert [r["precision"] for r in f["per_class"]] == [pytest.approx(1 / 3), 0.0, 0.0]


def test_confused_pairs_tie_on_rate_by_count_then_by_cell():
    counts = np.array([[4, 0, 0, 1], [0, 5, 5, 0], [2, 0, 2, 0], [0, 0, 0, 1]])
    matrix = np.array([[0.8, 0, 0, 0.2], [0, 0.5, 0.5, 0], [0.5, 0, 0.5, 0], [0, 0, 0, 1.0]])
    got = [(p["true"], p["pred"]) for p in confusion.confused_pairs(matrix, counts)]
    assert got == [(1, 2), (2, 0), (0, 3)]  # 0.5 with 5 images, 0.5 with 2, then 0.2
    same = np.array([[8, 0, 0, 2], [0, 8, 2, 0], [0, 0, 10, 0], [0, 0, 0, 10]])
    tie = confusion.confused_pairs(same / 10.0, same)
    assert [(p["true"], p["pred"]) for p in tie] == [(0, 3), (1, 2)]  # by the true class first


def test_the_rare_worst_class_is_below_half_an_average_class_not_at_it():
    val = _val(
        n=16,
        support=[4, 12],
        worst_class=0,
        per_class=[
            {"class": 0, "precision": 1.0, "recall": 0.5, "support": 4, "predicted": 2},
            {"class": 1, "precision": 0.9, "recall": 0.9, "support": 12, "predicted": 14},
        ],
    )
    assert confusion.confusion_verdicts(val)["worst_is_rare"] == flag(
        False, "worst_support_over_average", 0.5
    )


def test_nothing_predicted_is_not_imprecise():
    never = [dict(row, predicted=0) for row in _val()["per_class"]]
    verdict = confusion.confusion_verdicts(_val(per_class=never))["imprecise"]
    assert verdict == flag(False, "lowest_precision", None)


def hand_made_predictions() -> tuple[np.ndarray, np.ndarray]:
    """Class 3 perfect (10/10); 4 -> 6 for 6 of 10; 6 -> 4 for 3 of 10; 2 -> 5 for 4 of 8;
    5 -> 2 for 1 of 10; 0 -> 4 for 2 and 0 -> 6 for 1 of 10; class 1 has no image at all."""
    pairs = (
        [(3, 3)] * 10
        + [(4, 4)] * 4
        + [(4, 6)] * 6
        + [(6, 6)] * 7
        + [(6, 4)] * 3
        + [(2, 2)] * 4
        + [(2, 5)] * 4
        + [(5, 5)] * 9
        + [(5, 2)] * 1
        + [(0, 0)] * 7
        + [(0, 4)] * 2
        + [(0, 6)] * 1
    )
    y_true, y_pred = (np.array(x) for x in zip(*pairs, strict=True))
    return y_true, y_pred


def test_normalized_confusion_rows_sum_to_one():
    y_true, y_pred = hand_made_predictions()
    counts, matrix = normalized_confusion(y_true, y_pred)
    assert counts.sum() == len(y_true)
    sums = matrix.sum(axis=1)
    assert np.allclose(sums[[0, 2, 3, 4, 5, 6]], 1.0)
    assert sums[1] == 0  # no image of class 1
    assert matrix[4, 6] == pytest.approx(0.6)


def test_confusion_facts_best_worst_pairs_and_scores():
    from sklearn.metrics import precision_recall_fscore_support

    y_true, y_pred = hand_made_predictions()
    f = confusion_facts(y_true, y_pred)
    assert f["best_class"] == 3 and f["best_recall"] == 1.0
    assert f["worst_class"] == 4 and f["worst_recall"] == pytest.approx(0.4)  # class 1 absent
    assert [(p["true"], p["pred"]) for p in f["confused_pairs"]] == [(4, 6), (2, 5), (6, 4)]
    assert [p["count"] for p in f["confused_pairs"]] == [6, 4, 3]
    assert f["mutual_pair"] == {"a": 4, "b": 6, "a_as_b": 0.6, "b_as_a": pytest.approx(0.3)}
    p, r, f1, s = precision_recall_fscore_support(
        y_true, y_pred, labels=list(range(7)), zero_division=0
    )
    for k, row in enumerate(f["per_class"]):
        assert row["precision"] == pytest.approx(p[k])
        assert row["recall"] == pytest.approx(r[k])
        assert row["f1"] == pytest.approx(f1[k])
        assert row["support"] == s[k]
    assert f["per_class"][6]["predicted"] == 6 + 7 + 1
    assert f["errors"] == int((y_true != y_pred).sum())
    json.dumps(f)


def test_confused_pairs_are_the_largest_off_diagonal_cells():
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 20, size=(7, 7))
    matrix = counts / counts.sum(axis=1, keepdims=True)
    pairs = confused_pairs(matrix, counts)
    off = sorted(
        (matrix[i, j] for i in range(7) for j in range(7) if i != j and counts[i, j]), reverse=True
    )
    assert [p["rate"] for p in pairs] == pytest.approx(off[:3])


def test_misclassified_examples_most_confident_first():
    y_true = np.array([4, 4, 4, 6, 4])
    probs = np.full((5, 7), 0.01, dtype=np.float32)
    probs[0, 6], probs[1, 6], probs[2, 4], probs[3, 6], probs[4, 6] = 0.5, 0.9, 0.9, 0.9, 0.7
    ex = misclassified_examples(y_true, probs, [{"true": 4, "pred": 6}], per_pair=2)
    assert ex[0]["positions"] == [1, 4]
    assert ex[0]["confidences"] == pytest.approx([0.9, 0.7])
