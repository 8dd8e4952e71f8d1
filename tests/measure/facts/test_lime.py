"""reportgen/measure/facts/lime.py: q7's verdicts, checked against hand-made facts on both sides of
each threshold (and at it), with no language involved."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.measure.facts.lime import (
    CONSISTENT_RHO,
    DECIDING_MARGIN,
    FEW_IMAGES,
    HIGH_RECALL,
    LOOSE_FIT_R2,
    STRENGTH_RATIO,
    WEAK_RHO,
    lime_verdicts,
    recall_tie_verdicts,
    recall_ties,
    relation_verdict,
    strength_verdict,
)


def row(cls: int, **changes) -> dict:
    """One class of recall_ties' order: recall 0.5, 30 images, mistaken for nothing."""
    return {"class": cls, "recall": 0.5, "support": 30, "confused_with": None, **changes}


def ties(best: list[dict], worst: list[dict], **changes) -> dict:
    """recall_ties' facts: the groups given, their shares and weights equal, no rho."""
    return {
        "order": [*best, *worst[::-1]],
        "best": best,
        "worst": worst,
        "deciding_gap": 0.0,
        "best_positive": 0.1,
        "worst_positive": 0.1,
        "spearman": None,
        **changes,
    }


def lime_facts(quick: float = 9.0, slic: float = 40.0, r2: float = 0.9, correct=(True,) * 7):
    return {
        "quickshift": {"mean": quick},
        "superpixels": {"mean": slic},
        "r2": r2,
        "examples": [{"class": c, "correct": ok} for c, ok in enumerate(correct)],
        "ties": ties([row(3)], [row(1)]),
    }


@pytest.mark.parametrize(("quick", "name"), [(39.0, "yes"), (40.0, "no"), (41.0, "no")])
def test_slic_is_finer_when_quickshift_cuts_fewer_pieces(quick, name):
    verdict = lime_verdicts(lime_facts(quick=quick, slic=40.0))["slic_finer"]
    assert verdict.name == name
    assert verdict.value == pytest.approx(quick / 40.0)


@pytest.mark.parametrize(
    ("r2", "name"),
    [(LOOSE_FIT_R2 - 0.01, "yes"), (LOOSE_FIT_R2, "no"), (LOOSE_FIT_R2 + 0.01, "no")],
)
def test_a_loose_fit_is_below_the_r2_threshold(r2, name):
    assert lime_verdicts(lime_facts(r2=r2))["loose_fit"].name == name


@pytest.mark.parametrize(
    ("correct", "name", "subjects"),
    [
        ((True,) * 7, "none", ()),
        ((True, False, True, True, True, True, True), "one", (1,)),
        ((True, False, False, True, True, True, True), "several", (1, 2)),
    ],
)
def test_the_shown_classes_not_classified_correctly_are_named(correct, name, subjects):
    verdict = lime_verdicts(lime_facts(correct=correct))["not_correct"]
    assert (verdict.name, verdict.subjects) == (name, subjects)


@pytest.mark.parametrize(
    ("gap", "name"),
    [
        (DECIDING_MARGIN + 1e-4, "best_more"),
        (DECIDING_MARGIN, "alike"),
        (0.0, "alike"),
        (-DECIDING_MARGIN, "alike"),
        (-DECIDING_MARGIN - 1e-4, "worst_more"),
        (None, "unknown"),
    ],
)
def test_where_the_evidence_lies_tells_best_from_worst_beyond_the_margin(gap, name):
    verdict = recall_tie_verdicts(ties([row(3)], [row(1)], deciding_gap=gap))["deciding"]
    assert verdict.name == name
    assert verdict.value == (None if gap is None else pytest.approx(gap))


@pytest.mark.parametrize(
    ("best", "worst", "name"),
    [
        (STRENGTH_RATIO * 0.1 + 1e-6, 0.1, "best_stronger"),
        (STRENGTH_RATIO * 0.1, 0.1, "alike"),
        (0.1, 0.1, "alike"),
        (0.1, STRENGTH_RATIO * 0.1, "alike"),
        (0.1, STRENGTH_RATIO * 0.1 + 1e-6, "worst_stronger"),
        (0.0, 0.0, "alike"),
        (0.1, 0.0, "best_stronger"),
        (None, 0.1, "unknown"),
        (0.1, None, "unknown"),
    ],
)
def test_the_strength_of_the_evidence_differs_beyond_the_ratio(best, worst, name):
    assert strength_verdict(best, worst).name == name
    facts = ties([row(3)], [row(1)], best_positive=best, worst_positive=worst)
    assert recall_tie_verdicts(facts)["strength"].name == name


def test_a_ratio_against_no_evidence_has_no_value():
    assert strength_verdict(0.1, 0.0).value is None
    assert strength_verdict(0.3, 0.1).value == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("support", "few"), [(FEW_IMAGES - 1, (1,)), (FEW_IMAGES, ()), (FEW_IMAGES + 1, ())]
)
def test_a_worst_class_with_few_images_is_named(support, few):
    facts = ties([row(3, support=5)], [row(1, support=support)])
    assert recall_tie_verdicts(facts)["few_images"].subjects == few  # the best never are


@pytest.mark.parametrize(
    ("recall", "high"), [(HIGH_RECALL + 0.01, (3,)), (HIGH_RECALL, ()), (HIGH_RECALL - 0.01, ())]
)
def test_a_best_class_above_the_high_recall_is_named(recall, high):
    facts = ties([row(3, recall=recall)], [row(1, recall=0.99)])
    assert recall_tie_verdicts(facts)["high_recall"].subjects == high  # the worst never are


def test_a_worst_class_decided_on_its_partners_region_is_named():
    best = [row(3, top_region="mouth"), row(5, top_region="eyes")]
    worst = [
        row(1, confused_with=3, top_region="mouth"),  # same region as Happy: named
        row(4, confused_with=5, top_region="mouth"),  # Surprise is densest on the eyes
        row(2, confused_with=None, top_region="mouth"),  # mistaken for nothing
        row(6, confused_with=0, top_region="mouth"),  # its partner has no images
        row(0, confused_with=3, top_region=None),  # no densest region
    ]
    verdict = recall_tie_verdicts(ties(best, worst))["same_part"]
    assert (verdict.name, verdict.subjects) == ("one", (1,))


@pytest.mark.parametrize(
    ("rho", "name"),
    [
        (1.0, "consistent"),
        (CONSISTENT_RHO, "consistent"),
        (CONSISTENT_RHO - 1e-4, "weak"),
        (WEAK_RHO, "weak"),
        (WEAK_RHO - 1e-4, "unrelated"),
        (0.0, "unrelated"),
        (-WEAK_RHO + 1e-4, "unrelated"),
        (-WEAK_RHO, "negative"),
        (-1.0, "negative"),
        (None, "unknown"),
    ],
)
def test_the_relation_of_recall_and_deciding_share_by_spearman(rho, name):
    assert relation_verdict(rho).name == name
    assert recall_tie_verdicts(ties([row(3)], [row(1)], spearman=rho))["relation"].name == name


def test_recall_ties_orders_classes_by_recall():
    matrix = np.eye(7) * np.array([0.9, 0.0, 0.5, 0.95, 0.4, 0.7, 0.6])[:, None]
    matrix[1, 0] = 1.0  # Disgust always taken for Angry
    support = [10, 3, 10, 10, 10, 10, 0]  # no Neutral image
    lime = [
        {"class": c, "n": 2, "deciding_share": s, "positive": p, "top_region": "mouth"}
        for c, s, p in [(0, 0.5, 0.4), (1, 0.1, 0.01), (3, 0.6, 0.5), (4, 0.2, 0.05)]
    ]
    ties = recall_ties({"matrix": matrix.tolist(), "support": support}, lime)
    assert [r["class"] for r in ties["order"]] == [3, 0, 5, 2, 4, 1]
    assert [r["class"] for r in ties["best"]] == [3, 0]
    assert [r["class"] for r in ties["worst"]] == [1, 4]
    assert ties["order"][-1]["confused_with"] == 0
    assert ties["deciding_gap"] == pytest.approx(0.55 - 0.15)
    assert recall_tie_verdicts(ties)["deciding"].name == "best_more"
    assert ties["spearman"] == pytest.approx(1.0)
