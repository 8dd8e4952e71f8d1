"""q1's and q2's verdicts (reportgen/measure/facts/training_verdicts.py), each checked against
hand-made facts on both sides of its threshold and at its edge, with no language involved."""

from __future__ import annotations

import pytest

from reportgen.measure.facts.training_verdicts import (
    ACCURACY_POINTS,
    CNN_SLOWER,
    DNN_SLOWER,
    GAP_MARGIN,
    KAGGLE_CLOSE,
    MEMORIZING,
    SAME_PARAMS,
    TRAIN_AHEAD,
    VAL_AHEAD,
    cnn_verdicts,
    dnn_verdicts,
)

EPS = 1e-6


def history(**changes) -> dict:
    """history_facts of a run that neither overfits nor stops improving early."""
    base = {
        "epochs": 10,
        "best_epoch": 10,
        "overfit_epoch": None,
        "val_loss_rise": 0.0,
        "min_val_loss": 1.0,
        "epoch_near_min": 6,
        "final_gap": 0.0,
    }
    return {**base, **changes}


def q1(**changes) -> dict:
    """q1's facts, as far as its verdicts read them; changes replace top-level keys."""
    base = {
        "architecture": {"n_batch_norm": 4, "conv_dropouts": [0.1, 0.2, 0.3]},
        "structure": None,
        "history": history(),
        "gap_final": 0.0,
        "kaggle": {"gap": None},
        "results": {"budget": None},
    }
    return {**base, **changes}


def q2(cnn: dict | None = None, dnn: dict | None = None, **compare) -> dict:
    """q2's facts, as far as its verdicts read them."""
    x = {"param_diff": 0.0, "accuracy_gap": 0.0, "time_ratio": 1.0, **compare}
    return {
        "compare": x,
        "cnn": {"history": history() if cnn is None else cnn},
        "dnn": {"history": history() if dnn is None else dnn},
    }


# ------------------------------------------------------------------------------ q1


@pytest.mark.parametrize(("n", "name"), [(0, "none"), (1, "one"), (2, "several"), (5, "several")])
def test_batch_norm_layers_are_counted_for_the_plural(n, name):
    facts = q1(architecture={"n_batch_norm": n, "conv_dropouts": []})
    assert cnn_verdicts(facts)["batch_norm_layers"].name == name


def test_the_own_models_counts_only_with_its_structure():
    assert "residuals" not in cnn_verdicts(q1())
    found = cnn_verdicts(q1(structure={"n_batch_norm": 1, "n_add": 2}))
    assert found["own_batch_norm_layers"].name == "one"
    assert found["residuals"].name == "several"
    assert cnn_verdicts(q1(structure={"n_batch_norm": 0, "n_add": 0}))["residuals"].name == "none"


@pytest.mark.parametrize(
    ("rates", "name"),
    [
        ([0.1, 0.2, 0.3], "grows"),
        ([0.3, 0.3], "listed"),  # the edge: equal rates do not grow
        ([0.3, 0.2], "listed"),
        ([0.25], "listed"),  # one rate cannot grow
        ([], "none"),
    ],
)
def test_conv_dropout_grows_only_when_the_last_rate_is_above_the_first(rates, name):
    facts = q1(architecture={"n_batch_norm": 0, "conv_dropouts": rates})
    assert cnn_verdicts(facts)["conv_dropout"].name == name


@pytest.mark.parametrize(
    ("h", "name"),
    [
        (history(overfit_epoch=4, best_epoch=4, val_loss_rise=0.1), "turns_up"),
        (history(best_epoch=9, val_loss_rise=0.005), "levels_off"),
        (history(best_epoch=10), "falls_together"),  # the edge: lowest at the last epoch
        (None, "no_history"),
    ],
)
def test_overfitting_is_read_from_the_history(h, name):
    verdict = cnn_verdicts(q1(history=h))["overfitting"]
    assert verdict.name == name
    assert verdict.value == (None if h is None else h["val_loss_rise"])


@pytest.mark.parametrize(
    ("gap", "name"),
    [
        (TRAIN_AHEAD + EPS, "train_ahead"),
        (TRAIN_AHEAD, "even"),
        (0.0, "even"),
        (-VAL_AHEAD, "even"),
        (-VAL_AHEAD - EPS, "val_ahead"),
        (None, "none"),
    ],
)
def test_the_final_gap_between_training_and_validation_accuracy(gap, name):
    assert cnn_verdicts(q1(gap_final=gap))["final_gap"].name == name


@pytest.mark.parametrize(
    ("gap", "name"),
    [
        (KAGGLE_CLOSE, "above"),  # the edge: a full point is no longer within one
        (KAGGLE_CLOSE - EPS, "close"),
        (-KAGGLE_CLOSE + EPS, "close"),
        (-KAGGLE_CLOSE, "below"),
        (-0.05, "below"),
        (None, "none"),
    ],
)
def test_the_kaggle_score_against_the_validation_accuracy(gap, name):
    assert cnn_verdicts(q1(kaggle={"gap": gap}))["kaggle"].name == name


@pytest.mark.parametrize(
    ("budget", "name"),
    [
        ({"planned_epochs": 7, "epochs": 7}, "kept"),
        ({"planned_epochs": 7, "epochs": 8}, "changed"),
        ({"planned_epochs": 7, "epochs": 6}, "changed"),
        (None, "none"),
    ],
)
def test_the_budgets_plan_kept_or_changed(budget, name):
    assert cnn_verdicts(q1(results={"budget": budget}))["plan"].name == name


# ------------------------------------------------------------------------------ q2


@pytest.mark.parametrize(
    ("diff", "name"),
    [
        (SAME_PARAMS, "more"),  # the edge: a tenth of a percent is no longer the same
        (SAME_PARAMS - EPS, "same"),
        (0.0, "same"),
        (-SAME_PARAMS + EPS, "same"),
        (-SAME_PARAMS, "fewer"),
    ],
)
def test_the_dnns_parameter_count_against_the_cnns(diff, name):
    assert dnn_verdicts(q2(param_diff=diff))["params"].name == name


@pytest.mark.parametrize(
    ("points", "name"),
    [
        (ACCURACY_POINTS + 0.01, "cnn_better"),
        (ACCURACY_POINTS, "close"),
        (-ACCURACY_POINTS, "close"),
        (-ACCURACY_POINTS - 0.01, "dnn_better"),
    ],
)
def test_the_accuracy_gap_in_points(points, name):
    verdict = dnn_verdicts(q2(accuracy_gap=points / 100))["accuracy"]
    assert verdict.name == name
    assert verdict.value == pytest.approx(points)


@pytest.mark.parametrize(
    ("ratio", "name"),
    [
        (CNN_SLOWER + EPS, "cnn_slower"),
        (CNN_SLOWER, "similar"),
        (1.0, "similar"),
        (DNN_SLOWER, "similar"),
        (DNN_SLOWER - EPS, "dnn_slower"),
        (None, "unmeasured"),  # a CNN trained elsewhere has no time per epoch
    ],
)
def test_the_time_per_epoch(ratio, name):
    assert dnn_verdicts(q2(time_ratio=ratio))["speed"].name == name


@pytest.mark.parametrize(
    ("cnn", "dnn", "who", "order"),
    [
        (None, None, "neither", "not_both"),
        (None, 3, "dnn", "not_both"),
        (4, None, "cnn", "not_both"),
        (4, 2, "both", "dnn_first"),
        (2, 4, "both", "cnn_first"),
        (3, 3, "both", "same"),
    ],
)
def test_who_overfits_and_who_first(cnn, dnn, who, order):
    verdicts = dnn_verdicts(q2(history(overfit_epoch=cnn), history(overfit_epoch=dnn)))
    assert verdicts["who_overfits"].name == who
    assert verdicts["overfit_order"].name == order


def test_without_the_cnns_history_only_the_dnn_is_judged():
    facts = q2(history(), history(overfit_epoch=3, final_gap=-0.01))
    facts["cnn"]["history"] = None
    verdicts = dnn_verdicts(facts)
    assert verdicts["who_overfits"].name == "dnn"
    assert verdicts["dnn_gap"].name == "below"
    assert not {"overfit_order", "dnn_loss_higher", "convergence", "gaps", "cnn_gap"} & set(
        verdicts
    )


@pytest.mark.parametrize(("dnn_loss", "name"), [(1.01, "yes"), (1.0, "no"), (0.99, "no")])
def test_the_dnns_loss_stays_higher(dnn_loss, name):
    verdicts = dnn_verdicts(q2(history(min_val_loss=1.0), history(min_val_loss=dnn_loss)))
    assert verdicts["dnn_loss_higher"].name == name


@pytest.mark.parametrize(
    ("cnn", "dnn", "name"), [(5, 5, "together"), (4, 5, "cnn_faster"), (6, 5, "dnn_faster")]
)
def test_who_converges_faster(cnn, dnn, name):
    verdicts = dnn_verdicts(q2(history(epoch_near_min=cnn), history(epoch_near_min=dnn)))
    assert verdicts["convergence"].name == name


@pytest.mark.parametrize(
    ("cnn", "dnn", "name"),
    [
        (0.0, MEMORIZING + EPS, "dnn_memorizes"),
        (0.0, MEMORIZING, "small"),  # the edge: not above MEMORIZING
        (0.02, 0.02 + GAP_MARGIN + EPS, "dnn_memorizes"),
        (0.02, 0.02 + GAP_MARGIN - EPS, "small"),  # within GAP_MARGIN of the CNN's
        (MEMORIZING + EPS, 0.0, "cnn_memorizes"),
        (0.05, 0.05 + GAP_MARGIN - EPS, "small"),
        (-0.01, -0.02, "both_below"),
        (-0.01, 0.0, "small"),
    ],
)
def test_the_two_train_validation_gaps(cnn, dnn, name):
    verdicts = dnn_verdicts(q2(history(final_gap=cnn), history(final_gap=dnn)))
    assert verdicts["gaps"].name == name


@pytest.mark.parametrize(("gap", "name"), [(0.01, "above"), (0.0, "above"), (-0.01, "below")])
def test_training_accuracy_above_or_below_validation(gap, name):
    verdicts = dnn_verdicts(q2(history(final_gap=gap), history(final_gap=gap)))
    assert verdicts["cnn_gap"].name == verdicts["dnn_gap"].name == name
