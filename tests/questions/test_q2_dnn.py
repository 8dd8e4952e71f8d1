"""reportgen/questions/q2_dnn.py: the DNN matches the CNN's parameters, and the text says both."""

from __future__ import annotations

import pytest

from reportgen.measure.facts.training import overfit_epoch
from reportgen.render.blocks import Table
from reportgen.words.text import pct, thousands
from tests.questions.section_checks import (
    assert_figures,
    blocks,
    run_of,
    text_of,
)


def test_q2_dnn_matches_the_cnn_and_the_text_says_both(zh, sections):
    section, folder = sections("q2_dnn")
    cnn, dnn = run_of(zh, "q2_dnn", "cnn"), run_of(zh, "q2_dnn", "dnn")
    c, d = cnn.metrics["params"]["total"], dnn.metrics["params"]["total"]
    assert abs(d - c) / c < 0.05
    assert section.facts["compare"]["param_diff"] == pytest.approx((d - c) / c)
    main = text_of(section, "main")
    assert thousands(c) in main and thousands(d) in main
    assert pct(cnn.metrics["val_accuracy"]) in main and pct(dnn.metrics["val_accuracy"]) in main
    (table,) = blocks(section, Table)
    assert [r[0] for r in table.rows] == [layer.name for layer in dnn.model.layers]
    (fig,) = assert_figures(section, folder)
    assert fig.part == "curves"
    assert pct(cnn.history["val_accuracy"][-1]) in fig.alt
    assert pct(dnn.history["val_accuracy"][-1]) in fig.alt
    assert text_of(section, "curves")
    assert {b.part for b in section.blocks} == {"main", "curves"}
    assert section.facts["dnn"]["history"]["overfit_epoch"] == overfit_epoch(
        dnn.history["loss"], dnn.history["val_loss"]
    )
