"""Where the cores go while the full profile's CNN trains: images per second and CPU time /
wall time (2.0: both cores busy) for the training loop and its settings, each measured in a
process of its own on the same data, against the loop as it was (one model.fit per epoch).

    python benchmarks/bench_cores.py [--data train.csv.gz] [--epochs 2]

Variants: the loop as it was; reportgen's loop (one fit, the schedule set per step); the
same with TensorFlow's thread pools set by hand (one inter-op thread; one thread each);
without augmentation (what the input pipeline costs); float32 where the CPU would use
bfloat16. Run it on a quiet machine: another busy program takes its share of the cores
and the figures with it. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/fer2013/train.csv.gz"
VARIANTS = {
    "per-epoch fit (as it was)": {"loop": "per-epoch"},
    "reportgen's loop": {},
    "  inter-op threads 1": {"inter": 1},
    "  one thread each pool": {"inter": 1, "intra": 1},
    "  no augmentation": {"augment": False},
    "  float32": {"env": {"REPORTGEN_PRECISION": "float32"}},
}


def measure(args: argparse.Namespace, variant: dict) -> dict:
    """Train variant for args.epochs epochs after a warm-up one; images/s, CPU/wall."""
    from reportgen.tfenv import tensorflow

    tf = tensorflow()
    if variant.get("inter"):
        tf.config.threading.set_inter_op_parallelism_threads(variant["inter"])
    if variant.get("intra"):
        tf.config.threading.set_intra_op_parallelism_threads(variant["intra"])
    import keras

    from reportgen.data.loader import load_dataset
    from reportgen.progress import Reporter
    from reportgen.questions.shared_runs import cnn_run
    from reportgen.runs import train
    from reportgen.runs.loop import fit_epochs
    from reportgen.runs.pipeline import eval_dataset, train_dataset
    from reportgen.settings.config import load_config
    from reportgen.settings.profiles import get_profile
    from reportgen.tfenv import choose_precision

    data = load_dataset(args.data)
    spec = cnn_run(get_profile("full"), load_config(Path("/tmp"), {"profile": "full"}))
    tr, va = train.split(spec, data)
    x, y = data.train.images[tr], data.train.labels[tr]
    augment = spec.augment if variant.get("augment", True) else None
    keras.mixed_precision.set_global_policy(choose_precision())
    model = train.compiled_model(spec, float(x.mean()), float(x.std()))
    datasets = (
        train_dataset(x, y, spec.batch_size, augment, 0),
        eval_dataset(data.train.images[va], data.train.labels[va], 256, one_hot=True),
    )
    steps = train.steps_per_epoch(spec, len(y))
    model.fit(datasets[0].take(8), epochs=1, verbose=0)  # tracing
    start, cpu = time.perf_counter(), time.process_time()
    if variant.get("loop") == "per-epoch":
        for epoch in range(args.epochs):
            model.fit(datasets[0], validation_data=datasets[1], epochs=epoch + 1,
                      initial_epoch=epoch, verbose=0, shuffle=False)  # fmt: skip
    else:
        state = train.new_state(spec.with_(epochs=args.epochs), steps)
        fit_epochs(model, spec, state, datasets, steps, Reporter(), "bench", lambda s: None)
    wall = time.perf_counter() - start
    return {
        "images_per_second": args.epochs * len(y) / wall,
        "cpu_per_wall": (time.process_time() - cpu) / wall,
        "precision": choose_precision(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", help="these variants, in this order (repeats allowed)")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(measure(args, VARIANTS[args.variant])))
        return
    print(f"{'':28s} {'img/s':>6s} {'x':>5s} {'CPU/wall':>8s}  ({os.cpu_count()} cores)")
    base = None
    for name in args.only or VARIANTS:
        variant = VARIANTS[name]
        argv = [sys.executable, __file__, "--data", args.data, "--epochs", str(args.epochs)]
        env = {**os.environ, **variant.get("env", {})}
        out = subprocess.run(
            [*argv, "--variant", name], check=True, stdout=subprocess.PIPE, text=True, env=env
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        base = base or r["images_per_second"]
        print(
            f"{name:28s} {r['images_per_second']:6.0f} {r['images_per_second'] / base:5.2f} "
            f"{r['cpu_per_wall']:8.2f}  {r['precision']}"
        )


if __name__ == "__main__":
    main()
