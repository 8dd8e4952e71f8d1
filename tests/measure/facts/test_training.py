"""reportgen/measure/facts/training.py: where overfitting starts in a training history, on
hand-made histories."""

from __future__ import annotations

import json

import pytest

from reportgen.measure.facts.training import (
    best_epoch,
    epoch_near_min,
    history_facts,
    overfit_epoch,
)


def overfitting_history() -> dict[str, list[float]]:
    """Validation loss falls to its minimum at epoch 5 and then rises; training loss falls."""
    return {
        "loss": [2.0, 1.6, 1.3, 1.1, 0.95, 0.8, 0.65, 0.5],
        "val_loss": [1.9, 1.6, 1.4, 1.3, 1.25, 1.3, 1.4, 1.55],
        "accuracy": [0.2, 0.35, 0.45, 0.52, 0.58, 0.65, 0.72, 0.8],
        "val_accuracy": [0.22, 0.33, 0.41, 0.45, 0.47, 0.46, 0.46, 0.44],
    }


def test_overfitting_starts_where_validation_loss_turns_up():
    h = overfitting_history()
    assert best_epoch(h["val_loss"]) == 5
    assert overfit_epoch(h["loss"], h["val_loss"]) == 5
    facts = history_facts(h)
    assert facts["overfit_epoch"] == 5
    assert facts["best_epoch"] == 5
    assert facts["min_val_loss"] == 1.25
    assert facts["val_accuracy_at_best"] == 0.47
    assert facts["train_accuracy_at_best"] == 0.58
    assert facts["max_val_accuracy_epoch"] == 5
    assert facts["val_loss_rise"] == pytest.approx(0.3 / 1.25)
    assert facts["final_gap"] == pytest.approx(0.8 - 0.44)
    json.dumps(facts)  # plain data


@pytest.mark.parametrize(
    ("loss", "val_loss", "why"),
    [
        ([2.0, 1.5, 1.2, 1.0], [1.9, 1.5, 1.3, 1.2], "validation loss still falling"),
        ([2.0, 1.5, 1.2, 1.0], [1.9, 1.5, 1.3, 1.305], "flat: within the tolerance"),
        ([2.0, 1.5, 1.6, 1.7], [1.9, 1.5, 1.6, 1.8], "training loss rises too"),
        ([2.0], [1.9], "a single epoch"),
    ],
)
def test_no_overfitting_without_a_clear_turn(loss, val_loss, why):
    assert overfit_epoch(loss, val_loss) is None, why


def test_a_noisy_dip_before_the_minimum_is_not_the_turn():
    loss = [2.0, 1.7, 1.5, 1.3, 1.1, 0.9, 0.7]
    val_loss = [1.9, 1.5, 1.55, 1.4, 1.3, 1.45, 1.6]  # up at 3 but lower later: min at 5
    assert overfit_epoch(loss, val_loss) == 5


def test_epoch_near_minimum():
    assert epoch_near_min([2.0, 1.2, 1.04, 1.0, 1.01]) == 3  # 1.04 <= 1.05
    assert epoch_near_min([1.0, 2.0]) == 1
