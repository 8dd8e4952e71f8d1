"""The student's own model (--model): an architecture file trained here, or a model trained
elsewhere (.keras, with or without its history: reportgen/runs/imported.py), through the whole
report; and each bad input refused in one line, exit 2, nothing written, the student's code run
fenced (reportgen/runs/fence.py).

Two models stand for what students write: a Sequential net that ends in a softmax
activation and has oddly named layers (some with the names of reportgen's own layers), and a
small residual net with global average pooling, trained and saved by the tests (once per
session, shared by the xdist workers) as a .keras file with its history.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock

from reportgen.cli.main import main
from reportgen.errors import UserError
from reportgen.runs.history import read_history
from reportgen.runs.own import own_model
from tests.helpers import share_runs, shared_dir

FLAGS = ["--student-id", "R05942017", "--profile", "tiny", "--quiet"]

ODD_SEQUENTIAL = """\
import keras
from keras import layers


def build_model(input_shape, num_classes):
    return keras.Sequential(
        [
            keras.Input(input_shape),
            layers.Conv2D(8, 3, padding="same", activation="relu", name="1st-Conv"),
            layers.MaxPooling2D(name="probs"),
            layers.Conv2D(16, 3, padding="same", name="Conv.B"),
            layers.BatchNormalization(name="normalize"),
            layers.ReLU(name="relu>b"),
            layers.MaxPooling2D(),
            layers.Flatten(name="FLAT"),
            layers.Dense(24, activation="relu", name="hidden.1"),
            layers.Dropout(0.3),
            layers.Dense(num_classes, name="scores"),
            layers.Activation("softmax", name="the-end"),
        ]
    )
"""

RESNET = """\
import keras
from keras import layers


def block(x, filters, name):
    shortcut = x
    if x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, name=f"{name}_proj")(x)
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_a")(x)
    y = layers.BatchNormalization(name=f"{name}_bn")(y)
    y = layers.ReLU(name=f"{name}_relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_b")(y)
    y = layers.Add(name=f"{name}_add")([shortcut, y])
    return layers.ReLU(name=f"{name}_out")(y)


def build_model(input_shape, num_classes):
    inputs = keras.Input(input_shape)
    x = layers.Rescaling(1 / 255, name="scale")(inputs)
    x = layers.Conv2D(8, 3, strides=2, padding="same", name="stem")(x)
    x = block(x, 8, "res1")
    x = layers.MaxPooling2D(name="pool1")(x)
    x = block(x, 16, "res2")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="small_resnet")
"""


def load_source(path: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"test_model_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def models(tmp_path_factory):
    """The two model files, and the residual net trained on the tiny profile's data and saved
    as res.keras with its history as JSON and as CSVLogger's CSV (made once per session)."""
    folder = shared_dir(tmp_path_factory, "own-models")
    with FileLock(str(folder) + ".lock"):
        if not (folder / "res.keras").exists():
            _make_models(folder)
    return folder


def _make_models(folder: Path) -> None:
    import keras

    from reportgen.data.synthetic import synthetic_dataset
    from reportgen.settings.profiles import PROFILES

    (folder / "odd.py").write_text(ODD_SEQUENTIAL, encoding="utf-8")
    (folder / "res.py").write_text(RESNET, encoding="utf-8")
    keras.utils.set_random_seed(0)
    model = load_source(folder / "res.py").build_model((48, 48, 1), 7)
    model.compile(
        keras.optimizers.Adam(2e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    data = synthetic_dataset(PROFILES["tiny"].synthetic_images, seed=0)
    history = model.fit(
        data.train.images[..., None].astype("float32"),
        data.train.labels,
        epochs=3,
        batch_size=64,
        validation_split=0.2,
        verbose=0,
        callbacks=[keras.callbacks.CSVLogger(str(folder / "history.csv"))],
    )
    (folder / "history.json").write_text(json.dumps(history.history), encoding="utf-8")
    model.save(folder / "res.keras")


# ------------------------------------------------------------------------- histories


def test_a_history_reads_alike_from_json_and_csvlogger(models):
    from_json = read_history(models / "history.json")
    from_csv = read_history(models / "history.csv")
    assert set(from_json) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    for name, values in from_json.items():
        np.testing.assert_allclose(from_csv[name], values, rtol=1e-5)
    assert len(from_json["loss"]) == 3


def test_old_keras_names_of_accuracy_are_read(tmp_path):
    path = tmp_path / "h.json"
    old = {"loss": [2, 1], "acc": [0.2, 0.4], "val_loss": [2, 1.5], "val_acc": [0.2, 0.3]}
    path.write_text(json.dumps(old))
    assert read_history(path)["val_accuracy"] == [0.2, 0.3]


CSV_HEADER = "epoch,accuracy,loss,val_accuracy,val_loss\n"
BAD_HISTORIES = {
    "lengths": (
        '{"loss": [2, 1], "accuracy": [0.1, 0.2], "val_loss": [2], "val_accuracy": [0.1]}',
        "different lengths",
    ),
    "no val": ('{"loss": [2, 1], "accuracy": [0.1, 0.2]}', "no val_loss, val_accuracy"),
    "text": (
        '{"loss": ["x"], "accuracy": [0.1], "val_loss": [2], "val_accuracy": [0.1]}',
        "not a number",
    ),
    "appended": (CSV_HEADER + "0,0.1,2,0.1,2\n0,0.2,1,0.2,1.5\n", "0, 1, 2"),
    "ragged": (CSV_HEADER + "0,0.1,2,0.1\n", "row 2"),
    "neither": ("hello\n", "neither"),
    "empty": ('{"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}', "no epoch"),
}


@pytest.mark.parametrize("case", BAD_HISTORIES)
def test_a_bad_history_is_refused_naming_the_file(tmp_path, case):
    text, needle = BAD_HISTORIES[case]
    path = tmp_path / "history.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=r"history\.txt") as err:
        read_history(path)
    assert needle in str(err.value)


# ------------------------------------------------------------------------- run keys


def test_the_run_key_follows_the_file_s_content_not_its_place(tmp_path, models):
    from reportgen.questions.shared_runs import ablation_runs, cnn_run, dnn_run
    from reportgen.settings.config import load_config
    from reportgen.settings.profiles import PROFILES

    profile = PROFILES["tiny"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(models / "odd.py", tmp_path / "a" / "m.py")
    shutil.copy(models / "odd.py", tmp_path / "b" / "other.py")

    def keys(root, model, **more):
        config = load_config(root, {"profile": "tiny", "model": model, **more})
        specs = [cnn_run(profile, config), dnn_run(profile, config)]
        specs += list(ablation_runs(profile, config).values())
        return [s.key("fp") for s in specs]

    here = keys(tmp_path / "a", "m.py")
    assert keys(tmp_path / "b", "other.py") == here
    assert keys(tmp_path, str(tmp_path / "a" / "m.py")) == here
    assert here[0] != cnn_run(profile, load_config(tmp_path, {"profile": "tiny"})).key("fp")
    with open(tmp_path / "a" / "m.py", "a", encoding="utf-8") as f:
        f.write("# a comment is a change too\n")
    assert all(a != b for a, b in zip(keys(tmp_path / "a", "m.py"), here, strict=True))
    # a trained model's history is its run's alone: the runs that train keep their keys
    with_json = keys(models, "res.keras", history="history.json")
    with_csv = keys(models, "res.keras", history="history.csv")
    assert with_json[0] != with_csv[0] and with_json[1:] == with_csv[1:]


@pytest.mark.parametrize(
    ("model", "more", "needle"),
    [
        ("model.h5", {}, "model.save('my_model.keras')"),
        ("missing.py", {}, "no such file"),
        ("odd.py", {"history": "history.json"}, "--history goes with a trained model"),
        ("odd.py", {"model_input": "0-1"}, "--model-input goes with a trained model"),
        ("res.keras", {"history": "nowhere.json"}, "no such file"),
    ],
)
def test_model_settings_are_checked_before_anything_runs(models, model, more, needle):
    with pytest.raises(UserError, match=r"^--") as err:
        own_model(model, models, more.get("history", ""), more.get("model_input", "0-255"))
    assert needle in str(err.value)


# ---------------------------------------------------------------- the model in the contract


def _spec(models, name, **more):
    from reportgen.questions.shared_runs import cnn_run, dnn_run
    from reportgen.settings.config import load_config
    from reportgen.settings.profiles import PROFILES

    config = load_config(models, {"profile": "tiny", "model": name, **more})
    return cnn_run(PROFILES["tiny"], config), dnn_run(PROFILES["tiny"], config)


def test_a_sequential_model_ending_in_softmax_keeps_its_odd_names(models):
    from reportgen.runs.models import build_model, param_counts

    cnn_spec, dnn_spec = _spec(models, "odd.py")
    model = build_model(cnn_spec.model, 120.0, 60.0)
    names = [layer.name for layer in model.layers]
    assert names[:3] == ["pixels", "normalize", "1st-Conv"]
    assert {"probs_1", "Conv.B", "normalize_1", "relu>b", "FLAT", "hidden.1"} <= set(names)
    assert names[-3:] == ["scores", "logits", "probs"]  # the softmax taken off, its input kept
    assert model.get_layer("scores").get_config()["activation"] == "linear"
    assert model.get_layer("probs").dtype_policy.name == "float32"
    own = load_source(models / "odd.py").build_model((48, 48, 1), 7).count_params()
    assert param_counts(model)["total"] == own
    dnn = param_counts(build_model(dnn_spec.model, 120.0, 60.0))["total"]
    assert abs(dnn - own) / own < 0.05


def test_a_trained_model_predicts_in_the_contract_as_its_file_does(models, tmp_path):
    import keras

    from reportgen.runs.models import build_model

    spec, _ = _spec(models, "res.keras")
    assert spec.imported and not spec.normalize and not spec.tta_flip
    wrapped = build_model(spec.model)
    assert [layer.name for layer in wrapped.layers][-3:] == ["predictions", "logits", "probs"]
    wrapped.save(tmp_path / "w.keras")
    reloaded = keras.saving.load_model(tmp_path / "w.keras", safe_mode=True)
    own = keras.saving.load_model(models / "res.keras", safe_mode=True)
    x = np.random.default_rng(0).integers(0, 256, (5, 48, 48, 1)).astype("float32")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), own.predict(x, verbose=0), atol=1e-5)
    # its architecture with fresh weights: what q3's runs train
    fresh = build_model(replace(spec.model, user=replace(spec.model.user, weights="fresh")))
    assert fresh.count_params() == own.count_params()
    assert not np.allclose(fresh.predict(x, verbose=0), own.predict(x, verbose=0), atol=1e-3)


def test_the_starter_is_reportgen_s_full_cnn(tmp_path):
    from reportgen.project.starter import write_starter
    from reportgen.runs.models import build_model, cnn_params
    from reportgen.runs.spec import base_run
    from reportgen.runs.spec import own_model as own_spec
    from reportgen.settings.profiles import PROFILES

    assert write_starter(tmp_path, "models/my_cnn.py")
    assert not write_starter(tmp_path, "models/my_cnn.py")  # never overwrites
    profile = PROFILES["full"]
    ours = base_run("cnn", profile).model
    user = own_model("models/my_cnn.py", tmp_path).architecture
    theirs = build_model(own_spec(profile, user, "cnn"), 120.0, 60.0)
    mine = build_model(ours, 120.0, 60.0)
    assert theirs.count_params() == mine.count_params() == cnn_params(ours)
    assert [(lyr.name, type(lyr).__name__) for lyr in theirs.layers] == [
        (lyr.name, type(lyr).__name__) for lyr in mine.layers
    ]
    rates = [
        [round(lyr.rate, 6) for lyr in m.layers if hasattr(lyr, "rate")] for m in (theirs, mine)
    ]
    assert rates[0] == rates[1]


# ------------------------------------------------------------------------- bad input

BAD_PY = {
    "no build_model": ("import keras\n\ndef make():\n    pass\n", "no function build_model"),
    "raises": (
        "import keras\n\n\ndef build_model(input_shape, num_classes):\n"
        "    raise ValueError('my bug')\n",
        "bad.py, line 5: build_model raised ValueError: my bug",
    ),
    "syntax": (
        "def build_model(input_shape, num_classes)\n    pass\n",
        "bad.py, line 1: SyntaxError",
    ),
    "input": (
        "import keras\nfrom keras import layers\n\n\ndef build_model(input_shape, num_classes):\n"
        "    i = keras.Input((32, 32, 3))\n"
        "    x = layers.Flatten()(layers.Conv2D(4, 3)(i))\n"
        "    return keras.Model(i, layers.Dense(num_classes)(x))\n",
        "it must take (48, 48, 1)",
    ),
    "classes": (
        "import keras\nfrom keras import layers\n\n\ndef build_model(input_shape, num_classes):\n"
        "    i = keras.Input(input_shape)\n"
        "    x = layers.Flatten()(layers.Conv2D(4, 3)(i))\n"
        "    return keras.Model(i, layers.Dense(10, activation='softmax')(x))\n",
        "it must output 7 classes",
    ),
    "lambda": (
        "import keras\nfrom keras import layers\n\n\ndef build_model(input_shape, num_classes):\n"
        "    i = keras.Input(input_shape)\n"
        "    x = layers.Lambda(lambda t: t / 255)(i)\n"
        "    x = layers.Flatten()(layers.Conv2D(4, 3)(x))\n"
        "    return keras.Model(i, layers.Dense(num_classes)(x))\n",
        "is a Lambda layer",
    ),
    "custom": (
        "import keras\nfrom keras import layers\n\n\nclass Twice(layers.Layer):\n"
        "    def call(self, x):\n        return 2 * x\n\n\n"
        "def build_model(input_shape, num_classes):\n"
        "    i = keras.Input(input_shape)\n"
        "    x = layers.Flatten()(layers.Conv2D(4, 3)(Twice()(i)))\n"
        "    return keras.Model(i, layers.Dense(num_classes)(x))\n",
        "is a custom layer (Twice)",
    ),
    "no conv": (
        "import keras\nfrom keras import layers\n\n\ndef build_model(input_shape, num_classes):\n"
        "    return keras.Sequential([keras.Input(input_shape), layers.Flatten(),\n"
        "                             layers.Dense(num_classes, activation='softmax')])\n",
        "no Conv2D layer",
    ),
}


def refused(capsys, root: Path, argv: list[str], given: set[str]) -> str:
    """The build exits 2 with one line and writes nothing into the project."""
    assert main(["build", *FLAGS, *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    assert {p.name for p in root.iterdir()} == given  # no runs/, build/, Report.pdf
    return err[0]


@pytest.mark.parametrize("case", BAD_PY)
def test_a_bad_architecture_file_is_one_line(project, capsys, case):
    source, needle = BAD_PY[case]
    (project / "bad.py").write_text(source, encoding="utf-8")
    line = refused(capsys, project, ["--model", "bad.py"], {"bad.py"})
    assert needle in line and "bad.py" in line


def test_debug_shows_where_build_model_raised(project, capsys):
    (project / "bad.py").write_text(BAD_PY["raises"][0], encoding="utf-8")
    assert main(["build", *FLAGS, "--model", "bad.py", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "my bug" in err and 'bad.py", line 5' in err


def _saved(path: Path, extra) -> None:
    import keras

    i = keras.Input((48, 48, 1))
    x = keras.layers.Flatten()(keras.layers.Conv2D(4, 3)(extra(i)))
    keras.Model(i, keras.layers.Dense(7)(x)).save(path)


class _Twice:  # a custom layer class, made when keras is imported
    @staticmethod
    def layer():
        import keras

        class Twice(keras.layers.Layer):
            def call(self, x):
                return 2 * x

        return Twice()


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("garbage", "does not load"),
        ("lambda", "has a Lambda layer"),
        ("custom", "has a custom layer (Twice)"),
    ],
)
def test_a_bad_keras_file_is_one_line(project, capsys, case, needle):
    import keras

    path = project / "bad.keras"
    if case == "garbage":
        path.write_bytes(b"not a model")
    elif case == "lambda":
        _saved(path, keras.layers.Lambda(lambda t: t / 255))
    else:
        _saved(path, _Twice.layer())
    line = refused(capsys, project, ["--model", "bad.keras"], {"bad.keras"})
    assert needle in line and "bad.keras" in line


def test_a_bad_history_is_one_line(project, capsys, models):
    shutil.copy(models / "res.keras", project / "res.keras")
    text = '{"loss": [2, 1], "accuracy": [0.1, 0.2], "val_loss": [2], "val_accuracy": [0.1]}'
    (project / "h.json").write_text(text, encoding="utf-8")
    given = {"res.keras", "h.json"}
    line = refused(capsys, project, ["--model", "res.keras", "--history", "h.json"], given)
    assert "h.json" in line and "different lengths" in line


# A script as students write them: it prints at import (10,000 lines), parses the command
# line, passes input_shape= to a layer (a Keras UserWarning) and prints its summary.
CHATTY = """\
import argparse

import keras
from keras import layers

for i in range(10_000):
    print("epoch", i, "loss", 1 / (i + 1))
args = argparse.ArgumentParser().parse_args()  # sees the file alone, not reportgen's flags


def build_model(input_shape, num_classes):
    model = keras.Sequential(
        [
            layers.Conv2D(4, 3, activation="relu", input_shape=input_shape),
            layers.MaxPooling2D(4),
            layers.Flatten(),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.summary()
    return model
"""


def test_a_chatty_script_builds_and_quiet_stays_quiet(project):
    import os
    import subprocess
    import sys

    (project / "chatty.py").write_text(CHATTY, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "q1", *FLAGS, "--model", "chatty.py"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""
    assert done.stdout.strip() == str(project / "Report.pdf")


def test_debug_shows_what_the_student_s_code_printed_and_warned(project, capsys, monkeypatch):
    from reportgen.runs.spec import UserModel
    from reportgen.runs.user_model import load_user_model

    path = project / "chatty.py"
    path.write_text(CHATTY, encoding="utf-8")
    user = UserModel("0" * 64, "py", path=str(path))
    load_user_model(user)
    assert capsys.readouterr() == ("", "")
    monkeypatch.setenv("REPORTGEN_DEBUG", "1")
    load_user_model(user)
    err = capsys.readouterr().err
    assert "epoch 9999 loss" in err and "Total params" in err
    assert "UserWarning: Do not pass an `input_shape`" in err


def test_ctrl_c_in_the_student_s_code_still_stops_reportgen(project, capsys):
    (project / "slow.py").write_text("raise KeyboardInterrupt\n", encoding="utf-8")
    assert main(["build", *FLAGS, "--model", "slow.py"]) == 130
    assert "interrupted" in capsys.readouterr().err


# ---------------------------------------------------------------- the budget gives the rest


def test_an_imported_model_is_not_planned_and_gives_its_share_away(tmp_path):
    from reportgen.progress import Reporter
    from reportgen.runs.execute import Budget, make_planner
    from reportgen.runs.spec import UserModel
    from tests.helpers import random_dataset
    from tests.plan_fakes import COSTS, SHARES, FakeClock, FakeStore, report_specs

    specs = {s.name: s for s in report_specs().values()}
    imported = UserModel("0" * 64, "keras", "trained")
    specs["cnn"] = specs["cnn"].with_(model=replace(specs["cnn"].model, user=imported))
    assert specs["cnn"].imported
    measured = []

    def measure(spec, data):
        measured.append(spec.name)
        return COSTS[spec.name]

    budget = Budget(1800.0, "30m", SHARES)
    store = FakeStore(tmp_path, FakeClock())
    planner = make_planner(store, random_dataset(), specs, budget, Reporter(), measure)
    assert "cnn" not in planner.specs and "cnn" not in measured
    assert sum(planner.shares.values()) == pytest.approx(sum(SHARES.values()))
    assert planner.shares["dnn"] == pytest.approx(SHARES["dnn"] / (1 - SHARES["cnn"]))


# ------------------------------------------------------------------ whole reports


@pytest.fixture
def own_project(project, tiny_project, models):
    """A project folder whose runs/ is the tests' shared one, with the model files in it."""
    for name in ("odd.py", "res.keras", "history.json"):
        shutil.copy(models / name, project / name)
    return share_runs(project, tiny_project)


def section_facts(root: Path, module: str) -> dict:
    found = list((root / "build" / "sections" / module).glob("*/section.json"))
    assert len(found) == 1, module
    return json.loads(found[0].read_text(encoding="utf-8"))


def test_a_sequential_user_model_builds_the_whole_report(own_project, capsys):
    project = own_project
    assert main(["build", *FLAGS, "--model", "odd.py", "--lang", "en"]) == 0
    assert main(["check", *FLAGS]) == 0
    q1 = section_facts(project, "q1_cnn")["facts"]
    assert q1["own"]["file"] == "odd.py" and not q1["own"]["imported"]
    assert q1["structure"]["conv_filters"] == [8, 16]
    assert q1["structure"]["output_layer"] == "scores"
    q2 = section_facts(project, "q2_dnn")["facts"]
    assert abs(q2["compare"]["param_diff"]) < 0.05
    assert q2["cnn"]["results"]["params"]["total"] == q1["results"]["params"]["total"]
    # the conv layers found by type, whatever their names
    assert section_facts(project, "q6_filters")["facts"]["layer"] == "Conv.B"
    q8 = section_facts(project, "q8_gradcam")["facts"]
    assert (q8["layer"], q8["cam_layer"]) == ("Conv.B", "relu>b")


def test_a_trained_keras_model_builds_the_report_with_and_without_history(own_project, capsys):
    project = own_project
    argv = [*FLAGS, "--model", "res.keras", "--history", "history.json"]
    assert main(["build", *argv]) == 0
    assert main(["check", *FLAGS]) == 0
    q1 = section_facts(project, "q1_cnn")
    facts, structure = q1["facts"], q1["facts"]["structure"]
    assert facts["own"]["imported"] and facts["history"]["epochs"] == 3
    assert (structure["n_add"], structure["head"]) == (2, "global_average")
    assert any(b.get("file") == "cnn_curves.png" for b in q1["blocks"])
    results = facts["results"]
    assert results["train_seconds"] is None and results["imported"]["optimizer"] == "Adam"
    q3 = section_facts(project, "q3_augmentation")["facts"]
    assert "clone_model" in " ".join(
        b.get("markdown", "") for b in section_facts(project, "q3_augmentation")["blocks"]
    )
    assert q3["own"]["imported"]

    shutil.rmtree(project / "build")
    argv = [*FLAGS, "--model", "res.keras", "--template", "ml2019-hw3", "--lang", "en"]
    assert main(["build", *argv]) == 0
    assert main(["check", *FLAGS, "--template", "ml2019-hw3"]) == 0
    q1, q2 = section_facts(project, "q1_cnn"), section_facts(project, "q2_dnn")
    assert q1["facts"]["history"] is None
    texts = " ".join(b.get("markdown", "") for b in q1["blocks"] + q2["blocks"])
    assert "res.keras were not given" in texts and "--history" in texts
    assert "The CNN's curves are missing" in texts
    assert "optimistic" in texts  # the hold-out may have been trained on


# ------------------------------------------------- the prose prints the facts, in both languages

OWN_SETTINGS = {
    "odd.py": {"model": "odd.py"},
    "res.keras+history": {"model": "res.keras", "history": "history.json"},
    "res.keras": {"model": "res.keras"},
}


# q3 reads the architecture alone: the same with or without the trained model's history
DRAFTS = [
    (own, module)
    for own in OWN_SETTINGS
    for module in ("q1_cnn", "q2_dnn", "q3_augmentation")
    if (own, module) != ("res.keras", "q3_augmentation")
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("own", "module"), DRAFTS)
def test_a_draft_about_an_own_model_prints_only_facts(
    tiny_project_factory, section_of, models, lang, own, module
):
    from tests.prose_checks import render_tracked, shown_words, template_parts, unfounded

    settings = {k: str(models / v) for k, v in OWN_SETTINGS[own].items()}
    project = tiny_project_factory(**settings, **({} if lang == "zh" else {"lang": lang}))
    section, _ = section_of(project, module)
    assert unfounded(shown_words(section), section.facts) == []
    for part in template_parts(lang, module):
        facts = section.facts if part is None else {**section.facts, "part": part}
        assert render_tracked(lang, module, facts) == [], part


def test_init_model_writes_the_starter_and_points_the_config_at_it(tmp_path, monkeypatch, capsys):
    from reportgen.settings.config import load_config
    from reportgen.settings.own_model import STARTER

    monkeypatch.chdir(tmp_path)
    assert main(["init", "--student-id", "R05942017", "--model"]) == 0
    assert (tmp_path / STARTER).read_text(encoding="utf-8").startswith('"""My CNN')
    assert load_config(tmp_path).training.model == STARTER
    assert "your model (models/my_cnn.py)" in capsys.readouterr().out
    assert main(["init", "--model"]) == 2  # never overwrites
    (tmp_path / STARTER).unlink()
    assert main(["init", "--model"]) == 0  # the config is there: only the starter is written
    assert (tmp_path / STARTER).exists()
