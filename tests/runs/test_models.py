from dataclasses import replace

import pytest

from reportgen.runs.models import build_model, cnn_params, param_counts
from reportgen.runs.spec import base_run
from reportgen.settings.profiles import PROFILES


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_the_dnn_is_within_5_percent_of_the_cnn(profile):
    spec = base_run("x", profile).model
    cnn = param_counts(build_model(spec, 120.0, 60.0))
    dnn = param_counts(build_model(replace(spec, kind="dnn"), 120.0, 60.0))
    assert cnn["total"] == cnn_params(spec)
    assert abs(dnn["total"] - cnn["total"]) / cnn["total"] < 0.05


def test_the_model_contract():
    model = build_model(base_run("x", PROFILES["tiny"]).model, 120.0, 60.0)
    assert model.input_shape == (None, 48, 48, 1)
    assert model.output_shape == (None, 7)
    assert model.get_layer("logits").output.shape[-1] == 7
    assert model.get_layer("normalize")
