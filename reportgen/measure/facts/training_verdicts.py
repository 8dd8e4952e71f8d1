"""What q1 and q2 judge from their facts (training.run_facts and what the two modules add):
the CNN's architecture, training and accuracy, and the DNN against the CNN. Pure functions
of plain data: no run, no model, no language. Each threshold is a named constant."""

from __future__ import annotations

from typing import Any

from reportgen.measure.verdict import Verdict, by_threshold, flag

# Training accuracy this far above validation accuracy at the last epoch: the model already
# fits its training images better than unseen ones (less is within a validation set's noise).
TRAIN_AHEAD = 0.05
# Validation accuracy this far above training accuracy is worth explaining (dropout and
# augmentation make the training batches harder); less is noise.
VAL_AHEAD = 0.01
# A Kaggle score within a point of the validation accuracy confirms the validation estimate.
KAGGLE_CLOSE = 0.01
# Parameter counts within this (relative) of each other are practically the same: the DNN's
# width is solved for the CNN's count, and a whole number of units leaves about this much.
SAME_PARAMS = 0.001
# A difference in validation accuracy of more than this many points makes one model better;
# a smaller one is within what a short training run and a seed move.
ACCURACY_POINTS = 2.0
# Seconds per epoch, CNN over DNN: above CNN_SLOWER the CNN is the slower, below DNN_SLOWER
# (about 1 / 1.2) the DNN; between them timing noise and reading the data dominate.
CNN_SLOWER = 1.2
DNN_SLOWER = 0.83
# A model memorizes more than the other when its train-validation gap at the last epoch is
# above MEMORIZING and above the other's by more than GAP_MARGIN.
MEMORIZING = 0.03
GAP_MARGIN = 0.02


def how_many(n: int, statistic: str) -> Verdict:
    """A count as a sentence needs it: "none", "one" or "several"."""
    return Verdict("none" if n == 0 else "one" if n == 1 else "several", statistic, float(n))


def overfitting(history: dict[str, Any] | None) -> Verdict:
    """What one history's validation loss does: turns_up (history_facts found where
    overfitting starts), levels_off (lowest before the last epoch, without a clear rise),
    falls_together (lowest at the last epoch); no_history for a model given without one."""
    if history is None:
        return Verdict("no_history")
    rise = history["val_loss_rise"]
    if history["overfit_epoch"]:
        return Verdict("turns_up", "val_loss_rise", rise)
    if history["best_epoch"] < history["epochs"]:
        return Verdict("levels_off", "val_loss_rise", rise)
    return Verdict("falls_together", "val_loss_rise", rise)


def conv_dropout(rates: list[float]) -> Verdict:
    """The conv blocks' dropout: grows (more than one rate, the last above the first),
    listed (otherwise), none (no dropout in the conv blocks)."""
    if not rates:
        return Verdict("none")
    grows = len(rates) > 1 and rates[0] < rates[-1]
    return Verdict("grows" if grows else "listed", "last_minus_first", rates[-1] - rates[0])


def final_gap(gap: float | None) -> Verdict:
    """Training minus validation accuracy at the last epoch: train_ahead (above TRAIN_AHEAD),
    val_ahead (below -VAL_AHEAD), even; none without a training accuracy."""
    if gap is None:
        return Verdict("none")
    if gap > TRAIN_AHEAD:
        return Verdict("train_ahead", "gap_final", gap)
    if gap < -VAL_AHEAD:
        return Verdict("val_ahead", "gap_final", gap)
    return Verdict("even", "gap_final", gap)


def kaggle(gap: float | None) -> Verdict:
    """The Kaggle score against the validation accuracy: close (within KAGGLE_CLOSE), below,
    above; none without a score."""
    if gap is None:
        return Verdict("none")
    if abs(gap) < KAGGLE_CLOSE:
        return Verdict("close", "kaggle_gap", gap)
    return Verdict("below" if gap < 0 else "above", "kaggle_gap", gap)


def plan(budget: dict[str, Any] | None) -> Verdict:
    """A budget's plan: kept (the run trained the epochs first planned) or changed; none
    without a budget."""
    if budget is None:
        return Verdict("none")
    diff = budget["epochs"] - budget["planned_epochs"]
    return Verdict("kept" if diff == 0 else "changed", "epochs_minus_planned", float(diff))


def cnn_verdicts(facts: dict[str, Any]) -> dict[str, Verdict]:
    """q1's verdicts: batch_norm_layers (how many, of the whole model), conv_dropout,
    overfitting, final_gap, kaggle, plan; for the student's own CNN (facts["structure"])
    also own_batch_norm_layers and residuals (Add layers) among its own layers."""
    verdicts = {
        "batch_norm_layers": how_many(facts["architecture"]["n_batch_norm"], "n_batch_norm"),
        "conv_dropout": conv_dropout(facts["architecture"]["conv_dropouts"]),
        "overfitting": overfitting(facts["history"]),
        "final_gap": final_gap(facts["gap_final"]),
        "kaggle": kaggle(facts["kaggle"]["gap"]),
        "plan": plan(facts["results"]["budget"]),
    }
    structure = facts["structure"]
    if structure is not None:
        verdicts["own_batch_norm_layers"] = how_many(structure["n_batch_norm"], "n_batch_norm")
        verdicts["residuals"] = how_many(structure["n_add"], "n_add")
    return verdicts


# --- q2: the DNN against the CNN ------------------------------------------------------------


def param_count(param_diff: float) -> Verdict:
    """The DNN's parameters against the CNN's: same (within SAME_PARAMS), more, fewer."""
    if abs(param_diff) < SAME_PARAMS:
        return Verdict("same", "param_diff", param_diff)
    return Verdict("more" if param_diff > 0 else "fewer", "param_diff", param_diff)


def speed(time_ratio: float | None) -> Verdict:
    """Seconds per epoch, CNN over DNN: cnn_slower, dnn_slower, similar; unmeasured for a
    CNN trained elsewhere."""
    if time_ratio is None:
        return Verdict("unmeasured")
    if time_ratio > CNN_SLOWER:
        return Verdict("cnn_slower", "time_ratio", time_ratio)
    if time_ratio < DNN_SLOWER:
        return Verdict("dnn_slower", "time_ratio", time_ratio)
    return Verdict("similar", "time_ratio", time_ratio)


def train_vs_val(history: dict[str, Any]) -> Verdict:
    """Whether training accuracy ends at or above validation accuracy (above) or below it."""
    gap = history["final_gap"]
    return Verdict("above" if gap >= 0 else "below", "final_gap", gap)


def who_overfits(cnn: dict[str, Any] | None, dnn: dict[str, Any]) -> Verdict:
    """Whose validation loss turns up (history_facts' overfit_epoch): both, dnn, cnn,
    neither (a CNN without a history counts as not overfitting)."""
    c, d = bool(cnn and cnn["overfit_epoch"]), bool(dnn["overfit_epoch"])
    name = "both" if c and d else "dnn" if d else "cnn" if c else "neither"
    return Verdict(name, "overfit_epoch")


def overfit_order(cnn: dict[str, Any], dnn: dict[str, Any]) -> Verdict:
    """When both overfit, who starts first: dnn_first, cnn_first, same; not_both otherwise."""
    if not (cnn["overfit_epoch"] and dnn["overfit_epoch"]):
        return Verdict("not_both")
    diff = dnn["overfit_epoch"] - cnn["overfit_epoch"]
    name = "dnn_first" if diff < 0 else "cnn_first" if diff > 0 else "same"
    return Verdict(name, "dnn_minus_cnn_overfit_epoch", float(diff))


def convergence(cnn: dict[str, Any], dnn: dict[str, Any]) -> Verdict:
    """Who first comes within NEAR_MIN of its lowest validation loss (history_facts'
    epoch_near_min): together (the same epoch), cnn_faster, dnn_faster."""
    diff = cnn["epoch_near_min"] - dnn["epoch_near_min"]
    name = "together" if diff == 0 else "cnn_faster" if diff < 0 else "dnn_faster"
    return Verdict(name, "cnn_minus_dnn_epoch_near_min", float(diff))


def gaps(cnn: dict[str, Any], dnn: dict[str, Any]) -> Verdict:
    """The two train-validation gaps at the last epoch: dnn_memorizes or cnn_memorizes (its
    gap above MEMORIZING and above the other's by more than GAP_MARGIN), both_below (both
    train below their validation accuracy), small."""
    c, d = cnn["final_gap"], dnn["final_gap"]
    if d > MEMORIZING and d > c + GAP_MARGIN:
        name = "dnn_memorizes"
    elif c > MEMORIZING and c > d + GAP_MARGIN:
        name = "cnn_memorizes"
    elif c < 0 and d < 0:
        name = "both_below"
    else:
        name = "small"
    return Verdict(name, "dnn_minus_cnn_final_gap", d - c)


def curve_comparison(cnn: dict[str, Any], dnn: dict[str, Any]) -> dict[str, Verdict]:
    """The two histories against each other: overfit_order, dnn_loss_higher (the DNN's
    lowest validation loss above the CNN's), convergence, gaps, cnn_gap (train_vs_val)."""
    low = dnn["min_val_loss"] - cnn["min_val_loss"]
    return {
        "overfit_order": overfit_order(cnn, dnn),
        "dnn_loss_higher": flag(low > 0, "dnn_minus_cnn_min_val_loss", low),
        "convergence": convergence(cnn, dnn),
        "gaps": gaps(cnn, dnn),
        "cnn_gap": train_vs_val(cnn),
    }


def dnn_verdicts(facts: dict[str, Any]) -> dict[str, Verdict]:
    """q2's verdicts: params, accuracy (CNN minus DNN validation accuracy, in points: cnn_better,
    dnn_better, close), speed, who_overfits, dnn_gap (train_vs_val); with the CNN's history
    (a CNN trained elsewhere may come without one) also curve_comparison's."""
    x, cnn, dnn = facts["compare"], facts["cnn"]["history"], facts["dnn"]["history"]
    verdicts = {
        "params": param_count(x["param_diff"]),
        "accuracy": by_threshold(
            100 * x["accuracy_gap"],
            ACCURACY_POINTS,
            ("cnn_better", "dnn_better", "close"),
            "cnn_minus_dnn_points",
        ),
        "speed": speed(x["time_ratio"]),
        "who_overfits": who_overfits(cnn, dnn),
        "dnn_gap": train_vs_val(dnn),
    }
    return verdicts | (curve_comparison(cnn, dnn) if cnn is not None else {})
