"""Accuracy per minute: the whole report's training under a budget, as `reportgen build
--budget` does it, and today's full recipe's CNN trained for the same wall time as the
recipe's CNN took, measured in the same run on the same hold-out.

    python benchmarks/bench_accuracy.py --budget 45m [--data train.csv.gz] [--profile full]
        [--laptop] [--no-baseline]

--laptop: an ordinary laptop on any machine (issue 23): ONEDNN_MAX_CPU_ISA=AVX2 (no AVX-512,
no AMX), float32 (REPORTGEN_PRECISION) and 2 threads (TF_NUM_INTRAOP_THREADS,
TF_NUM_INTEROP_THREADS, OMP_NUM_THREADS), set for both phases and printed first.
--no-baseline: phase 1 alone (when the machine's time is short).

1. Trains every run the report needs within the budget (a fresh project under /tmp, or the
   project given with --project, whose cached runs are read back), and prints the plan's
   time used: from the start of the probe to the end of the last run, against the budget
   and its training share.
2. Trains the CNN with today's full recipe (TODAY below: the recipe as it was before issue
   16) and today's loop (one model.fit per epoch, the schedule laid out once) for the wall
   time the recipe's CNN trained: its epochs planned once from a probe, as today's planner
   did, and never corrected.
Each phase runs in a process of its own, so that each peak RSS is its own. Prints, for both:
validation accuracy, epochs, minutes, images per second and CPU time / wall time while
training (both cores busy: 2.0). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/fer2013/train.csv.gz"
# The full profile's recipe before this benchmark's levers were measured (issue 16).
TODAY = {"batch_size": 128, "learning_rate": 3e-3}
TODAY_MODEL = {"filters": (32, 64, 128), "dense_units": 256}
# An ordinary laptop: no AVX-512, no bf16, two threads (issue 23).
LAPTOP = {
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "REPORTGEN_PRECISION": "float32",
    "TF_NUM_INTRAOP_THREADS": "2",
    "TF_NUM_INTEROP_THREADS": "2",
    "OMP_NUM_THREADS": "2",
}


def standard_error(accuracy: float, n: int) -> float:
    """Of an accuracy measured on n images (binomial)."""
    return math.sqrt(accuracy * (1 - accuracy) / n)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def project(args: argparse.Namespace, root: Path):
    from reportgen.project.folder import Project
    from reportgen.settings.config import load_config

    overrides = {"data": str(Path(args.data).resolve()), "profile": args.profile}
    return Project(load_config(root, {**overrides, "budget": args.budget}))


def run_figures(run) -> dict:
    m = run.metrics
    return {
        "cpu_per_epoch": m.get("cpu_seconds", 0.0) / m["epochs_run"],
        "se": standard_error(m["val_accuracy"], m["n_val"]),
        "epochs": m["epochs_run"],
        "planned_epochs": m.get("planned_epochs"),
        "train_seconds": m["train_seconds"],
        "cpu_per_wall": m.get("cpu_seconds", 0.0) / m["train_seconds"],
        "val_accuracy": m["val_accuracy"],
        "val_accuracy_plain": m["val_accuracy_plain"],
        "images_per_second": m["n_train"] * m["epochs_run"] / m["train_seconds"],
        "params": m["params"]["total"],
        "precision": m["precision"],
        "device": m["device"],
    }


def phase_recipe(args: argparse.Namespace) -> dict:
    """The report's training within the budget, in a project of its own."""
    from reportgen.progress import reporter
    from reportgen.questions.shared_runs import cnn_run
    from reportgen.runs.execute import train_runs

    root = Path(args.project) if args.project else Path(tempfile.mkdtemp(prefix="bench-acc-"))
    proj = project(args, root)
    specs = proj.all_runs()
    cached = sum(proj.store.has(s, proj.data) for s in specs.values())
    start, cpu = time.monotonic(), time.process_time()
    with reporter(quiet=not args.progress) as report:
        runs = train_runs(proj.store, proj.data, specs, report, proj.budget)
    wall = time.monotonic() - start
    cnn = runs[cnn_run(proj.profile, proj.config).key(proj.data.fingerprint)]
    return {
        **run_figures(cnn),
        "runs": {r.spec.name: r.metrics["epochs_run"] for r in runs.values()},
        "val_accuracy_of": {r.spec.name: r.metrics["val_accuracy"] for r in runs.values()},
        "cpu_per_epoch_of": {
            r.spec.name: r.metrics.get("cpu_seconds", 0.0) / r.metrics["epochs_run"]
            for r in runs.values()
        },
        "cached": cached,
        "plan_seconds": wall,
        "plan_cpu_per_wall": (time.process_time() - cpu) / wall,
        "budget_seconds": proj.budget.seconds,
        "peak_rss_mib": peak_rss_mib(),
    }


def phase_baseline(args: argparse.Namespace) -> dict:
    """Today's full recipe and loop for about args.seconds of training: its length planned
    from the probe once, as today's planner did, and never corrected."""
    from reportgen.data.loader import load_dataset
    from reportgen.questions.shared_runs import cnn_run
    from reportgen.runs.probe import measure

    proj = project(args, Path(tempfile.mkdtemp(prefix="bench-base-")))
    spec = cnn_run(proj.profile, proj.config)
    spec = spec.with_(model=replace(spec.model, **TODAY_MODEL), **TODAY)
    data = load_dataset(args.data)
    epochs = max(1, math.floor(args.seconds / measure(spec, data).epoch))
    return {**today_loop(spec.with_(epochs=epochs), data), "peak_rss_mib": peak_rss_mib()}


def today_loop(spec, data) -> dict:
    """The training loop as it was before issue 16: one model.fit per epoch, Keras'
    CosineDecay with its warm-up laid out once, a checkpoint written after every epoch."""
    import keras

    from reportgen.runs.models import build_model
    from reportgen.runs.pipeline import eval_dataset, predict_probs, train_dataset
    from reportgen.runs.schedule import WARMUP_START
    from reportgen.runs.train import split, steps_per_epoch
    from reportgen.tfenv import choose_precision, tensorflow

    tensorflow()
    tr, va = split(spec, data)
    x, y = data.train.images[tr], data.train.labels[tr]
    keras.mixed_precision.set_global_policy(choose_precision())
    keras.utils.set_random_seed(spec.seed)
    total = spec.epochs * steps_per_epoch(spec, len(y))
    warmup = round(spec.warmup_fraction * total)
    schedule = keras.optimizers.schedules.CosineDecay(
        spec.learning_rate * WARMUP_START, max(1, total - warmup), alpha=0.0,
        warmup_target=spec.learning_rate, warmup_steps=warmup,
    )  # fmt: skip
    model = build_model(spec.model, float(x.mean()), float(x.std()))
    model.compile(
        keras.optimizers.AdamW(schedule, weight_decay=spec.weight_decay),
        keras.losses.CategoricalCrossentropy(label_smoothing=spec.label_smoothing),
        metrics=["accuracy"],
    )
    ds = train_dataset(x, y, spec.batch_size, spec.augment, spec.seed)
    val = eval_dataset(data.train.images[va], data.train.labels[va], 256, one_hot=True)
    start, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        for epoch in range(spec.epochs):
            model.fit(ds, validation_data=val, epochs=epoch + 1, initial_epoch=epoch, verbose=0,
                      shuffle=False)  # fmt: skip
            model.save(Path(tmp) / "checkpoint.keras")
    wall = time.perf_counter() - start
    pred = predict_probs(model, data.train.images[va], tta_flip=spec.tta_flip)
    accuracy = float((pred.argmax(1) == data.train.labels[va]).mean())
    return {
        "epochs": spec.epochs,
        "train_seconds": wall,
        "cpu_per_wall": (time.process_time() - cpu) / wall,
        "cpu_per_epoch": (time.process_time() - cpu) / spec.epochs,
        "val_accuracy": accuracy,
        "se": standard_error(accuracy, len(va)),
        "images_per_second": spec.epochs * len(y) / wall,
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


def report(recipe: dict, base: dict | None, args: argparse.Namespace) -> None:
    from reportgen.runs.plan import TRAINING_SHARE

    budget, share = recipe["budget_seconds"], TRAINING_SHARE * recipe["budget_seconds"]
    print(
        f"budget {args.budget}, profile {args.profile}, {recipe['device']}, {recipe['precision']}"
    )
    print("runs: " + ", ".join(f"{n} {e} epochs" for n, e in recipe["runs"].items()))
    if recipe["cached"] == len(recipe["runs"]):
        print(
            f"all {recipe['cached']} runs were read back from --project {args.project}: the "
            "plan's time is in the log of the build that trained them ('training took ...')"
        )
    else:
        print(
            f"training (probe to last run): {recipe['plan_seconds'] / 60:.1f} min = "
            f"{recipe['plan_seconds'] / share:.1%} of the training share ({share / 60:.1f} min), "
            f"{recipe['plan_seconds'] / budget:.1%} of the budget; CPU/wall "
            f"{recipe['plan_cpu_per_wall']:.2f}; {recipe['cached']} runs were cached"
        )
    rows = [("recipe CNN (budget plan)", recipe)]
    rows += [("today's full recipe CNN", base)] if base else []
    head = f"{'':26s} {'epochs':>6s} {'minutes':>7s} {'val acc':>7s} {'SE':>6s} {'img/s':>6s}"
    print(head + f" {'CPU/wall':>8s} {'CPU s/ep':>8s} {'RSS MiB':>7s}")
    for name, r in rows:
        print(
            f"{name:26s} {r['epochs']:6d} {r['train_seconds'] / 60:7.1f} "
            f"{r['val_accuracy']:7.4f} {r['se']:6.4f} {r['images_per_second']:6.0f} "
            f"{r['cpu_per_wall']:8.2f} {r['cpu_per_epoch']:8.1f} {r['peak_rss_mib']:7.0f}"
        )
    print(
        f"recipe CNN: {recipe['params']:,} parameters; without flip TTA "
        f"{recipe['val_accuracy_plain']:.4f}; first planned {recipe['planned_epochs']} epochs"
    )
    if base:
        gain = recipe["val_accuracy"] - base["val_accuracy"]
        print(
            f"today's recipe was given the {recipe['train_seconds'] / 60:.1f} min the recipe's CNN "
            f"trained; its planner used {base['train_seconds'] / 60:.1f} min of them"
        )
        print(f"accuracy gain at equal time given: {gain:+.4f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", default="45m")
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--profile", default="full")
    parser.add_argument("--phase", choices=("recipe", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--progress", action="store_true", help="show training progress")
    parser.add_argument("--project", help="a project folder whose runs/ to use (and fill)")
    parser.add_argument("--laptop", action="store_true", help="AVX2, float32, 2 threads")
    parser.add_argument("--no-baseline", action="store_true", help="phase 1 alone")
    args = parser.parse_args()
    if args.laptop and not args.phase:
        os.environ.update(LAPTOP)
        print("laptop setting: " + " ".join(f"{k}={v}" for k, v in LAPTOP.items()), flush=True)
    if args.phase:
        result = phase_recipe(args) if args.phase == "recipe" else phase_baseline(args)
        print(json.dumps(result))
        return
    recipe = child("recipe", args, [])
    print(json.dumps(recipe), flush=True)
    base = None
    if not args.no_baseline:
        base = child("baseline", args, ["--seconds", str(recipe["train_seconds"])])
        print(json.dumps(base), flush=True)
    report(recipe, base, args)


if __name__ == "__main__":
    main()
