"""reportgen/questions/q1_cnn.py: the CNN's layer table (read from the model by
reportgen/measure/facts/model.py, laid out by reportgen/questions/tables.py), set-up and curves
(reportgen/plots/training.py) on the tiny profile's run; the labelled test sets and Kaggle
scores on a hand-made run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reportgen.render.blocks import Figure, Table
from reportgen.words.text import pct, thousands
from tests.helpers import answer
from tests.questions.section_checks import (
    CJK,
    PNG,
    assert_figures,
    blocks,
    fake_context,
    run_of,
    text_of,
)


def test_q1_layer_table_setup_and_curves(zh, sections):
    section, folder = sections("q1_cnn")
    run = run_of(zh, "q1_cnn", "cnn")
    f = section.facts
    json.dumps(f)
    (table,) = blocks(section, Table)
    assert [r[0] for r in table.rows] == [layer.name for layer in run.model.layers]
    assert sum(int(r[3].replace(",", "")) for r in table.rows) == run.metrics["params"]["total"]
    assert [int(r[3].replace(",", "")) for r in table.footer] == [
        run.metrics["params"][k] for k in ("trainable", "non_trainable", "total")
    ]
    assert f["results"]["val_accuracy"] == run.metrics["val_accuracy"]
    assert f["results"]["best_epoch"] == run.metrics["best_epoch"]
    val_loss = run.history["val_loss"]
    assert f["history"]["best_epoch"] == 1 + val_loss.index(min(val_loss))  # counted from 1
    assert f["setup"]["batch_size"] == run.spec.batch_size
    assert f["setup"]["augment"]["rotation_degrees"] == run.spec.augment.rotation_degrees
    mean = run.model.get_layer("normalize").mean
    assert f["setup"]["norm_mean"] == pytest.approx(float(np.asarray(mean).ravel()[0]))
    (fig,) = assert_figures(section, folder)
    assert fig.part == "curves"
    assert pct(run.history["val_accuracy"][-1]) in fig.alt
    text = text_of(section)
    assert pct(run.metrics["val_accuracy"]) in text
    assert thousands(run.metrics["params"]["total"]) in text
    assert f"label smoothing {run.spec.label_smoothing}" in text
    assert f["setup"]["epochs"] == run.spec.epochs == run.metrics["epochs_run"]
    assert pct(run.metrics["val_accuracy_plain"]) in text  # flip TTA said, and without it
    assert CJK.search(text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_q1_names_the_test_sets_and_the_kaggle_scores(tmp_path, lang):

    ctx, run = fake_context(tmp_path, "q1_cnn", lang, kaggle_public=0.6512, kaggle_private=0.6388)
    section = answer(*ctx)
    text = text_of(section)
    for name, acc in run.metrics["test_accuracy"].items():
        assert name in text and pct(acc) in text
    assert "65.12%" in text and "63.88%" in text and "Kaggle" in text
    assert section.facts["history"]["overfit_epoch"] == 3
    assert section.facts["results"]["hardware"]["count"] == 2
    assert section.facts["verdicts"]["kaggle"]["name"] == "above"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_q1_is_presented_from_its_measurement_alone(tmp_path, lang):
    """The curves are drawn from the history the measurement carries: read back from its
    JSON, with no run, it presents the same blocks; the figure's alt text says the curves."""
    from reportgen.questions import q1_cnn
    from reportgen.questions.context import Page
    from reportgen.questions.measured import Measured
    from reportgen.words.text import num

    (ctx, page), run = fake_context(tmp_path, "q1_cnn", lang)
    measured = q1_cnn.measure(ctx)
    assert measured.facts["curves"]["val_loss"] == run.history["val_loss"]
    assert measured.verdicts["overfitting"].name == "turns_up"
    fresh = q1_cnn.present(measured, page)
    again = Measured.from_json(measured.to_json(), {})
    read = q1_cnn.present(again, Page("q1_cnn", lang, tmp_path / "again"))
    assert read.blocks == fresh.blocks
    (fig,) = blocks(read, Figure)
    assert (tmp_path / "again" / fig.file).read_bytes().startswith(PNG)
    assert num(1.5) in fig.alt and pct(0.37) in fig.alt and pct(0.7) in fig.alt
