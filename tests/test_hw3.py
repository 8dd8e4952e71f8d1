"""The HW3 question modules (q1..q4): facts helpers on hand-made data, then each section on the
tiny profile's runs (trained once per session on the synthetic faces, shared with other tests)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from reportgen.measure.facts.ablation import ablation_verdicts
from reportgen.measure.facts.confusion import (
    confused_pairs,
    confusion_facts,
    labelled_test_verdicts,
    misclassified_examples,
    normalized_confusion,
)
from reportgen.measure.facts.training import (
    best_epoch,
    epoch_near_min,
    history_facts,
    overfit_epoch,
)
from reportgen.measure.facts.training_verdicts import cnn_verdicts, dnn_verdicts
from reportgen.questions import shared_runs
from reportgen.render.blocks import Figure, Table, Text
from reportgen.runs.spec import AugmentSpec
from reportgen.words.text import class_name, join_lines, pct, render_text, thousands
from tests.helpers import answer

PNG = b"\x89PNG\r\n\x1a\n"
CJK = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------- facts: training histories


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


# ---------------------------------------------------------------- facts: confusion matrices


def hand_made_predictions() -> tuple[np.ndarray, np.ndarray]:
    """Class 3 perfect (10/10); 4 -> 6 for 6 of 10; 6 -> 4 for 3 of 10; 2 -> 5 for 4 of 8;
    5 -> 2 for 1 of 10; 0 -> 4 for 2 and 0 -> 6 for 1 of 10; class 1 has no image at all."""
    pairs = (
        [(3, 3)] * 10
        + [(4, 4)] * 4
        + [(4, 6)] * 6
        + [(6, 6)] * 7
        + [(6, 4)] * 3
        + [(2, 2)] * 4
        + [(2, 5)] * 4
        + [(5, 5)] * 9
        + [(5, 2)] * 1
        + [(0, 0)] * 7
        + [(0, 4)] * 2
        + [(0, 6)] * 1
    )
    y_true, y_pred = (np.array(x) for x in zip(*pairs, strict=True))
    return y_true, y_pred


def test_normalized_confusion_rows_sum_to_one():
    y_true, y_pred = hand_made_predictions()
    counts, matrix = normalized_confusion(y_true, y_pred)
    assert counts.sum() == len(y_true)
    sums = matrix.sum(axis=1)
    assert np.allclose(sums[[0, 2, 3, 4, 5, 6]], 1.0)
    assert sums[1] == 0  # no image of class 1
    assert matrix[4, 6] == pytest.approx(0.6)


def test_confusion_facts_best_worst_pairs_and_scores():
    from sklearn.metrics import precision_recall_fscore_support

    y_true, y_pred = hand_made_predictions()
    f = confusion_facts(y_true, y_pred)
    assert f["best_class"] == 3 and f["best_recall"] == 1.0
    assert f["worst_class"] == 4 and f["worst_recall"] == pytest.approx(0.4)  # class 1 absent
    assert [(p["true"], p["pred"]) for p in f["confused_pairs"]] == [(4, 6), (2, 5), (6, 4)]
    assert [p["count"] for p in f["confused_pairs"]] == [6, 4, 3]
    assert f["mutual_pair"] == {"a": 4, "b": 6, "a_as_b": 0.6, "b_as_a": pytest.approx(0.3)}
    p, r, f1, s = precision_recall_fscore_support(
        y_true, y_pred, labels=list(range(7)), zero_division=0
    )
    for k, row in enumerate(f["per_class"]):
        assert row["precision"] == pytest.approx(p[k])
        assert row["recall"] == pytest.approx(r[k])
        assert row["f1"] == pytest.approx(f1[k])
        assert row["support"] == s[k]
    assert f["per_class"][6]["predicted"] == 6 + 7 + 1
    assert f["errors"] == int((y_true != y_pred).sum())
    json.dumps(f)


def test_confused_pairs_are_the_largest_off_diagonal_cells():
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 20, size=(7, 7))
    matrix = counts / counts.sum(axis=1, keepdims=True)
    pairs = confused_pairs(matrix, counts)
    off = sorted(
        (matrix[i, j] for i in range(7) for j in range(7) if i != j and counts[i, j]), reverse=True
    )
    assert [p["rate"] for p in pairs] == pytest.approx(off[:3])


def test_misclassified_examples_most_confident_first():
    y_true = np.array([4, 4, 4, 6, 4])
    probs = np.full((5, 7), 0.01, dtype=np.float32)
    probs[0, 6], probs[1, 6], probs[2, 4], probs[3, 6], probs[4, 6] = 0.5, 0.9, 0.9, 0.9, 0.7
    ex = misclassified_examples(y_true, probs, [{"true": 4, "pred": 6}], per_pair=2)
    assert ex[0]["positions"] == [1, 4]
    assert ex[0]["confidences"] == pytest.approx([0.9, 0.7])


def test_join_lines_keeps_paragraphs_and_lists():
    text = "第一句，\n第二句。\n\n1. one\n2. two\n\nEnd\nhere."
    assert join_lines(text) == "第一句，第二句。\n\n1. one\n2. two\n\nEnd here.\n"
    assert join_lines("a\nb") == "a b\n"
    assert join_lines("中文\nEnglish\nwords") == "中文English words\n"


# ---------------------------------------------------------------- the sections


@pytest.fixture(scope="module")
def zh(tiny_project_factory):
    return tiny_project_factory()


@pytest.fixture(scope="module")
def en(tiny_project_factory):
    return tiny_project_factory(lang="en")


@pytest.fixture(scope="module")
def sections(zh, section_of):
    """module -> (Section, folder), computed once (zh, the default language)."""
    cache = {}

    def get(module):
        if module not in cache:
            cache[module] = section_of(zh, module)
        return cache[module]

    return get


def run_of(project, module, name):
    spec = project.module_runs(module)[name]
    return project.store.get(spec, project.data)


def blocks(section, kind):
    return [b for b in section.blocks if isinstance(b, kind)]


def assert_figures(section, folder):
    figures = blocks(section, Figure)
    assert figures
    for fig in figures:
        data = (folder / fig.file).read_bytes()
        assert data.startswith(PNG), fig.file
        assert fig.caption
    return figures


def confusion_by_hand(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """(counts, row-normalized matrix) counted pair by pair: the expected value of the
    sections' matrices, not computed by the code under test."""
    counts = np.zeros((7, 7), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        counts[int(t), int(p)] += 1
    rows = counts.sum(axis=1, keepdims=True)
    return counts, counts / np.maximum(rows, 1)


def text_of(section, part=None):
    return "\n".join(b.markdown for b in blocks(section, Text) if part is None or b.part == part)


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


def test_q3_table_cells_are_the_four_runs(zh, sections):
    section, folder = sections("q3_augmentation")
    (table,) = blocks(section, Table)
    assert len(table.rows) == 2 and len(table.header) == 3
    seeds = zh.profile.seeds
    for row, normalize in zip(table.rows, (False, True), strict=True):
        for cell, augment in zip(row[1:], (False, True), strict=True):
            accs = [
                run_of(
                    zh, "q3_augmentation", shared_runs.ablation_name(normalize, augment, s)
                ).metrics["val_accuracy"]
                for s in seeds
            ]
            assert cell.startswith(f"{100 * np.mean(accs):.1f}%")
            fact = next(
                c
                for c in section.facts["cells"]
                if (c["normalize"], c["augment"]) == (normalize, augment)
            )
            assert fact["accuracies"] == accs
    cells = {(c["normalize"], c["augment"]): c["mean"] for c in section.facts["cells"]}
    assert section.facts["augmentation"]["with_norm"]["delta"] == pytest.approx(
        cells[(True, True)] - cells[(True, False)]
    )
    if len(seeds) == 1:
        assert section.facts["noise"]["pooled_std"] is None
        assert "沒有量到" in text_of(section)
    assert_figures(section, folder)
    norm_run = run_of(zh, "q3_augmentation", shared_runs.ablation_name(True, False, seeds[0]))
    mean = float(np.asarray(norm_run.model.get_layer("normalize").mean).ravel()[0])
    assert section.facts["methods"]["norm_mean"] == pytest.approx(mean)


def test_q3_an_augmentation_parameter_retrains_only_the_runs_that_use_it(zh, sections, monkeypatch):
    from reportgen.build import train_missing
    from reportgen.progress import Reporter
    from reportgen.runs.store import RunStore

    sections("q3_augmentation")  # all four trained and cached
    before = {n: s.key(zh.data.fingerprint) for n, s in zh.module_runs("q3_augmentation").items()}
    from reportgen.runs import spec as spec_module

    monkeypatch.setattr(spec_module, "profile_augment", lambda profile: AugmentSpec(zoom=0.2))
    after = {n: s.key(zh.data.fingerprint) for n, s in zh.module_runs("q3_augmentation").items()}
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {n for n in before if "-aug+-" in n}

    trained = []

    def ensure(self, spec, data, report, label=None, on_step=None):  # what would be trained
        trained.append(spec.name)

    monkeypatch.setattr(RunStore, "ensure", ensure)
    train_missing(zh, ("q3_augmentation",), Reporter())
    assert sorted(trained) == sorted(changed)


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


@pytest.mark.parametrize("module", ["q1_cnn", "q2_dnn", "q3_augmentation", "q4_confusion"])
def test_english_renders(en, section_of, module):
    section, folder = section_of(en, module)
    text = text_of(section)
    assert text.strip() and not CJK.search(text)
    assert_figures(section, folder)
    for table in blocks(section, Table):
        assert not any(CJK.search(cell) for row in table.rows for cell in row)


# ---------------------------------------------------------------- the templates' other branches


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_templates_cover_test_sets_kaggle_overfitting_and_seeds(lang, sections):
    """Facts the tiny synthetic runs never produce: labelled test sets, Kaggle scores,
    overfitting, several seeds. The templates must render them and say the numbers."""
    from reportgen.questions import q1_cnn

    q1 = json.loads(json.dumps(sections("q1_cnn")[0].facts))
    q1["results"]["test_accuracy"] = [
        {"name": "PrivateTest", "accuracy": 0.611},
        {"name": "PublicTest", "accuracy": 0.623},
    ]
    q1["kaggle"] = q1_cnn.kaggle_facts(
        {"public": 0.6345, "private": 0.6212}, q1["results"]["val_accuracy"]
    )
    q1["history"].update(overfit_epoch=3, best_epoch=3, val_loss_rise=0.12, epochs=6)
    q1["verdicts"] = cnn_verdicts(q1)
    text = render_text(lang, "q1_cnn", q1)
    assert "PublicTest" in text and "62.3%" in text and "63.45%" in text and "62.12%" in text
    assert "12.0%" in text

    q2 = json.loads(json.dumps(sections("q2_dnn")[0].facts))
    q2["dnn"]["history"]["overfit_epoch"] = 2
    q2["cnn"]["history"]["overfit_epoch"] = 4
    q2["verdicts"] = dnn_verdicts(q2)
    assert q2["verdicts"]["overfit_order"].name == "dnn_first"
    for part in ("main", "curves"):
        assert render_text(lang, "q2_dnn", {**q2, "part": part}).strip()
    main = render_text(lang, "q2_dnn", {**q2, "part": "main"})
    earlier = "DNN 比較早開始過擬合" if lang == "zh" else "the DNN starts overfitting earlier"
    assert earlier in main

    q3 = json.loads(json.dumps(sections("q3_augmentation")[0].facts))
    q3["noise"].update(n_seeds=3, pooled_std=0.01)
    for effect in (*q3["normalization"].values(), *q3["augmentation"].values()):
        effect.update(se=0.006, ratio=abs(effect["delta"]) / 0.006)
        effect["beyond_noise"] = abs(effect["delta"]) > 0.012
    verdicts = ablation_verdicts(q3)
    text = render_text(lang, "q3_augmentation", {**q3, "verdicts": verdicts, "part": "results"})
    assert ("標準差約 1.0 個百分點" if lang == "zh" else "about 1.0 points") in text

    q4 = json.loads(json.dumps(sections("q4_confusion")[0].facts))
    q4["tests"] = [{"name": "PublicTest", **q4["val"], "n": 3589}]
    verdicts = {
        f"{name}.PublicTest": v
        for name, v in labelled_test_verdicts(q4["tests"][0], q4["val"]).items()
    }
    text = render_text(lang, "q4_confusion", {**q4, "verdicts": verdicts, "part": "tests"})
    assert "PublicTest" in text and "3,589" in text


# ---------------------------------------------------------------- labelled test sets, Kaggle


def fake_context(tmp_path, module, lang="zh", **config):
    """q1 and q4 on a hand-made run: real data with two labelled test sets (as Kaggle's
    fer2013.csv gives), and the Kaggle scores set, without training anything."""
    from reportgen import questions
    from reportgen.data.types import Dataset, LabelledImages
    from reportgen.questions.context import Context, Page
    from reportgen.runs.models import build_model, param_counts
    from reportgen.runs.run import Run
    from reportgen.runs.spec import base_run
    from reportgen.settings.config import load_config
    from reportgen.settings.profiles import PROFILES

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(120, 48, 48), dtype=np.uint8)
    labels = np.arange(120) % 7

    def probs(truth, right):
        p = rng.random((len(truth), 7)).astype(np.float32)
        keep = rng.random(len(truth)) < right
        p[keep, truth[keep]] += 2.0
        return p / p.sum(axis=1, keepdims=True)

    tests = {
        "PublicTest": LabelledImages(images[:50], labels[:50]),
        "PrivateTest": LabelledImages(images[50:90], labels[50:90]),
    }
    data = Dataset("fer2013.csv", LabelledImages(images, labels), "x", tests=tests)
    profile = PROFILES["tiny"]
    spec = base_run("cnn", profile)
    val_index = np.arange(100, 120)
    history = {
        "loss": [2.0, 1.5, 1.2, 1.0, 0.8],
        "val_loss": [1.9, 1.6, 1.5, 1.6, 1.7],
        "accuracy": [0.2, 0.4, 0.5, 0.6, 0.7],
        "val_accuracy": [0.2, 0.35, 0.4, 0.38, 0.37],
        "lr": [3e-3, 2e-3, 1e-3, 5e-4, 2e-4],
        "epoch_seconds": [1.0] * 5,
    }
    model = build_model(spec.model, 120.0, 60.0)
    test_pred = {name: probs(t.labels, 0.6) for name, t in tests.items()}
    run = Run(
        key="fake",
        path=tmp_path,
        spec=spec,
        history=history,
        metrics={
            "val_accuracy": 0.4,
            "val_accuracy_plain": 0.38,
            "tta_flip": True,
            "val_loss": 1.7,
            "best_epoch": 3,
            "epochs_run": 5,
            "train_seconds": 5.0,
            "seconds_per_epoch": 1.0,
            "params": param_counts(model),
            "precision": "float32",
            "device": "CPU (2 cores)",
            "hardware": {"kind": "cpu", "count": 2, "names": []},
            "n_train": 100,
            "n_val": 20,
            "test_accuracy": {
                n: float((p.argmax(1) == tests[n].labels).mean()) for n, p in test_pred.items()
            },
        },
        val_pred=probs(labels[val_index], 0.5),
        val_true=labels[val_index],
        val_index=val_index,
        test_pred=test_pred,
    )
    run.__dict__["model"] = model
    cfg = load_config(tmp_path, {"lang": lang, **config})
    params = questions.load(module).params(profile, cfg)
    ctx = Context(module, params, data, {"cnn": run})
    return (ctx, Page(module, lang, tmp_path / "out")), run


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
