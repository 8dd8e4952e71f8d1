"""reportgen/measure/facts/gradcam.py: q8's verdicts, checked against hand-made facts on both sides
of each threshold (and at it), with no language involved."""

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
