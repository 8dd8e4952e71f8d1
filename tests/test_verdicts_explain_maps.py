"""q5's and q6's verdicts, each decided once in reportgen/measure/facts/ (saliency.py,
filters.py), checked against hand-made facts on both sides of its threshold and at its edge,
with no language involved."""

from __future__ import annotations

import pytest

from reportgen.measure.facts.filters import (
    ASCENT_GAIN,
    MIDDLE_FROM,
    MIXED_UNDER,
    STRIPE_MARGIN,
    STRIPE_RATIO,
    feature_map_verdicts,
    filters_verdicts,
    gain_verdicts,
    layer_verdicts,
    spectrum_verdicts,
)
from reportgen.measure.facts.saliency import (
    CLEAR_FAVOURITE,
    CONCENTRATION_GAIN,
    LEANS_LIFT,
    LOOKS_LIFT,
    agreement_verdict,
    focus_verdicts,
    inside_verdict,
    saliency_verdicts,
)

FACE_AREA = 0.25  # a power of two: the thresholds' products are exact


# ----------------------------------------------------------------- q5: saliency


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


# ----------------------------------------------------------------- q6: filters


@pytest.mark.parametrize(
    ("n_conv", "configured", "name"),
    [
        (MIDDLE_FROM + 1, False, "middle"),
        (MIDDLE_FROM, False, "default"),
        (1, False, "default"),
        (MIDDLE_FROM + 1, True, "configured"),
    ],
)
def test_the_layer_is_configured_a_middle_one_or_the_default(n_conv, configured, name):
    assert layer_verdicts(n_conv, configured, 32, 32)["layer_choice"].name == name


def test_only_some_filters_are_shown_when_the_layer_has_more():
    assert layer_verdicts(3, False, 64, 128)["subset"].name == "yes"
    assert layer_verdicts(3, False, 64, 64)["subset"].name == "no"


def gain(**changes):
    """gain_facts, as much of them as gain_verdicts reads."""
    facts = {
        "n": 8,
        "rose": 8,
        "gain": 3.0,
        "median_face_gain": 2.0,
        "above_one": 8,
        "silent_on_faces": 0,
    }
    return {**facts, **changes}


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (ASCENT_GAIN + 0.01, "rose"),
        (ASCENT_GAIN, "stalled"),
        (0.5, "stalled"),
        (None, "silent_start"),
    ],
)
def test_the_ascent_rose_stalled_or_started_from_silence(value, name):
    assert gain_verdicts(gain(gain=value))["ascent"].name == name


def test_every_filter_or_only_some_rose():
    assert gain_verdicts(gain(rose=8))["rose"].name == "all"
    assert gain_verdicts(gain(rose=7))["rose"].name == "some"


@pytest.mark.parametrize(
    ("above", "silent", "name"),
    [(8, 0, "all"), (7, 0, "some"), (7, 1, "all"), (6, 1, "some")],
)
def test_every_filter_active_on_faces_beats_them_or_only_some(above, silent, name):
    assert gain_verdicts(gain(above_one=above, silent_on_faces=silent))["beat_faces"].name == name


def test_without_active_filters_on_faces_nothing_beats_them():
    found = gain_verdicts(gain(median_face_gain=None, above_one=0, silent_on_faces=8))
    assert found["beat_faces"].name == "unmeasured"


def spectrum(horizontal: int, vertical: int, peak: float = 0.5):
    """spectrum_facts, as much of them as the verdicts read."""
    return {
        "by_orientation": {"horizontal": horizontal, "vertical": vertical},
        "median_peak_share": peak,
        "filters": [{"orientation": "horizontal"}, {"orientation": "vertical"}],
    }


@pytest.mark.parametrize(
    ("h", "v", "name"),
    [
        (6, 4, "balanced"),  # a ratio of 1.5 but a margin of 2
        (6, 3, "horizontal"),  # ratio 2, margin 3: both at or over their edge
        (int(STRIPE_RATIO * 6), 6, "horizontal"),  # the ratio at its edge
        (8, 6, "balanced"),  # margin 2: under its edge
        (14, 10, "balanced"),  # margin 4 but a ratio of 1.4
        (STRIPE_MARGIN, 0, "horizontal"),
        (STRIPE_MARGIN - 1, 0, "balanced"),
        (3, 7, "vertical"),
        (0, 0, "balanced"),
    ],
)
def test_one_orientation_outnumbers_the_other_by_ratio_and_margin(h, v, name):
    verdict = spectrum_verdicts(spectrum(h, v), 0.5)["stripes"]
    assert verdict.name == name
    assert verdict.value == h - v


@pytest.mark.parametrize(
    ("peak", "name"),
    [(0.8 * MIXED_UNDER - 0.01, "mixed"), (0.8 * MIXED_UNDER, "clean"), (0.8, "clean")],
)
def test_the_images_mix_frequencies_under_a_share_of_a_clean_grating(peak, name):
    assert spectrum_verdicts(spectrum(1, 1, peak), 0.8)["gratings"].name == name


def feature_maps(active: int, tuned: int, lift: float, favourite: str | None, filter_: int = 0):
    """feature_map_facts, as much of them as the verdicts read."""
    top = {"filter": filter_, "face_lift": lift, "favourite": favourite}
    return {"active": active, "face_tuned": tuned, "strongest": [top] if active else []}


@pytest.mark.parametrize(("tuned", "name"), [(5, "yes"), (4, "no"), (0, "no")])
def test_most_responding_filters_are_face_tuned_only_over_half(tuned, name):
    found = feature_map_verdicts(feature_maps(8, tuned, 2.0, "mouth"), spectrum(1, 1))
    assert found["most_tuned"].name == name


@pytest.mark.parametrize(
    ("lift", "favourite", "filter_", "on_face", "matches"),
    [
        (2.0, "mouth", 0, "yes", "yes"),  # filter 0: horizontal stripes
        (2.0, "brows", 0, "yes", "yes"),
        (2.0, "nose", 0, "yes", "no"),  # not a horizontal part
        (2.0, "mouth", 1, "yes", "no"),  # filter 1: vertical stripes
        (1.0, "mouth", 0, "no", "no"),  # at the edge: not face-tuned
        (0.5, "eyes", 0, "no", "no"),
    ],
)
def test_the_strongest_filter_is_on_the_face_and_matches_its_lines(
    lift, favourite, filter_, on_face, matches
):
    found = feature_map_verdicts(feature_maps(8, 4, lift, favourite, filter_), spectrum(1, 1))
    assert found["strongest_on_face"].name == on_face
    assert found["strongest_on_face"].subjects == (filter_,)
    assert found["strongest_matches"].name == matches


def test_without_a_responding_filter_every_map_verdict_is_no():
    found = feature_map_verdicts(feature_maps(0, 0, 0.0, None), spectrum(1, 1))
    assert {v.name for v in found.values()} == {"no"}


def test_q6s_verdicts_are_decided_together_from_its_facts():
    facts = {
        "n_conv": 4,
        "configured": False,
        "shown_filters": 2,
        "total_filters": 2,
        "gain": gain(),
        "spectrum": spectrum(6, 3),
        "grating_peak_share": 0.8,
        "feature_maps": feature_maps(2, 2, 2.0, "mouth"),
    }
    names = {k: v.name for k, v in filters_verdicts(facts).items()}
    assert names == {
        "layer_choice": "middle",
        "subset": "no",
        "ascent": "rose",
        "rose": "all",
        "beat_faces": "all",
        "stripes": "horizontal",
        "gratings": "clean",
        "most_tuned": "yes",
        "strongest_on_face": "yes",
        "strongest_matches": "yes",
    }
