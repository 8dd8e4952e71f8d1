"""reportgen/questions/q7_lime.py on the tiny profile's CNN: the classes ordered by the run's
recall."""

from __future__ import annotations

import numpy as np
import pytest


def test_q7_orders_the_classes_by_the_runs_recall(sections, cnn):
    facts = sections("q7_lime")[0].facts
    order = facts["ties"]["order"]
    pred = cnn.val_pred.argmax(axis=1)
    recall = {c: float((pred[cnn.val_true == c] == c).mean()) for c in np.unique(cnn.val_true)}
    assert [r["class"] for r in order] == sorted(recall, key=lambda c: (-recall[c], c))
    for r in order:
        assert r["recall"] == pytest.approx(recall[r["class"]])
    q5 = sections("q5_saliency")[0].facts
    assert [e["position"] for e in facts["examples"]] == [
        e["position"] for e in q5["examples"]
    ]  # the same images as the saliency maps
    assert facts["n_explained"] <= facts["per_class"] * len(facts["examples"])
