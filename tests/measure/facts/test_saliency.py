"""reportgen/measure/facts/saliency.py: q5's verdicts, checked against hand-made facts on both sides
of each threshold and at its edge, with no language involved."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.measure.facts.saliency import (
    CLEAR_FAVOURITE,
    CONCENTRATION_GAIN,
    LEANS_LIFT,
    LOOKS_LIFT,
    agreement_verdict,
    focus_verdicts,
    inside_verdict,
    saliency_verdicts,
    top_mass,
)

FACE_AREA = 0.25  # a power of two: the thresholds' products are exact


@pytest.mark.parametrize(
    ("lift", "name"),
    [
        (LOOKS_LIFT + 0.01, "looks"),
        (LOOKS_LIFT, "leans"),
        (LEANS_LIFT + 0.01, "leans"),
        (LEANS_LIFT, "even"),
        (0.5, "even"),
    ],
)
def test_the_face_regions_are_looked_at_leaned_towards_or_not(lift, name):
    verdict = inside_verdict({"inside": lift * FACE_AREA, "lift": lift}, FACE_AREA)
    assert verdict.name == name
    assert verdict.value == lift


def test_without_a_measurement_the_face_regions_are_unmeasured():
    assert inside_verdict(None, FACE_AREA).name == "unmeasured"


def cls(c: int, focus: str | None, lift: float | None, second: float | None, dominant: str):
    """A class of per_class_regions, as much of it as the verdicts read."""
    return {
        "class": c,
        "focus": focus,
        "focus_lift": lift,
        "focus_second_lift": second,
        "dominant": dominant,
    }


AREA = {"eyes": 0.05, "brows": 0.03, "nose": 0.02, "mouth": 0.04, "cheeks": 0.06}


def test_a_focus_is_a_clear_favourite_only_ahead_of_the_runner_up():
    per_class = [
        cls(0, "mouth", 2.0 * CLEAR_FAVOURITE, 2.0, "mouth"),  # at the edge: clear
        cls(1, "mouth", 2.0 * CLEAR_FAVOURITE - 0.01, 2.0, "mouth"),  # just under: close
        cls(2, "brows", 1.3, None, "brows"),  # no runner-up
        cls(3, "brows", 1.3, 0.0, "brows"),  # a runner-up of nothing
        cls(4, "eyes", 1.1, 1.05, "eyes"),  # close, but unfocused
    ]
    verdicts = focus_verdicts(per_class, [], unfocused=[4], area=AREA)
    assert verdicts["close_second"].name == "one"
    assert verdicts["close_second"].subjects == (1,)


def test_a_larger_region_with_the_largest_share_is_told_apart_from_the_focus():
    per_class = [
        cls(0, "mouth", 2.0, 1.0, "cheeks"),  # cheeks are larger than the mouth
        cls(1, "mouth", 2.0, 1.0, "nose"),  # the nose is smaller
        cls(2, "mouth", 2.0, 1.0, "mouth"),  # the same region
        cls(3, "eyes", 2.0, 1.0, "cheeks"),
    ]
    verdict = focus_verdicts(per_class, [], unfocused=[], area=AREA)["dominant_elsewhere"]
    assert verdict.name == "several"
    assert verdict.subjects == (0, 3)
    alone = focus_verdicts(per_class[1:3], [], unfocused=[], area=AREA)["dominant_elsewhere"]
    assert alone.name == "none"


@pytest.mark.parametrize(
    ("regions", "name", "subjects"),
    [([], "none", ()), (["mouth"], "one", (3,)), (["mouth", "brows"], "several", (3, 1))],
)
def test_the_classes_focus_on_no_one_or_several_regions(regions, name, subjects):
    groups = [{"region": r, "classes": [0]} for r in regions]
    verdict = focus_verdicts([], groups, unfocused=[], area=AREA)["focus_regions"]
    assert (verdict.name, verdict.subjects) == (name, subjects)


@pytest.mark.parametrize(
    ("agree", "compared", "name"),
    [
        ([0, 1, 2, 3], [0, 1, 2, 3], "all"),
        ([0, 1, 2], [0, 1, 2, 3], "most"),
        ([0, 1], [0, 1, 2], "most"),
        ([0, 1], [0, 1, 2, 3], "half"),
        ([0], [0, 1, 2], "few"),
        ([], [0, 1], "few"),
        ([], [], "unmeasured"),
    ],
)
def test_the_shown_maps_agree_with_their_class_all_most_half_or_few(agree, compared, name):
    verdict = agreement_verdict(agree, compared)
    assert verdict.name == name
    assert verdict.subjects == tuple(agree)


def q5_facts(**changes):
    """q5 facts, as much of them as saliency_verdicts reads."""
    facts = {
        "no_correct": [],
        "missing": [],
        "inside": {"inside": 2 * FACE_AREA, "lift": 2.0},
        "face_area": FACE_AREA,
        "per_class": [cls(0, "mouth", 2.0, 1.0, "mouth")],
        "groups": [{"region": "mouth", "classes": [0]}],
        "unfocused": [],
        "area": AREA,
        "agree": [0],
        "compared": [0],
        "top_mass": {"fraction": 0.1, "vanilla": 0.25, "smoothgrad": 0.5},
    }
    return {**facts, **changes}


@pytest.mark.parametrize(
    ("gain", "name"),
    [(CONCENTRATION_GAIN + 0.01, "yes"), (CONCENTRATION_GAIN - 0.01, "no"), (-0.1, "no")],
)
def test_smoothgrad_is_more_concentrated_only_by_a_clear_margin(gain, name):
    facts = q5_facts(top_mass={"fraction": 0.1, "vanilla": 0.25, "smoothgrad": 0.25 + gain})
    verdict = saliency_verdicts(facts)["concentrated"]
    assert verdict.name == name
    assert verdict.value == pytest.approx(gain)


def test_the_edge_of_concentration_is_not_more_concentrated():
    edge = q5_facts(top_mass={"fraction": 0.1, "vanilla": 0.25, "smoothgrad": 0.25})
    edge["top_mass"]["smoothgrad"] = edge["top_mass"]["vanilla"] + CONCENTRATION_GAIN
    assert saliency_verdicts(edge)["concentrated"].name == "no"


def test_classes_shown_misclassified_or_missing_are_counted():
    verdicts = saliency_verdicts(q5_facts(no_correct=[1], missing=[2, 5]))
    assert (verdicts["no_correct"].name, verdicts["no_correct"].subjects) == ("one", (1,))
    assert (verdicts["missing"].name, verdicts["missing"].subjects) == ("several", (2, 5))
    assert saliency_verdicts(q5_facts())["missing"].name == "none"


def test_top_mass_tells_a_spot_from_an_even_map():
    even = np.ones((1, 10, 10))
    spot = np.zeros((1, 10, 10))
    spot[0, 4, 4] = 1.0
    assert top_mass(even, 0.1) == pytest.approx(0.1)
    assert top_mass(spot, 0.1) == pytest.approx(1.0)
