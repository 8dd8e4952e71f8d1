"""q3's and q4's verdicts, each decided once in reportgen/measure/facts/, checked against
hand-made facts on both sides of its threshold, with no language involved."""

from __future__ import annotations

import pytest

from reportgen.measure.facts.ablation import (
    NO_DIFFERENCE,
    SMALL_EFFECT,
    ablation_verdicts,
    curve_verdicts,
    effect,
)
from reportgen.measure.facts.confusion import (
    PRECISION_OVER_RECALL,
    SINK_SHARE,
    confusion_verdicts,
    labelled_test_verdicts,
)
from reportgen.measure.verdict import Verdict, by_threshold, count, flag


def ablation(nm: float, am: float, *, n_seeds: int = 1, se: float | None = None, bn=True):
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
    verdicts = ablation_verdicts(ablation(delta, -delta))
    assert verdicts["normalization"].name == name
    assert verdicts["augmentation"].name == {"gains": "costs", "costs": "gains"}.get(name, name)
    assert verdicts["normalization"].value == pytest.approx(delta)


def test_normalization_is_explained_by_batch_norm_only_when_small():
    assert ablation_verdicts(ablation(0.01, 0))["normalization_why"].name == "batch_norm"
    assert ablation_verdicts(ablation(0.01, 0, bn=False))["normalization_why"].name == "none"
    assert ablation_verdicts(ablation(SMALL_EFFECT, 0))["normalization_why"].name == "unstable"
    assert ablation_verdicts(ablation(-SMALL_EFFECT, 0))["normalization_why"].name == "none"


def test_switches_interact_when_normalization_changes_sign():
    facts = ablation(0.01, 0)
    assert ablation_verdicts(facts)["interaction"].name == "no"
    facts["normalization"]["with_aug"] = effect(-0.01, None)
    assert ablation_verdicts(facts)["interaction"].name == "yes"


def test_with_seeds_an_effect_is_told_apart_from_noise_by_twice_its_se():
    verdicts = ablation_verdicts(ablation(0.021, 0.019, n_seeds=3, se=0.01))
    assert verdicts["seeds"].name == "several"
    assert verdicts["normalization_noise"].name == "beyond_noise"
    assert verdicts["augmentation_noise"].name == "within_noise"
    assert verdicts["normalization_noise"].se == 0.01
    assert "normalization_noise" not in ablation_verdicts(ablation(0.03, 0))


def test_with_one_seed_the_sampling_error_decides():
    assert ablation_verdicts(ablation(0.019, -0.005))["sampling"].name == "below"
    assert ablation_verdicts(ablation(0.021, -0.005))["sampling"].name == "normalization"
    assert ablation_verdicts(ablation(0.005, -0.03))["sampling"].name == "augmentation"


def test_the_curves_verdicts():
    facts = ablation(0, 0)
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


def per_class(precision, recall, support, predicted):
    return [
        {"class": k, "precision": p, "recall": r, "support": s, "predicted": d}
        for k, (p, r, s, d) in enumerate(zip(precision, recall, support, predicted, strict=True))
    ]


def confusion(support, *, precision=None, recall=None, predicted=None, sink_share=0.2, pairs=2):
    n = len(support)
    return {
        "n": sum(support),
        "support": support,
        "worst_class": 0,
        "confused_pairs": [{}] * pairs,
        "sink": {"share_of_errors": sink_share},
        "per_class": per_class(
            precision or [0.8] * n, recall or [0.8] * n, support, predicted or [1] * n
        ),
    }


def test_the_worst_class_is_rare_below_half_an_average_class():
    # seven classes: six of 100 images and the worst; the average includes the worst
    rare = confusion([44] + [100] * 6)  # average 92, half of it 46
    usual = confusion([48] + [100] * 6)  # average 92.6, half of it 46.3
    assert confusion_verdicts(rare)["worst_is_rare"].name == "yes"
    assert confusion_verdicts(usual)["worst_is_rare"].name == "no"


def test_pairs_sink_never_predicted_and_precision_verdicts():
    v = confusion_verdicts(confusion([10] * 4, pairs=1, sink_share=SINK_SHARE + 0.01))
    assert (v["pairs"].name, v["sink_dominant"].name) == ("one", "yes")
    v = confusion_verdicts(confusion([10] * 4, pairs=3, sink_share=SINK_SHARE))
    assert (v["pairs"].name, v["sink_dominant"].name) == ("several", "no")
    facts = confusion([10] * 4, predicted=[1, 0, 0, 1], precision=[1.0, 0, 0, 1.0])
    v = confusion_verdicts(facts)
    assert (v["never_predicted"].name, v["never_predicted"].subjects) == ("several", (1, 2))
    assert v["imprecise"].name == "no"
    facts = confusion([10] * 3, precision=[0.99, 0.9, 0.5], recall=[0.5, 0.9, 0.5])
    v = confusion_verdicts(facts)
    assert v["imprecise"].name == "yes" and v["imprecise"].value == 0.5
    assert v["precise_not_recalled"].subjects == (0,)
    edge = confusion([10] * 2, precision=[0.5 + PRECISION_OVER_RECALL, 0.5], recall=[0.5, 0.5])
    assert confusion_verdicts(edge)["precise_not_recalled"].name == "none"


def test_a_labelled_test_set_agrees_and_is_larger():
    val = {"best_class": 3, "worst_class": 1, "n": 100}
    same = labelled_test_verdicts({"best_class": 3, "worst_class": 1, "n": 300}, val)
    other = labelled_test_verdicts({"best_class": 3, "worst_class": 2, "n": 100}, val)
    assert (same["agrees"].name, same["larger"].name) == ("yes", "yes")
    assert (other["agrees"].name, other["larger"].name) == ("no", "no")


def test_the_verdict_helpers():
    assert by_threshold(0.2, 0.1, ("up", "down", "flat"), "d") == Verdict("up", "d", 0.2)
    assert by_threshold(-0.1, 0.1, ("up", "down", "flat"), "d").name == "flat"
    assert flag(True).name == "yes" and flag(False).name == "no"
    assert [count(s, "n").name for s in ((), (4,), (4, 5))] == ["none", "one", "several"]
    assert (
        str(Verdict("within_noise", "delta", 0.004, 0.009))
        == "within_noise (delta 0.004, SE 0.009)"
    )
