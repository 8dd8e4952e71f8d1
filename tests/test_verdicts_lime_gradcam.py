"""q7's and q8's verdicts, each decided once in reportgen/measure/facts/, checked against
hand-made facts on both sides of its threshold (and at it), with no language involved."""

from __future__ import annotations

import pytest

from reportgen.measure.facts.gradcam import (
    COARSE_GRID,
    OUTCOME_MARGIN,
    OVER_CHANCE,
    gradcam_verdicts,
    outcome_verdict,
    pointing_verdict,
)
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
    relation_verdict,
    strength_verdict,
)

# ------------------------------------------------------------------------------ q7: LIME


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


# --------------------------------------------------------------------------- q8: Grad-CAM


def cls(c: int, pointing: float | None) -> dict:
    return {"class": c, "pointing": pointing}


CHANCE = 0.2


@pytest.mark.parametrize(
    ("lowest", "highest", "name"),
    [
        (OVER_CHANCE * CHANCE + 0.01, 0.9, "all_above"),
        (OVER_CHANCE * CHANCE, 0.9, "best_above"),
        (0.1, OVER_CHANCE * CHANCE + 0.01, "best_above"),
        (0.1, OVER_CHANCE * CHANCE, "near_chance"),
        (0.0, 0.1, "near_chance"),
    ],
)
def test_the_pointing_game_against_twice_chance(lowest, highest, name):
    per_class = [cls(0, 0.3 * lowest + 0.7 * highest), cls(2, highest), cls(4, lowest)]
    verdict = pointing_verdict(per_class, CHANCE)
    assert verdict.name == name
    assert verdict.subjects == (2, 4)  # the best class, then the worst
    rate = lowest if name == "all_above" else highest
    assert verdict.value == pytest.approx(rate / CHANCE)


def test_the_pointing_game_leaves_out_classes_without_a_rate():
    assert pointing_verdict([cls(0, None), cls(1, None)], CHANCE).name == "unknown"
    alone = pointing_verdict([cls(0, None), cls(5, 0.9)], CHANCE)
    assert (alone.name, alone.subjects) == ("all_above", (5,))
    tied = pointing_verdict([cls(1, 0.5), cls(3, 0.5)], CHANCE)
    assert tied.subjects == (3, 1)  # ties keep class order: the first is the lowest
    assert pointing_verdict([cls(1, 0.5)], 0.0).value is None


@pytest.mark.parametrize(
    ("correct", "name"),
    [
        (0.3 + OUTCOME_MARGIN + 1e-4, "correct_more"),
        (0.3 + OUTCOME_MARGIN / 2, "alike"),
        (0.3, "alike"),
        (0.3 - OUTCOME_MARGIN / 2, "alike"),
        (0.3 - OUTCOME_MARGIN - 1e-4, "wrong_more"),
    ],
)
def test_correct_and_wrong_images_differ_beyond_the_margin(correct, name):
    verdict = outcome_verdict({"correct": correct, "wrong": 0.3})
    assert verdict.name == name
    assert verdict.value == pytest.approx(correct - 0.3)


def test_a_difference_of_exactly_the_margin_is_no_difference():
    assert outcome_verdict({"correct": OUTCOME_MARGIN, "wrong": 0.0}).name == "alike"
    assert outcome_verdict({"correct": 0.0, "wrong": OUTCOME_MARGIN}).name == "alike"


@pytest.mark.parametrize(
    "share", [{"correct": None, "wrong": 0.3}, {"correct": 0.3, "wrong": None}]
)
def test_without_both_groups_the_outcome_is_unknown(share):
    assert outcome_verdict(share).name == "unknown"


def gradcam_facts(side: int = 24, cam_layer: str = "block2_relu1", unfocused=()) -> dict:
    return {
        "layer": "block2_conv1",
        "cam_layer": cam_layer,
        "layer_shape": [side, side, 16],
        "unfocused": list(unfocused),
        "per_class": [cls(0, 0.6)],
        "pointing_chance": CHANCE,
        "deciding_share": {"correct": 0.3, "wrong": 0.3},
    }


@pytest.mark.parametrize(
    ("side", "name"), [(COARSE_GRID - 1, "yes"), (COARSE_GRID, "yes"), (COARSE_GRID + 1, "no")]
)
def test_a_small_grid_is_coarse(side, name):
    assert gradcam_verdicts(gradcam_facts(side=side))["coarse"].name == name


def test_grad_cam_after_the_conv_and_the_unfocused_classes():
    assert gradcam_verdicts(gradcam_facts())["after_conv"].name == "yes"
    assert gradcam_verdicts(gradcam_facts(cam_layer="block2_conv1"))["after_conv"].name == "no"
    assert gradcam_verdicts(gradcam_facts())["unfocused"].name == "none"
    verdict = gradcam_verdicts(gradcam_facts(unfocused=(1,)))["unfocused"]
    assert (verdict.name, verdict.subjects) == ("one", (1,))
    assert gradcam_verdicts(gradcam_facts(unfocused=(1, 6)))["unfocused"].name == "several"
