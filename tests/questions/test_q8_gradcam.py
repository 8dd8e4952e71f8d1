"""reportgen/questions/q8_gradcam.py on the tiny profile's CNN: the last conv layer, and a
pointing game that matches a recomputation."""

from __future__ import annotations

import numpy as np
import pytest


def test_q8_uses_the_last_conv_layer(sections, cnn):
    import keras

    from reportgen.measure.explain.gradcam import gradcam_layer

    facts = sections("q8_gradcam")[0].facts
    convs = [lyr.name for lyr in cnn.model.layers if isinstance(lyr, keras.layers.Conv2D)]
    assert facts["layer"] == convs[-1]
    assert facts["cam_layer"] == gradcam_layer(cnn.model)
    assert facts["score"] == "logit"
    for c in facts["per_class"]:
        assert sum(c["shares"].values()) <= 1 + 1e-9
        assert 0 <= c["pointing"] <= 1  # every class here has a map that is not zero


def test_q8_pointing_game_matches_a_recomputation(sections, cnn, tiny_project):
    from reportgen.measure.explain.gradcam import gradcam

    facts = sections("q8_gradcam")[0].facts
    rows = cnn.val_index
    images = tiny_project.data.train.images[rows]
    maps = gradcam(cnn.model, images, cnn.val_true, layer=facts["cam_layer"])
    deciding = np.zeros(maps.shape, dtype=bool)
    for region in facts["deciding"]:
        deciding |= tiny_project.data.masks[region][rows]
    assert facts["tolerance"] == 1
    near = deciding.copy()  # widened by one pixel: up, down, left and right
    near[:, 1:] |= deciding[:, :-1]
    near[:, :-1] |= deciding[:, 1:]
    near[:, :, 1:] |= deciding[:, :, :-1]
    near[:, :, :-1] |= deciding[:, :, 1:]
    assert {c["class"] for c in facts["per_class"]} == {int(c) for c in np.unique(cnn.val_true)}
    for c in facts["per_class"]:
        shown = [i for i in np.flatnonzero(cnn.val_true == c["class"]) if maps[i].max() > 0]
        hits = [bool(near[i].flat[maps[i].argmax()]) for i in shown]
        assert c["zero_maps"] == np.sum(cnn.val_true == c["class"]) - len(shown)
        assert c["pointing"] == pytest.approx(np.mean(hits))
