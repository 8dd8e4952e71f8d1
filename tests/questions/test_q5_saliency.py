"""reportgen/questions/q5_saliency.py on the tiny profile's CNN: the example of each class, and
region shares that match a recomputation."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.data.types import REGIONS


def test_q5_shows_the_most_confident_correct_image_of_each_class(sections, cnn):
    facts = sections("q5_saliency")[0].facts
    pred = cnn.val_pred.argmax(axis=1)
    for e in facts["examples"]:
        c, pos = e["class"], e["position"]
        assert cnn.val_true[pos] == c
        assert e["row"] == int(cnn.val_index[pos])
        assert e["confidence"] == pytest.approx(float(cnn.val_pred[pos, c]))
        correct = np.flatnonzero((cnn.val_true == c) & (pred == c))
        if len(correct):
            assert e["correct"] and pred[pos] == c
            assert cnn.val_pred[pos, c] == cnn.val_pred[correct, c].max()
        else:
            assert not e["correct"]
    with_images = {int(c) for c in np.unique(cnn.val_true)}
    assert {e["class"] for e in facts["examples"]} == with_images


def test_q5_region_shares_sum_to_at_most_one_and_match_a_recomputation(sections, cnn, tiny_project):
    from reportgen.measure.explain.saliency import vanilla_saliency

    facts = sections("q5_saliency")[0].facts
    assert facts["mask_source"] == "generator"
    for c in facts["per_class"]:
        assert sum(c["shares"].values()) <= 1 + 1e-9
        assert c["rest"] == pytest.approx(1 - sum(c["shares"].values()), abs=1e-9)
    # recompute one class by hand
    c = max(facts["per_class"], key=lambda c: c["n"])
    pred = cnn.val_pred.argmax(axis=1)
    pos = np.flatnonzero((cnn.val_true == c["class"]) & (pred == c["class"]))
    assert len(pos) == c["n"]
    rows = cnn.val_index[pos]
    maps = vanilla_saliency(cnn.model, tiny_project.data.train.images[rows], c["class"])
    mass = np.abs(maps).sum(axis=(1, 2))
    live = mass > 0  # a map that is zero everywhere is left out
    expected = {  # each image's share of its map's mass in the region, averaged
        r: float(
            np.mean(
                (np.abs(maps) * tiny_project.data.masks[r][rows]).sum(axis=(1, 2))[live]
                / mass[live]
            )
        )
        for r in REGIONS
    }
    for r in REGIONS:
        assert c["shares"][r] == pytest.approx(expected[r], abs=1e-4)
    assert c["dominant"] == max(expected, key=lambda r: expected[r])
