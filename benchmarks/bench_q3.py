"""q3's 2x2 grid (normalization x augmentation) at a set length, and its verdicts (issue 23).

    python benchmarks/bench_q3.py --epochs 30 [--width 0.5] [--laptop] [--store DIR]

Trains the four cells of the full profile's grid, each for --epochs epochs (a schedule laid
out for that length: warm-up, cosine to zero), with the CNN's channels and dense units
scaled by --width (0.5: q3's cheaper twin; 1: the CNN itself), on the 10% stratified
hold-out of train.csv, seed 0, through reportgen's own training (RunStore.ensure). Prints a
JSON line per cell (validation accuracy with flip TTA and its standard error, epochs, CPU
seconds an epoch, img/s, wall) and the two main effects with their standard errors (the
binomial one of a difference of two means of two accuracies on the same images, taken as
independent: sqrt(2) x the SE of one accuracy / sqrt(2)), and the verdict of each: helps,
hurts (beyond 2 SE) or no verdict. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_accuracy import DEFAULT_DATA, LAPTOP, standard_error

CELLS = ((False, False), (False, True), (True, False), (True, True))  # (normalize, augment)


def cell_specs(width: float, epochs: int) -> dict:
    from reportgen.runs.spec import base_run
    from reportgen.settings.profiles import get_profile

    profile = get_profile("full")
    model = profile.model
    model = replace(
        model,
        filters=tuple(max(1, round(f * width)) for f in model.filters),
        dense_units=max(1, round(model.dense_units * width)),
    )
    profile = replace(profile, model=model)
    specs = {}
    for n, a in CELLS:
        spec = base_run(f"q3-n{int(n)}-a{int(a)}", profile, role="ablation", normalize=n, augment=a)
        specs[(n, a)] = spec.with_(epochs=epochs)
    return specs


def train_cell(store, spec, data) -> dict:
    from reportgen.progress import Reporter

    t0, c0 = time.perf_counter(), time.process_time()
    run = store.ensure(spec, data, Reporter())
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    m = run.metrics
    acc = m["val_accuracy"]
    return {
        "cell": spec.name, "epochs": m["epochs_run"], "val_tta": acc,
        "se": standard_error(acc, m["n_val"]), "val_plain": m["val_accuracy_plain"],
        "train_cpu_per_epoch": m["cpu_seconds"] / m["epochs_run"],
        "img_per_s": m["n_train"] * m["epochs_run"] / m["train_seconds"],
        "train_s": m["train_seconds"], "wall_s": wall, "cpu_s": cpu,
        "params": m["params"]["total"], "best_epoch": m["best_epoch"],
        "val_acc_by_epoch": [round(v, 4) for v in run.history["val_accuracy"]],
    }  # fmt: skip


def verdicts(cells: dict) -> dict:
    acc = {k: c["val_tta"] for k, c in cells.items()}
    se = math.sqrt(sum(c["se"] ** 2 for c in cells.values())) / 2  # of a main effect
    out = {}
    for name, switch in (("normalization", 0), ("augmentation", 1)):
        on = [acc[k] for k in CELLS if k[switch]]
        off = [acc[k] for k in CELLS if not k[switch]]
        delta = sum(on) / 2 - sum(off) / 2
        verdict = "helps" if delta > 2 * se else "hurts" if delta < -2 * se else "no verdict"
        out[name] = {"delta": delta, "se": se, "verdict": verdict}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--width", type=float, default=0.5)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--laptop", action="store_true", help="AVX2, float32, 2 threads")
    parser.add_argument("--store", help="a run store to use (default: a new one under /tmp)")
    args = parser.parse_args()
    if args.laptop:
        os.environ.update(LAPTOP)
    print(json.dumps({"laptop": LAPTOP if args.laptop else None, **vars(args)}), flush=True)
    from reportgen.data.loader import load_dataset
    from reportgen.runs.store import RunStore

    data = load_dataset(args.data)
    store = RunStore(Path(args.store or tempfile.mkdtemp(prefix="bench-q3-")) / "runs")
    cells = {}
    for key, spec in cell_specs(args.width, args.epochs).items():
        cells[key] = train_cell(store, spec, data)
        print(json.dumps(cells[key]), flush=True)
    print(json.dumps(verdicts(cells)), flush=True)


if __name__ == "__main__":
    main()
