"""reportgen/measure/facts/ablation.py: q3's numbers and verdicts (the measuring half: arrays in,
numbers out), each verdict checked against hand-made facts on both sides of its threshold, with
no language involved."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from reportgen.measure.facts import ablation
from reportgen.measure.facts.ablation import (
    NO_DIFFERENCE,
    SMALL_EFFECT,
    ablation_verdicts,
    curve_verdicts,
    effect,
)
from reportgen.measure.facts.training import NEAR_MIN
from reportgen.measure.verdict import Verdict, flag


def ablation_of(nm: float, am: float, *, n_seeds: int = 1, se: float | None = None, bn=True):
    """Ablation facts with the effects asked for (the same within each setting)."""
    norm = {k: effect(nm, se) for k in ("main", "without_aug", "with_aug")}
    aug = {k: effect(am, se) for k in ("main", "without_norm", "with_norm")}
    curves = [{"epoch_near_min": 3}, {"epoch_near_min": 3}]
    return {
        "noise": {"n_seeds": n_seeds, "val_sampling_se": 0.01},
        "normalization": norm,
        "augmentation": aug,
        "methods": {"batch_norm": bn},
        "curves": curves,
        "first_loss": {"off": 1.0, "on": 1.0},
        "best_epoch_mean": {"aug": 4.0, "noaug": 4.0},
    }


@pytest.mark.parametrize(
    ("delta", "name"),
    [
        (NO_DIFFERENCE + 1e-4, "gains"),
        (NO_DIFFERENCE, "no_difference"),
        (0.0, "no_difference"),
        (-NO_DIFFERENCE, "no_difference"),
        (-NO_DIFFERENCE - 1e-4, "costs"),
    ],
)
def test_an_effect_gains_costs_or_makes_no_difference(delta, name):
    verdicts = ablation_verdicts(ablation_of(delta, -delta))
    assert verdicts["normalization"].name == name
    assert verdicts["augmentation"].name == {"gains": "costs", "costs": "gains"}.get(name, name)
    assert verdicts["normalization"].value == pytest.approx(delta)


def test_normalization_is_explained_by_batch_norm_only_when_small():
    assert ablation_verdicts(ablation_of(0.01, 0))["normalization_why"].name == "batch_norm"
    assert ablation_verdicts(ablation_of(0.01, 0, bn=False))["normalization_why"].name == "none"
    assert ablation_verdicts(ablation_of(SMALL_EFFECT, 0))["normalization_why"].name == "unstable"
    assert ablation_verdicts(ablation_of(-SMALL_EFFECT, 0))["normalization_why"].name == "none"


def test_switches_interact_when_normalization_changes_sign():
    facts = ablation_of(0.01, 0)
    assert ablation_verdicts(facts)["interaction"].name == "no"
    facts["normalization"]["with_aug"] = effect(-0.01, None)
    assert ablation_verdicts(facts)["interaction"].name == "yes"


def test_with_seeds_an_effect_is_told_apart_from_noise_by_twice_its_se():
    verdicts = ablation_verdicts(ablation_of(0.021, 0.019, n_seeds=3, se=0.01))
    assert verdicts["seeds"].name == "several"
    assert verdicts["normalization_noise"].name == "beyond_noise"
    assert verdicts["augmentation_noise"].name == "within_noise"
    assert verdicts["normalization_noise"].se == 0.01
    assert "normalization_noise" not in ablation_verdicts(ablation_of(0.03, 0))


def test_with_one_seed_the_sampling_error_decides():
    assert ablation_verdicts(ablation_of(0.019, -0.005))["sampling"].name == "below"
    assert ablation_verdicts(ablation_of(0.021, -0.005))["sampling"].name == "normalization"
    assert ablation_verdicts(ablation_of(0.005, -0.03))["sampling"].name == "augmentation"


def test_the_curves_verdicts():
    facts = ablation_of(0, 0)
    assert {k: v.name for k, v in curve_verdicts(facts).items()} == {
        "curve_speed": "same",
        "first_loss": "similar",
        "best_epoch": "same",
    }
    facts["curves"][1]["epoch_near_min"] = 5
    facts["first_loss"] = {"off": 1.06, "on": 1.0}
    facts["best_epoch_mean"] = {"aug": 5.0, "noaug": 4.0}
    assert {k: v.name for k, v in curve_verdicts(facts).items()} == {
        "curve_speed": "differ",
        "first_loss": "normalization_faster",
        "best_epoch": "augmentation_later",
    }
    facts["first_loss"] = {"off": 1.0, "on": 1.06}
    facts["best_epoch_mean"] = {"aug": 3.0, "noaug": 4.0}
    named = {k: v.name for k, v in curve_verdicts(facts).items()}
    assert named["first_loss"] == "normalization_slower"
    assert named["best_epoch"] == "augmentation_earlier"
    facts["first_loss"] = {"off": 1.04, "on": 1.0}
    assert curve_verdicts(facts)["first_loss"].name == "similar"


def _run(accuracy: float, key: str, val_loss=(1.0, 0.9)) -> SimpleNamespace:
    n = len(val_loss)
    history = {
        "loss": [1.0 - 0.1 * i for i in range(n)],
        "val_loss": list(val_loss),
        "accuracy": [0.5] * n,
        "val_accuracy": [0.5] * n,
    }
    return SimpleNamespace(metrics={"val_accuracy": accuracy}, key=key, history=history)


GRID_ACC = {  # (normalize, augment) -> accuracies over three seeds
    (False, False): [0.48, 0.50, 0.52],
    (False, True): [0.52, 0.54, 0.56],
    (True, False): [0.50, 0.52, 0.54],
    (True, True): [0.56, 0.58, 0.60],
}


def _grid(accuracies=GRID_ACC):
    return {s: [_run(a, f"{s}-{i}") for i, a in enumerate(accs)] for s, accs in accuracies.items()}


def test_cell_facts_worked_by_hand():
    names = {s: [f"run{i}" for i in range(3)] for s in ablation.SWITCHES}
    cells = ablation.cell_facts(_grid(), names)
    assert [(c["normalize"], c["augment"]) for c in cells] == list(ablation.SWITCHES)
    first = cells[0]
    assert first["mean"] == pytest.approx(0.50) and first["std"] == pytest.approx(0.02)
    assert first["accuracies"] == [0.48, 0.50, 0.52] and first["run_names"] == names[(0, 0)]
    assert first["run_keys"] == ["(False, False)-0", "(False, False)-1", "(False, False)-2"]
    one_seed = ablation.cell_facts({s: [_run(0.5, "k")] for s in ablation.SWITCHES}, names)
    assert one_seed[3]["std"] is None and one_seed[3]["mean"] == 0.5


def test_an_effect_with_and_without_its_standard_error():
    assert ablation.effect(0.03, 0.01) == {
        "delta": 0.03,
        "se": 0.01,
        "ratio": pytest.approx(3.0),
        "beyond_noise": True,
        "positive": True,
    }
    assert ablation.effect(-0.015, 0.01)["beyond_noise"] is False
    assert ablation.effect(-0.01, None) == {
        "delta": -0.01,
        "se": None,
        "ratio": None,
        "beyond_noise": None,
        "positive": False,
    }
    assert ablation.effect(0.0, 0.0) == {
        "delta": 0.0,
        "se": 0.0,
        "ratio": None,
        "beyond_noise": False,
        "positive": True,
    }


def test_effect_facts_worked_by_hand():
    # means 0.50, 0.54 (aug), 0.52 (norm), 0.58 (both); every cell's std 0.02 over 3 seeds
    cells = ablation.cell_facts(_grid(), {s: [] for s in ablation.SWITCHES})
    f = ablation.effect_facts(cells, 3)
    assert f["pooled_std"] == pytest.approx(0.02)
    se_main, se_one = 0.02 / math.sqrt(3), 0.02 * math.sqrt(2 / 3)
    norm, aug = f["normalization"], f["augmentation"]
    assert norm["without_aug"]["delta"] == pytest.approx(0.02)  # 0.52 - 0.50
    assert norm["with_aug"]["delta"] == pytest.approx(0.04)  # 0.58 - 0.54
    assert norm["main"]["delta"] == pytest.approx(0.03)
    assert aug["without_norm"]["delta"] == pytest.approx(0.04)  # 0.54 - 0.50
    assert aug["with_norm"]["delta"] == pytest.approx(0.06)  # 0.58 - 0.52
    assert aug["main"]["delta"] == pytest.approx(0.05)
    assert norm["main"]["se"] == pytest.approx(se_main) and aug["main"]["se"] == pytest.approx(
        se_main
    )
    assert norm["with_aug"]["se"] == pytest.approx(se_one)
    assert aug["without_norm"]["se"] == pytest.approx(se_one)
    single = ablation.effect_facts(
        ablation.cell_facts(
            _grid({s: [v[0]] for s, v in GRID_ACC.items()}), {s: [] for s in ablation.SWITCHES}
        ),
        1,
    )
    assert single["pooled_std"] is None and single["normalization"]["main"]["se"] is None


def test_curve_facts_worked_by_hand():
    losses = {
        (False, False): (2.0, 1.5, 1.6),  # best epoch 2
        (False, True): (2.2, 1.8, 1.4),  # 3
        (True, False): (1.6, 1.2, 1.3),  # 2
        (True, True): (1.8, 1.5, 1.1),  # 3
    }
    grid = {s: [_run(0.5, "k", v), _run(0.5, "k2", (9.0, 9.0, 9.0))] for s, v in losses.items()}
    f = ablation.curve_facts(grid, seed=7)
    assert f["first_loss"] == {"off": pytest.approx(2.1), "on": pytest.approx(1.7)}
    assert f["best_epoch_mean"] == {"noaug": 2.0, "aug": 3.0}
    assert f["near_min"] == NEAR_MIN
    first = f["curves"][1]
    assert (first["normalize"], first["augment"], first["seed"]) == (False, True, 7)
    assert first["val_loss"] == [2.2, 1.8, 1.4] and first["best_epoch"] == 3
    assert len(f["curves"]) == 4


def _ablation_facts(nm, am, se=None, n_seeds=1, sampling_se=0.01):
    norm = {k: ablation.effect(nm, se) for k in ("main", "without_aug", "with_aug")}
    aug = {k: ablation.effect(am, se) for k in ("main", "without_norm", "with_norm")}
    return {
        "noise": {"n_seeds": n_seeds, "val_sampling_se": sampling_se},
        "normalization": norm,
        "augmentation": aug,
        "methods": {"batch_norm": True},
        "curves": [{"epoch_near_min": 3}, {"epoch_near_min": 4}, {"epoch_near_min": 3}],
        "first_loss": {"off": 1.2, "on": 1.0},
        "best_epoch_mean": {"aug": 5.0, "noaug": 3.5},
    }


def test_the_ablation_verdicts_with_what_they_rest_on():
    v = ablation.ablation_verdicts(_ablation_facts(0.03, -0.01, se=0.01, n_seeds=3))
    assert v["seeds"] == Verdict("several", "seeds")
    assert v["normalization"] == Verdict("gains", "delta", 0.03, 0.01)
    assert v["augmentation"] == Verdict("costs", "delta", -0.01, 0.01)
    assert v["normalization_why"] == Verdict("unstable", "delta", 0.03)
    assert v["interaction"] == flag(False, "normalization_delta_without_x_with_augmentation")
    assert v["normalization_noise"] == Verdict(
        "beyond_noise", "abs_delta_over_se", pytest.approx(3.0), 0.01
    )
    assert v["augmentation_noise"] == Verdict(
        "within_noise", "abs_delta_over_se", pytest.approx(1.0), 0.01
    )
    assert v["sampling"] == Verdict("normalization", "larger_abs_delta", 0.03, 0.01)
    assert v["curve_speed"] == Verdict("differ", "distinct_epochs_near_min", 2.0)
    assert v["first_loss"] == Verdict(
        "normalization_faster", "first_val_loss_off_over_on", pytest.approx(1.2)
    )
    assert v["best_epoch"] == Verdict("augmentation_later", "best_epoch_aug_minus_noaug", 1.5)
    one = ablation.ablation_verdicts(_ablation_facts(0.01, 0.004))
    assert one["seeds"] == Verdict("one", "seeds")
    assert one["normalization"] == Verdict("gains", "delta", 0.01, None)
    assert one["augmentation"] == Verdict("no_difference", "delta", 0.004, None)
    assert one["normalization_why"] == Verdict("batch_norm", "delta", 0.01)
    assert one["sampling"] == Verdict("below", "larger_abs_delta", 0.01, 0.01)
    assert ablation.ablation_verdicts(_ablation_facts(-0.03, 0.0))["normalization_why"] == (
        Verdict("none", "delta", -0.03)
    )
    equal = ablation.ablation_verdicts(_ablation_facts(0.0, -0.03))["sampling"]
    assert equal == Verdict("augmentation", "larger_abs_delta", 0.03, 0.01)
    tie = ablation.ablation_verdicts(_ablation_facts(0.03, -0.03))["sampling"]
    assert tie.name == "augmentation"  # not larger: the other one


def test_a_first_loss_of_zero_has_no_ratio():
    facts = _ablation_facts(0.0, 0.0) | {"first_loss": {"off": 0.5, "on": 0.0}}
    assert ablation.curve_verdicts(facts)["first_loss"] == Verdict(
        "normalization_faster", "first_val_loss_off_over_on", None
    )


def test_the_ablation_verdicts_at_their_boundaries():
    # one seed: exactly twice the sampling error is told apart (not below)
    at = ablation.ablation_verdicts(_ablation_facts(0.02, 0.0, sampling_se=0.01))
    assert at["sampling"] == Verdict("normalization", "larger_abs_delta", 0.02, 0.01)
    assert ablation.ablation_verdicts(_ablation_facts(0.0, 0.0, n_seeds=2))["seeds"].name == (
        "several"
    )
    flat = _ablation_facts(0.01, 0.0)
    flat["normalization"]["without_aug"] = ablation.effect(0.0, None)  # no sign to change
    assert ablation.ablation_verdicts(flat)["interaction"].name == "no"


def test_the_curve_verdicts_at_their_margin_and_the_loss_ratio():
    facts = _ablation_facts(0.0, 0.0)
    facts["first_loss"] = {"off": 2.1, "on": 2.0}  # exactly 5% above: similar
    assert ablation.curve_verdicts(facts)["first_loss"] == Verdict(
        "similar", "first_val_loss_off_over_on", pytest.approx(1.05)
    )
    facts["first_loss"] = {"off": 2.0, "on": 2.1}
    assert ablation.curve_verdicts(facts)["first_loss"].name == "similar"


def test_two_seeds_have_a_spread_and_a_standard_error():
    two = {s: v[:2] for s, v in GRID_ACC.items()}  # 0.48, 0.50: std 0.01414
    cells = ablation.cell_facts(_grid(two), {s: [] for s in ablation.SWITCHES})
    assert cells[0]["std"] == pytest.approx(0.02 / math.sqrt(2))
    f = ablation.effect_facts(cells, 2)
    assert f["pooled_std"] == pytest.approx(0.02 / math.sqrt(2))
    assert f["normalization"]["main"]["se"] == pytest.approx(0.01)  # pooled / sqrt(2)
