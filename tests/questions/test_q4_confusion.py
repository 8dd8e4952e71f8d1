"""reportgen/questions/q4_confusion.py: the best class and the confused pairs come from the
matrix, counted by hand; one matrix (reportgen/plots/confusion.py) per labelled test set."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.render.blocks import Figure, Table
from reportgen.words.text import class_name, pct
from tests.helpers import answer
from tests.questions.section_checks import (
    PNG,
    assert_figures,
    blocks,
    confusion_by_hand,
    fake_context,
    run_of,
    text_of,
)


def test_q4_best_class_and_confused_pairs_come_from_the_matrix(zh, sections):
    section, folder = sections("q4_confusion")
    run = run_of(zh, "q4_confusion", "cnn")
    counts, matrix = confusion_by_hand(run.val_true, run.val_labels_pred)
    f = section.facts["val"]
    assert np.allclose(f["matrix"], matrix)
    present = counts.sum(axis=1) > 0
    diag = np.where(present, np.diag(matrix), -1)
    assert f["best_class"] == int(np.argmax(diag))
    text = text_of(section)
    assert f"最好的是{class_name(f['best_class'], 'zh')}" in text
    off = [(matrix[i, j], i, j) for i in range(7) for j in range(7) if i != j and counts[i, j] > 0]
    top = sorted(off, key=lambda c: -c[0])[:3]
    assert [p["rate"] for p in f["confused_pairs"]] == pytest.approx([c[0] for c in top])
    for p in f["confused_pairs"]:
        assert matrix[p["true"], p["pred"]] == pytest.approx(p["rate"])
        line = f"真實為{class_name(p['true'], 'zh')}卻被預測成{class_name(p['pred'], 'zh')}"
        assert line in text
    (table,) = blocks(section, Table)
    assert [r[2] for r in table.rows] == [f"{np.diag(matrix)[k]:.3f}" for k in range(7)]
    files = {fig.file for fig in assert_figures(section, folder)}
    assert "confusion_val.png" in files
    if f["errors"]:
        assert "misclassified.png" in files
    val_images = zh.data.train.subset(run.val_index)
    for ex in section.facts["examples"]:
        assert all(val_images.labels[p] == ex["true"] for p in ex["positions"])
        assert all(run.val_labels_pred[p] == ex["pred"] for p in ex["positions"])
        assert all(zh.data.train.labels[r] == ex["true"] for r in ex["rows"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_q4_draws_a_matrix_for_each_labelled_test_set(tmp_path, lang):
    ctx, run = fake_context(tmp_path, "q4_confusion", lang)
    section = answer(*ctx)
    files = {b.file for b in blocks(section, Figure)}
    assert {"confusion_val.png", "confusion_PublicTest.png", "confusion_PrivateTest.png"} <= files
    for f in files:
        assert (ctx[1].out_dir / f).read_bytes().startswith(PNG)
    names = [t["name"] for t in section.facts["tests"]]
    assert names == ["PublicTest", "PrivateTest"]
    public = section.facts["tests"][0]
    _, expected = confusion_by_hand(
        ctx[0].data.tests["PublicTest"].labels, run.test_pred["PublicTest"].argmax(1)
    )
    np.testing.assert_allclose(public["matrix"], expected)
    assert "PublicTest" in text_of(section) and pct(public["accuracy"]) in text_of(section)
