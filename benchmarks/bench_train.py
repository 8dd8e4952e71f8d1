"""Training throughput: our pipeline (tf.data, the precision choose_precision() picks) against a
plain model.fit on in-memory float32 arrays, same model and data, measured in the same run.

    python benchmarks/bench_train.py [--data ../shared/data/fer2013/train.csv.gz] [--profile quick]

Prints images per second of each and their ratio. Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportgen.runs.spec import base_run
from reportgen.settings.profiles import get_profile
from reportgen.tfenv import choose_precision, device_description, tensorflow

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/fer2013/train.csv.gz"


def load(path: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    if path and Path(path).exists():
        from reportgen.data.loader import load_dataset

        train = load_dataset(path).train
    else:
        from reportgen.data.synthetic import synthetic_dataset

        train = synthetic_dataset(n, seed=0).train
    return train.images[:n], train.labels[:n]


def timed_fit(model, data, epochs: int, **fit_kwargs) -> float:
    model.fit(data[0], data[1], epochs=1, verbose=0, **fit_kwargs)  # warm-up: tracing
    start = time.perf_counter()
    model.fit(data[0], data[1], epochs=epochs, verbose=0, **fit_kwargs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--images", type=int, default=8192)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    tensorflow()
    import keras

    from reportgen.runs.models import build_model
    from reportgen.runs.pipeline import train_dataset

    images, labels = load(args.data, args.images)
    profile = get_profile(args.profile)
    spec = base_run("bench", profile, augment=None)
    n = len(labels)
    mean, std = float(images.mean()), float(images.std())

    def compiled(policy: str):
        keras.mixed_precision.set_global_policy(policy)
        keras.utils.set_random_seed(0)
        model = build_model(spec.model, mean, std)
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    # Baseline: what a student writes first: float32 arrays in memory, model.fit.
    x = images[..., None].astype(np.float32)
    base = compiled("float32")
    base_s = timed_fit(base, (x, labels), args.epochs, batch_size=spec.batch_size, shuffle=True)

    precision = choose_precision()
    ours = compiled(precision)
    ds = train_dataset(images, labels, spec.batch_size, None, seed=0)
    ours_s = timed_fit(ours, (ds, None), args.epochs, shuffle=False)  # ds shuffles itself
    keras.mixed_precision.set_global_policy("float32")

    base_ips = n * args.epochs / base_s
    ours_ips = n * args.epochs / ours_s
    print(
        f"device: {device_description()}; profile {profile.name}; {n} images x {args.epochs} epochs"
    )
    print(f"plain model.fit, float32 arrays:  {base_ips:8.0f} images/s")
    print(f"reportgen pipeline ({precision}): {ours_ips:8.0f} images/s")
    print(f"ratio (ours / plain): {ours_ips / base_ips:.2f}x")


if __name__ == "__main__":
    main()
