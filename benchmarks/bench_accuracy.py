"""Accuracy per minute: the recipe's CNN trained within a budget, against the first release's
`quick` CNN trained for the same wall time, measured in the same run on the same hold-out.

    python benchmarks/bench_accuracy.py --budget 45m [--data train.csv.gz] [--profile full]

1. Plans the whole report's training (CNN, DNN, q3's runs) for the budget on this machine, as
   `reportgen build --budget` would, and prints the plan.
2. Trains the report's CNN for its planned epochs (a fresh run store under /tmp; with
   --project DIR, the run store of that project, where a finished `build --budget` left it,
   is used, and its CNN run is read back instead of trained again).
3. Trains the first release's quick CNN (3 conv blocks 16/32/64, Adam 2e-3 with cosine decay,
   Keras augmentation layers, batch 64, early stopping with patience 4 and the best epoch's
   weights) for as many epochs as fit in the wall time that step 2 took.
Each training runs in a process of its own, so that each peak RSS is its own. Prints
validation accuracy, images per second and peak RSS of both. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/fer2013/train.csv.gz"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def project(args: argparse.Namespace, root: Path):
    from reportgen.config import load_config
    from reportgen.project import Project

    overrides = {"data": str(Path(args.data).resolve()), "profile": args.profile}
    return Project(load_config(root, {**overrides, "budget": args.budget}))


def phase_recipe(args: argparse.Namespace) -> dict:
    """Plan the report for the budget, then train its CNN (in a fresh run store)."""
    from reportgen.progress import reporter
    from reportgen.questions._runs import cnn_run
    from reportgen.runs.execute import describe, make_planner

    root = Path(args.project) if args.project else Path(tempfile.mkdtemp(prefix="bench-acc-"))
    proj = project(args, root)
    budget = proj.budget
    specs = proj.all_runs()
    start = time.monotonic()
    with reporter(quiet=True) as report:
        planner = make_planner(proj.store, proj.data, specs, budget, report)
    probe_seconds = time.monotonic() - start
    cnn = cnn_run(proj.profile, proj.config)
    key = cnn.key(proj.data.fingerprint)
    if key in planner.specs:
        plan = planner.plan(list(planner.specs), budget.seconds - probe_seconds)
        lines = describe(plan)
        planned = next(r for r in plan.runs if r.key == key)
        spec, planned_seconds = planned.spec, planned.seconds
    else:  # trained by `build --budget` in that project: read back
        lines = [f"the CNN is in {proj.store.root} already (trained by a build with a budget)"]
        spec, planned_seconds = cnn, float("nan")
    with reporter(quiet=not args.progress) as report:
        run = proj.store.ensure(spec, proj.data, report, "recipe cnn")
    m = run.metrics
    return {
        "plan": lines,
        "probe_seconds": probe_seconds,
        "planned_seconds": planned_seconds,
        "epochs": m["epochs_run"],
        "train_seconds": m["train_seconds"],
        "val_accuracy": m["val_accuracy"],
        "val_accuracy_plain": m["val_accuracy_plain"],
        "params": m["params"]["total"],
        "images_per_second": m["n_train"] * m["epochs_run"] / m["train_seconds"],
        "precision": m["precision"],
        "device": m["device"],
        "peak_rss_mib": peak_rss_mib(),
    }


def first_release_quick_cnn(mean: float, std: float):
    """The first release's quick CNN, as it was."""
    import keras
    from keras import layers

    inputs = keras.Input((48, 48, 1))
    x = layers.Normalization(mean=mean, variance=std**2)(inputs)
    for b, filters in enumerate((16, 32, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Dropout(0.3 * b / 3)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.Dropout(0.3)(x)
    x = layers.Dense(7)(x)
    return keras.Model(inputs, layers.Activation("softmax", dtype="float32")(x))


def phase_baseline(args: argparse.Namespace) -> dict:
    """The first release's quick recipe for args.seconds of wall time."""
    import keras
    import numpy as np

    from reportgen.data.loader import load_dataset
    from reportgen.data.split import holdout
    from reportgen.tfenv import choose_precision, tensorflow

    tf = tensorflow()
    train = load_dataset(args.data).train
    tr, va = holdout(train.labels, 0.1, 0)
    x, y, xv, yv = train.images[tr], train.labels[tr], train.images[va], train.labels[va]
    batch = 64
    augment = keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=0),
            keras.layers.RandomTranslation(0.1, 0.1, fill_mode="nearest", seed=1),
            keras.layers.RandomRotation(15 / 360, fill_mode="nearest", seed=2),
            keras.layers.RandomZoom(0.1, fill_mode="nearest", seed=3),
        ]
    )

    def as_float(a, b):
        return tf.cast(a, tf.float32)[..., None], b

    ds = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(y), seed=0)
        .batch(batch)
        .map(as_float, num_parallel_calls=tf.data.AUTOTUNE)
        .map(lambda a, b: (augment(a, training=True), b), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
    vds = tf.data.Dataset.from_tensor_slices((xv, yv)).batch(256).map(as_float)
    keras.mixed_precision.set_global_policy(choose_precision())
    keras.utils.set_random_seed(0)
    steps = math.ceil(len(y) / batch)

    def compiled(epochs: int):
        model = first_release_quick_cnn(float(x.mean()), float(x.std()))
        lr = keras.optimizers.schedules.CosineDecay(2e-3, epochs * steps, alpha=0.05)
        model.compile(
            keras.optimizers.Adam(lr), "sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        return model

    # How long an epoch takes here, then as many epochs as fit in the recipe's wall time.
    probe = compiled(1)
    probe.fit(ds.take(3), epochs=1, verbose=0)
    t0 = time.perf_counter()
    probe.fit(ds.take(20), epochs=1, verbose=0)
    epoch_seconds = (time.perf_counter() - t0) / 20 * steps * 1.05
    epochs = max(1, int(args.seconds / epoch_seconds))
    model = compiled(epochs)
    stop = keras.callbacks.EarlyStopping(patience=4, restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(ds, validation_data=vds, epochs=epochs, verbose=0, callbacks=[stop])
    seconds = time.perf_counter() - start
    pred = model.predict(xv[..., None].astype(np.float32), batch_size=256, verbose=0)
    ran = len(history.history["loss"])
    return {
        "epochs": ran,
        "planned_epochs": epochs,
        "train_seconds": seconds,
        "val_accuracy": float((pred.argmax(1) == yv).mean()),
        "images_per_second": len(y) * ran / seconds,
        "peak_rss_mib": peak_rss_mib(),
    }


def child(phase: str, args: argparse.Namespace, extra: list[str]) -> dict:
    argv = [sys.executable, __file__, "--phase", phase, "--data", args.data]
    argv += ["--budget", args.budget, "--profile", args.profile, *extra]
    if args.progress:
        argv.append("--progress")
    if args.project:
        argv += ["--project", args.project]
    out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", default="45m")
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--profile", default="full")
    parser.add_argument("--phase", choices=("recipe", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--progress", action="store_true", help="show training progress")
    parser.add_argument("--project", help="a project folder whose runs/ to use (and fill)")
    args = parser.parse_args()
    if args.phase:
        result = phase_recipe(args) if args.phase == "recipe" else phase_baseline(args)
        print(json.dumps(result))
        return

    recipe = child("recipe", args, [])
    print(
        f"budget {args.budget}, profile {args.profile}, {recipe['device']}, {recipe['precision']}"
    )
    print(f"plan for the whole report (measured in {recipe['probe_seconds']:.0f} s):")
    for line in recipe["plan"]:
        print("  " + line)
    base = child("baseline", args, ["--seconds", str(recipe["train_seconds"])])
    rows = [
        ("recipe CNN (budget plan)", recipe),
        ("first release quick CNN", base),
    ]
    print(f"{'':28s} {'epochs':>6s} {'minutes':>8s} {'val acc':>8s} {'img/s':>7s} {'RSS MiB':>8s}")
    for name, r in rows:
        print(
            f"{name:28s} {r['epochs']:6d} {r['train_seconds'] / 60:8.1f} "
            f"{r['val_accuracy']:8.4f} {r['images_per_second']:7.0f} {r['peak_rss_mib']:8.0f}"
        )
    print(
        f"recipe CNN: {recipe['params']:,} parameters; without flip TTA "
        f"{recipe['val_accuracy_plain']:.4f}; planned {recipe['planned_seconds'] / 60:.1f} min, "
        f"took {recipe['train_seconds'] / 60:.1f} min of training"
    )
    print(f"accuracy gain at equal wall time: {recipe['val_accuracy'] - base['val_accuracy']:+.4f}")


if __name__ == "__main__":
    main()
