"""What the question modules' tests check of a section: its blocks, its figures' files, its
text; and a hand-made run for q1 and q4 with labelled test sets and Kaggle scores."""

from __future__ import annotations

import re

import numpy as np

from reportgen.render.blocks import Figure, Text

HW4_MODULES = ("q5_saliency", "q6_filters", "q7_lime", "q8_gradcam")
PNG = b"\x89PNG\r\n\x1a\n"

CJK = re.compile(r"[\u4e00-\u9fff]")


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
