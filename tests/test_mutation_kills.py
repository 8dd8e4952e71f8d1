"""Tests written for the mutants that survived the suite (benchmarks/bench_mutation.py): each
pins, with values worked out by hand, a behaviour of a pure module that no test checked.

By module: measure/verdict.py, settings/durations.py, runs/schedule.py, runs/plan.py,
settings/table.py, store/keys.py (content_key, ast_text), measure/facts/confusion.py and
measure/facts/ablation.py (the measuring half of q3 and q4: arrays in, numbers out).
"""

from __future__ import annotations

import ast
import hashlib
import math
import shutil
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest

from reportgen import PACKAGE_DIR
from reportgen.errors import UserError
from reportgen.measure.facts import ablation, confusion
from reportgen.measure.facts.training import NEAR_MIN
from reportgen.measure.verdict import Verdict, by_threshold, count, flag
from reportgen.runs.plan import Cost, Pace, plan_runs, role_lengths, smallest_budget
from reportgen.runs.schedule import learning_rate, warmup_steps
from reportgen.settings.durations import format_duration, parse_budget
from reportgen.settings.table import KEYS, checked, either
from reportgen.store.keys import ast_text, content_key
from tests.helpers import tiny_spec

# ---------------------------------------------------------------- measure/verdict.py


def test_verdict_text_names_what_it_rests_on_only_when_there_is_a_value():
    assert str(Verdict("yes")) == "yes"
    assert str(Verdict("gains", "delta", 0.5)) == "gains (delta 0.5)"
    assert str(Verdict("gains", "delta", None, 0.01)) == "gains"  # an SE alone says nothing
    assert str(Verdict("gains", "delta", 0.03125, 0.0123)) == "gains (delta 0.03125, SE 0.012)"


def test_verdict_helpers_keep_their_statistic_in_every_branch():
    names = ("up", "down", "flat")
    assert by_threshold(0.2, 0.1, names, "d") == Verdict("up", "d", 0.2)
    assert by_threshold(-0.2, 0.1, names, "d") == Verdict("down", "d", -0.2)
    assert by_threshold(0.05, 0.1, names, "d") == Verdict("flat", "d", 0.05)
    assert flag(True) == Verdict("yes", "", None)
    assert flag(False, "share", 0.3) == Verdict("no", "share", 0.3)
    assert count([], "n") == Verdict("none", "n", 0.0)
    assert count([np.int64(4)], "n") == Verdict("one", "n", 1.0, subjects=(4,))
    assert count([4, 5], "n") == Verdict("several", "n", 2.0, subjects=(4, 5))


# ---------------------------------------------------------------- settings/durations.py


def test_a_refused_budget_names_the_value():
    with pytest.raises(UserError, match=r'^--budget "soon": expected a time'):
        parse_budget("soon")
    with pytest.raises(UserError, match=r"^--budget 0: the budget must be more than zero"):
        parse_budget(0)


def test_a_budget_of_another_type_is_refused_even_when_its_text_would_read():
    with pytest.raises(UserError, match="expected a time"):
        parse_budget(Fraction(90, 2))  # str() is "45": still no number TOML or a flag gives


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (90, "1.5 min"),
        (594, "9.9 min"),
        (600, "10 min"),  # from ten minutes on, whole minutes
        (630, "10 min"),
        (3540, "59 min"),
        (3600, "1 h"),  # from an hour on, hours
        (3630, "1 h"),
        (5400, "1 h 30 min"),
        (7200, "2 h"),
    ],
)
def test_a_duration_for_people(seconds, text):
    assert format_duration(seconds) == text


# ---------------------------------------------------------------- runs/schedule.py


def test_the_warm_up_is_its_fraction_of_the_first_length():
    assert warmup_steps(0.05, 1000) == 50
    assert warmup_steps(0.3, 10) == 3
    assert warmup_steps(0.0, 10) == 0


def test_the_cosine_is_the_default_and_stays_at_zero_after_its_end():
    assert learning_rate(50, 1.0, 0, 100) == pytest.approx(0.5)  # half way: cos(pi/2)
    assert learning_rate(25, 1.0, 0, 100) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))
    for step in (100, 150, 200, 300):  # a step past the end (a run shortened) is at zero
        assert learning_rate(step, 1.0, 0, 100) == pytest.approx(0.0, abs=1e-15)


# ---------------------------------------------------------------- runs/plan.py


def test_a_re_plan_always_leaves_one_more_epoch():
    pace = Pace(lambda done, seconds: 0, "45m", 2700.0, 0.6, epochs=10)
    assert pace.replan(3, [1.0, 1.0, 1.0]) == 4 and pace.epochs == 4
    longer = Pace(lambda done, seconds: 9, "45m", 2700.0, 0.6)
    assert longer.replan(3, []) == 9
    assert pace.describe() == {"text": "45m", "seconds": 2700.0, "share": 0.6}


ROLES = {"a": "cnn", "b": "dnn", "c": "ablation"}
SHARES = {"a": 0.6, "b": 0.1, "c": 0.3}


def specs() -> dict:
    return {k: tiny_spec(k, role=role) for k, role in ROLES.items()}


def costs(scale: float = 1.0) -> dict[str, Cost]:
    base = {"a": Cost(epoch=10, fixed=5), "b": Cost(epoch=2, fixed=1), "c": Cost(epoch=4, fixed=2)}
    return {k: Cost(epoch=c.epoch * scale, fixed=c.fixed * scale) for k, c in base.items()}


def test_the_smallest_budget_worked_by_hand():
    # a's role is fixed at 2 epochs: 5 + 2 x 10 = 25 s. b and c share the other 0.4:
    # b needs 3 s / 0.1 = 30, so 30 x 0.4 + 25 = 37; c needs 6 / 0.3 = 20, 20 x 0.4 + 25 = 33.
    # 1.2 x 37 / 0.95 = 46.74
    assert smallest_budget(specs(), SHARES, costs(), {"a": 2}) == pytest.approx(1.2 * 37 / 0.95)
    assert smallest_budget(specs(), SHARES, costs(), {"a": 2}, spent=10.0) == pytest.approx(
        1.2 * 47 / 0.95
    )
    # nothing fixed: the largest of 15 / 0.6 = 25, 3 / 0.1 = 30, 6 / 0.3 = 20
    assert smallest_budget(specs(), SHARES, costs()) == pytest.approx(1.2 * 30 / 0.95)
    # under a second: 0.3 / 0.1 = 3 s ... x 0.01: 0.3 s
    assert smallest_budget(specs(), SHARES, costs(0.01)) == pytest.approx(1.2 * 0.3 / 0.95)


def test_a_refusal_with_a_fixed_run_names_the_budget_that_counts_it():
    # in minutes: the worked example above x 60 s: 1.2 x 37 x 60 / 0.95 = 2804 s: 47m
    with pytest.raises(UserError, match=r"^--budget 20m is too small .*--budget 47m works here$"):
        plan_runs(specs(), SHARES, costs(60), 1200.0, None, {"a": 2}, "20m")
    with pytest.raises(UserError, match=r"^the budget is too small .* works here$"):
        plan_runs(specs(), SHARES, costs(60), 1200.0, None, {"a": 2})


def test_a_plan_made_again_shares_what_the_fixed_runs_leave():
    # training 95 s; a fixed at 2 epochs takes 25 s; b and c share 70 s in proportion:
    # scale 70 / 0.4 = 175; b: 0.1 x 175 - 1 = 16.5 s, 16.5 / 2 = 8 epochs;
    # c: 0.3 x 175 - 2 = 50.5 s, 50.5 / 4 = 12 epochs
    plan = plan_runs(specs(), SHARES, costs(), 100.0, None, {"a": 2}, capped=False)
    assert {r.key: r.spec.epochs for r in plan.runs} == {"a": 2, "b": 8, "c": 12}
    assert [r.key for r in plan.runs] == ["a", "c", "b"]  # the largest share first
    assert plan.epochs("c") == 12 and plan.budget == 100.0
    assert plan.envelope == pytest.approx(25 + 0.4 * 175)


def test_a_plan_with_no_time_left_gives_one_epoch_each_and_no_envelope():
    plan = plan_runs(specs(), SHARES, costs(), 100.0, -10.0, strict=False)
    assert {r.key: r.spec.epochs for r in plan.runs} == {"a": 1, "b": 1, "c": 1}
    assert plan.envelope == 0.0


def test_one_role_without_room_refuses_the_plan_whatever_the_others():
    # a's role first (dict order) has room for 0.6 x 95 = 57 s: fine; b's 9.5 s - 1 = 8.5 s
    # is 4 epochs; c's 28.5 - 2 = 26.5 is 6: all fit. With c's epochs at 30 s it does not.
    ok = plan_runs(specs(), SHARES, costs(), 100.0)
    assert {r.key: r.spec.epochs for r in ok.runs} == {"a": 5, "b": 4, "c": 6}
    slow_c = {**costs(), "c": Cost(epoch=30, fixed=2)}
    with pytest.raises(UserError):
        plan_runs({k: specs()[k] for k in ("c", "a")}, SHARES, slow_c, 100.0)


def test_a_fixed_run_keeps_its_own_length_and_its_role_s_others_take_the_first():
    two = {"a": tiny_spec("a"), "x": tiny_spec("x"), "y": tiny_spec("y")}  # all of role cnn
    assert role_lengths(two, {"a": 3, "x": 5}) == {"a": 3, "x": 5, "y": 3}
    assert role_lengths(two, {"elsewhere": 4}) == {}


# ---------------------------------------------------------------- settings/table.py


def test_either_joins_names_as_a_sentence():
    assert either(("a", "b", "c")) == "a, b or c"
    assert either(("a", "b")) == "a or b"
    assert either(("a",)) == "a"


def test_a_course_template_file_is_taken_and_a_missing_one_refused(tmp_path):
    template = KEYS[("report", "template")]
    mine = tmp_path / "mine.toml"
    shutil.copy(PACKAGE_DIR / "templates" / "courses" / "ml2019-hw3.toml", mine)
    assert checked(template, str(mine), "template") == str(mine)
    with pytest.raises(UserError, match=r"^template: no such file$"):
        checked(template, str(tmp_path / "missing.toml"), "template")
    with pytest.raises(UserError) as refused:
        checked(template, "ml1999", "template")
    listed = str(refused.value).removeprefix("template: expected one of ")
    assert listed.endswith(", or a .toml file") and "ml2019-hw3, " in listed


# ---------------------------------------------------------------- store/keys.py


def test_content_key_is_sha256_of_canonical_json_worked_by_hand():
    text = '{"a":"\\u00e9","b":[1,2],"kind":"runs"}'  # sorted keys, no spaces, ASCII escapes
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert content_key("runs", {"b": [1, 2], "a": "é"}) == digest[:16]
    assert content_key("runs", {"a": "é", "b": [1, 2]}, length=8) == digest[:8]
    assert content_key("other", {"b": [1, 2], "a": "é"}) != digest[:16]


def test_ast_text_leaves_out_empty_fields_and_joins_lists():
    node = ast.parse("f(a, *b, k=0)").body[0]
    assert ast_text(node) == (
        "Expr(value=Call(func=Name(id='f', ctx=Load()), args=[Name(id='a', ctx=Load()), "
        "Starred(value=Name(id='b', ctx=Load()), ctx=Load())], keywords=[keyword(arg='k', "
        "value=Constant(value=0))]))"
    )
    assert ast_text(ast.parse("g()").body[0]) == "Expr(value=Call(func=Name(id='g', ctx=Load())))"
    assert ast_text([]) == "[]" and ast_text(0) == "0" and ast_text("s") == "'s'"


# ---------------------------------------------------------------- measure/facts/confusion.py

Y_TRUE = np.array([0, 0, 1, 1, 1, 2])
Y_PRED = np.array([0, 1, 1, 1, 0, 2])


def test_the_normalized_confusion_worked_by_hand():
    counts, matrix = confusion.normalized_confusion(Y_TRUE, Y_PRED, n_classes=4)
    assert counts.tolist() == [[1, 1, 0, 0], [1, 2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    expected = [[0.5, 0.5, 0, 0], [1 / 3, 2 / 3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    np.testing.assert_allclose(matrix, expected)  # an absent class: a row of zeros


def test_the_confusion_facts_worked_by_hand():
    f = confusion.confusion_facts(Y_TRUE, Y_PRED, n_classes=4)
    assert (f["n"], f["errors"], f["n_present"]) == (6, 2, 3)
    assert f["accuracy"] == pytest.approx(4 / 6)
    assert f["support"] == [2, 3, 1, 0]
    assert (f["best_class"], f["best_recall"], f["worst_class"], f["worst_recall"]) == (
        2,
        1.0,
        0,
        0.5,
    )
    assert f["confused_pairs"] == [
        {"true": 0, "pred": 1, "rate": 0.5, "count": 1, "pair": "0-1"},
        {"true": 1, "pred": 0, "rate": pytest.approx(1 / 3), "count": 1, "pair": "0-1"},
    ]
    assert f["mutual_pair"] == {"a": 0, "b": 1, "a_as_b": 0.5, "b_as_a": pytest.approx(1 / 3)}
    rows = [(r["class"], r["support"], r["predicted"], r["wrong_share"]) for r in f["per_class"]]
    assert rows == [
        (0, 2, 2, 0.5),
        (1, 3, 3, pytest.approx(1 / 3)),
        (2, 1, 1, 0.0),
        (3, 0, 0, None),
    ]
    np.testing.assert_allclose([r["precision"] for r in f["per_class"]], [0.5, 2 / 3, 1, 0])
    np.testing.assert_allclose([r["recall"] for r in f["per_class"]], [0.5, 2 / 3, 1, 0])
    np.testing.assert_allclose([r["f1"] for r in f["per_class"]], [0.5, 2 / 3, 1, 0])
    assert f["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 1) / 3)  # over the classes present
    # classes 0 and 1 each draw one wrong prediction: the first is the sink
    assert f["sink"] == {"class": 0, "count": 1, "share_of_errors": 0.5, "precision": 0.5}


def test_no_errors_no_sink_and_no_pairs():
    f = confusion.confusion_facts(np.array([0, 1, 2]), np.array([0, 1, 2]))
    assert f["sink"] is None and f["confused_pairs"] == [] and f["mutual_pair"] is None
    assert f["accuracy"] == 1.0 and f["errors"] == 0


def test_confused_pairs_largest_first_ties_by_count_then_cell_at_most_three():
    counts = np.array([[5, 1, 4, 0], [2, 5, 0, 0], [0, 3, 3, 0], [0, 0, 6, 6]])
    matrix = np.array(
        [[0.5, 0.1, 0.4, 0], [0.2857, 0.7143, 0, 0], [0, 0.5, 0.5, 0], [0, 0, 0.5, 0.5]]
    )
    pairs = confusion.confused_pairs(matrix, counts)
    assert [(p["true"], p["pred"], p["count"]) for p in pairs] == [(3, 2, 6), (2, 1, 3), (0, 2, 4)]
    assert [p["pair"] for p in pairs] == ["2-3", "1-2", "0-2"]
    assert len(confusion.confused_pairs(matrix, counts, top=5)) == 5
    assert confusion.confused_pairs(matrix, np.eye(4, dtype=int)) == []  # no image: no pair


def test_a_mutual_pair_needs_both_directions_among_the_top():
    one_way = [{"true": 0, "pred": 1}, {"true": 2, "pred": 1}]
    assert confusion._mutual(one_way, np.zeros((3, 3))) is None
    matrix = np.array([[0, 0.2, 0], [0, 0, 0.3], [0, 0.4, 0]])
    both = [{"true": 0, "pred": 1}, {"true": 2, "pred": 1}, {"true": 1, "pred": 2}]
    assert confusion._mutual(both, matrix) == {"a": 2, "b": 1, "a_as_b": 0.4, "b_as_a": 0.3}


def test_misclassified_examples_most_confident_first_then_by_position():
    y_true = np.array([0, 0, 0, 0, 1, 0])
    probs = np.array(
        [
            [0.2, 0.8, 0.0],  # 0 as 1, 0.8
            [0.9, 0.1, 0.0],  # right
            [0.1, 0.9, 0.0],  # 0 as 1, 0.9
            [0.2, 0.8, 0.0],  # 0 as 1, 0.8 (after position 0)
            [0.0, 1.0, 0.0],  # right
            [0.3, 0.3, 0.4],  # 0 as 2
        ]
    )
    pairs = [{"true": 0, "pred": 1}, {"true": 0, "pred": 2}, {"true": 1, "pred": 0}]
    got = confusion.misclassified_examples(y_true, probs, pairs, per_pair=2)
    assert got[0] == {"true": 0, "pred": 1, "positions": [2, 0], "confidences": [0.9, 0.8]}
    assert got[1] == {"true": 0, "pred": 2, "positions": [5], "confidences": [0.4]}
    assert got[2] == {"true": 1, "pred": 0, "positions": [], "confidences": []}


def _val(**changes):
    """Validation facts by hand: 4 classes of 10, 10, 10 and 4 images (average 8.5)."""
    per_class = [
        {"class": 0, "precision": 0.9, "recall": 0.6, "support": 10, "predicted": 7},
        {"class": 1, "precision": 0.5, "recall": 0.7, "support": 10, "predicted": 14},
        {"class": 2, "precision": 0.0, "recall": 0.0, "support": 10, "predicted": 0},
        {"class": 3, "precision": 1.0, "recall": 0.5, "support": 4, "predicted": 2},
    ]
    facts = {
        "n": 34,
        "support": [10, 10, 10, 4],
        "worst_class": 3,
        "confused_pairs": [{}, {}],
        "sink": {"share_of_errors": 0.4},
        "per_class": per_class,
    }
    return facts | changes


def test_the_confusion_verdicts_with_what_they_rest_on():
    v = confusion.confusion_verdicts(_val())
    assert v["worst_is_rare"] == flag(True, "worst_support_over_average", 4 / 8.5)
    assert v["pairs"] == count([0, 1], "confused_pairs")
    assert v["sink_dominant"] == flag(True, "sink_share_of_errors", 0.4)
    assert v["never_predicted"] == count([2], "never_predicted")
    assert v["imprecise"] == flag(True, "lowest_precision", 0.5)  # of the classes predicted
    assert v["precise_not_recalled"] == count([0, 3], "precision_minus_recall")  # 0.3, 0.5
    quiet = confusion.confusion_verdicts(_val(sink=None, worst_class=0))
    assert quiet["sink_dominant"] == flag(False, "sink_share_of_errors", None)
    assert quiet["worst_is_rare"] == flag(False, "worst_support_over_average", 10 / 8.5)


def test_a_labelled_test_set_against_the_validation_set_with_its_statistics():
    val = {"best_class": 3, "worst_class": 1, "n": 100}
    v = confusion.labelled_test_verdicts({"best_class": 3, "worst_class": 1, "n": 250}, val)
    assert v == {
        "agrees": flag(True, "same_best_and_worst_class"),
        "larger": flag(True, "test_n_over_val_n", 2.5),
    }
    worst = confusion.labelled_test_verdicts({"best_class": 3, "worst_class": 2, "n": 50}, val)
    assert worst["agrees"].name == "no" and worst["larger"] == flag(False, "test_n_over_val_n", 0.5)
    best = confusion.labelled_test_verdicts({"best_class": 0, "worst_class": 1, "n": 100}, val)
    assert best["agrees"].name == "no" and best["larger"].name == "no"


# ---------------------------------------------------------------- measure/facts/ablation.py


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


# ---------------------------------------------------------------- the second round: boundaries


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


def test_the_worst_and_the_sink_are_found_wherever_they_are():
    # class 0 always right; class 1 half right, its misses predicted as 2; class 2 right
    y_true = np.array([0, 0, 1, 1, 1, 1, 2, 2])
    y_pred = np.array([0, 0, 1, 1, 2, 2, 2, 2])
    f = confusion.confusion_facts(y_true, y_pred, n_classes=3)
    assert (f["worst_class"], f["worst_recall"]) == (1, 0.5)
    assert (f["best_class"], f["best_recall"]) == (0, 1.0)  # the first of the ties
    assert f["counts"] == [[2, 0, 0], [0, 2, 2], [0, 0, 2]]
    assert f["matrix"] == [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]]
    assert [r["predicted"] for r in f["per_class"]] == [2, 2, 4]  # column sums
    assert [r["support"] for r in f["per_class"]] == [2, 4, 2]  # row sums
    assert f["sink"] == {"class": 2, "count": 2, "share_of_errors": 1.0, "precision": 0.5}


def test_confusion_facts_warn_of_nothing_when_a_class_is_never_predicted():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scikit-learn's UndefinedMetricWarning included
        f = confusion.confusion_facts(np.array([0, 1, 2]), np.array([0, 0, 0]), n_classes=3)
    assert [r["precision"] for r in f["per_class"]] == [pytest.approx(1 / 3), 0.0, 0.0]


def test_confused_pairs_tie_on_rate_by_count_then_by_cell():
    counts = np.array([[4, 0, 0, 1], [0, 5, 5, 0], [2, 0, 2, 0], [0, 0, 0, 1]])
    matrix = np.array([[0.8, 0, 0, 0.2], [0, 0.5, 0.5, 0], [0.5, 0, 0.5, 0], [0, 0, 0, 1.0]])
    got = [(p["true"], p["pred"]) for p in confusion.confused_pairs(matrix, counts)]
    assert got == [(1, 2), (2, 0), (0, 3)]  # 0.5 with 5 images, 0.5 with 2, then 0.2
    same = np.array([[8, 0, 0, 2], [0, 8, 2, 0], [0, 0, 10, 0], [0, 0, 0, 10]])
    tie = confusion.confused_pairs(same / 10.0, same)
    assert [(p["true"], p["pred"]) for p in tie] == [(0, 3), (1, 2)]  # by the true class first


def test_the_rare_worst_class_is_below_half_an_average_class_not_at_it():
    val = _val(
        n=16,
        support=[4, 12],
        worst_class=0,
        per_class=[
            {"class": 0, "precision": 1.0, "recall": 0.5, "support": 4, "predicted": 2},
            {"class": 1, "precision": 0.9, "recall": 0.9, "support": 12, "predicted": 14},
        ],
    )
    assert confusion.confusion_verdicts(val)["worst_is_rare"] == flag(
        False, "worst_support_over_average", 0.5
    )


def test_nothing_predicted_is_not_imprecise():
    never = [dict(row, predicted=0) for row in _val()["per_class"]]
    verdict = confusion.confusion_verdicts(_val(per_class=never))["imprecise"]
    assert verdict == flag(False, "lowest_precision", None)


def test_the_smallest_budget_of_the_runs_left_when_others_are_cached():
    # only b and c are missing (a is cached): their shares add to 0.4, nothing fixed; b's
    # role alone needs 3 s / 0.1 = 30 s of a budget's training time
    left = {k: s for k, s in specs().items() if k != "a"}
    assert smallest_budget(left, SHARES, costs()) == pytest.approx(1.2 * 30 / 0.95)
