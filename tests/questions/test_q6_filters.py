"""reportgen/questions/q6_filters.py on the tiny profile's CNN: a conv layer named, its filters
excited by the ascent, the configured layer taken and an unknown one refused."""

from __future__ import annotations

import pytest

from reportgen.errors import UserError


def test_q6_names_a_conv_layer_and_the_ascent_excites_its_filters(sections, cnn):
    import keras

    from reportgen.measure.explain.model import conv_block

    facts = sections("q6_filters")[0].facts
    layer = cnn.model.get_layer(facts["layer"])
    assert isinstance(layer, keras.layers.Conv2D)
    assert facts["total_filters"] == layer.filters
    assert facts["shown_filters"] == min(64, layer.filters)
    gain = facts["gain"]
    assert gain["mean_start"] > 0  # some filter speaks on its start image: a gain is defined
    assert gain["gain"] == pytest.approx(gain["mean_end"] / gain["mean_start"])
    assert gain["gain"] > 1
    assert gain["mean_end"] > gain["mean_start"]
    assert gain["median_face_gain"] > 1
    assert gain["rose"] > gain["n"] / 2
    spec = facts["spectrum"]
    assert sum(spec["by_orientation"].values()) == spec["n"] == facts["shown_filters"]
    assert sum(spec["by_frequency"].values()) == spec["n"]
    assert facts["response_layer"] in conv_block(cnn.model, facts["layer"])


def test_q6_takes_the_configured_layer_and_refuses_an_unknown_one(tiny_project_factory, section_of):
    project = tiny_project_factory(filter_layer="block1_conv1")
    assert section_of(project, "q6_filters")[0].facts["layer"] == "block1_conv1"
    with pytest.raises(UserError, match="not a convolutional layer"):
        section_of(tiny_project_factory(filter_layer="logits"), "q6_filters")
