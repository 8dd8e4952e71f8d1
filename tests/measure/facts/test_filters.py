"""reportgen/measure/facts/filters.py: q6's verdicts, checked against hand-made facts on both sides
of each threshold and at its edge, with no language involved."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reportgen.measure.facts.filters import (
    ASCENT_GAIN,
    MIDDLE_FROM,
    MIXED_UNDER,
    STRIPE_MARGIN,
    STRIPE_RATIO,
    feature_map_verdicts,
    filters_verdicts,
    frequency_bin,
    gain_facts,
    gain_verdicts,
    layer_verdicts,
    orientation_bin,
    spectrum_facts,
    spectrum_verdicts,
)


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


def test_orientation_and_frequency_bins():
    assert orientation_bin(0) == orientation_bin(179) == "horizontal"
    assert orientation_bin(45) == "diagonal_up"
    assert orientation_bin(90) == "vertical"
    assert orientation_bin(135) == "diagonal_down"
    assert frequency_bin(0.05) == "low"
    assert frequency_bin(0.2) == "mid"
    assert frequency_bin(0.3) == "high"
    facts = spectrum_facts(np.array([0.0, 2.0, 90.0]), np.array([0.3, 0.3, 0.05]), np.zeros(3))
    assert facts["by_orientation"] == {
        "horizontal": 2,
        "diagonal_up": 0,
        "vertical": 1,
        "diagonal_down": 0,
    }
    assert facts["cells"]["horizontal"]["high"] == 2
    assert facts["top_orientation"] == "horizontal"
    assert facts["top_frequency"] == "high"


def test_gain_compares_the_ascent_with_its_start_and_with_real_faces():
    filters = np.array([0, 1, 2])
    start = np.array([0.0, 0.1, 0.2])  # filter 0 silent on its noise start
    end = np.array([1.0, 0.4, 0.1])
    faces = np.array([0.5, 0.1, 0.0])  # filter 2 silent on faces: left out of face_gain
    g = gain_facts(filters, start, end, faces)
    assert g["gain"] == pytest.approx(1.5 / 0.3)  # a ratio of means, not of a zero start
    assert g["rose"] == 2
    assert g["median_face_gain"] == pytest.approx(3.0)  # median of 2.0 and 4.0
    assert g["max_face_gain_filter"] == 1
    assert g["silent_on_faces"] == 1
    assert g["per_filter_face_gain"][2] is None
    json.dumps(g, allow_nan=False)
