"""LIME on 7 faces at 1000 samples: our batched explainer against lime's defaults.

    python benchmarks/bench_lime.py [--profile quick] [--images 7] [--samples 1000] [--repeats 3]

Three ways to get the same explanations (same random draws, same weights):
  lime default   stock LimeImageExplainer, batch_size=10 (lime's default): a model call per
                 10 perturbed images, and a Python loop that builds them one by one
  lime batch 256 stock LimeImageExplainer, batch_size=256
  ours           reportgen.measure.explain: batch_size=256, perturbed images built with numpy
All three call the model through make_classifier_fn (Keras's compiled predict_on_batch).
The model: the profile's CNN (reportgen.runs.models), untrained: LIME's cost is the model's
forward passes and the perturbations, which do not depend on the weights. TensorFlow runs
on 2 threads, like the tests; each variant is warmed up on one image first.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "2")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TQDM_DISABLE", "1")  # stock lime's progress bar

import numpy as np
from lime.lime_image import LimeImageExplainer

from reportgen.data.synthetic import generate_faces
from reportgen.measure.explain.lime_explain import explain_image, make_classifier_fn
from reportgen.runs.models import build_model
from reportgen.runs.spec import cnn_model
from reportgen.settings.profiles import get_profile


def timed(run) -> tuple[float, list]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--images", type=int, default=7)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()

    faces = generate_faces(args.images, seed=0)
    model = build_model(cnn_model(get_profile(args.profile)), mean=120.0, std=50.0)
    print(f"model: {args.profile} CNN, {model.count_params():,} parameters, untrained")
    print(f"{args.images} images x {args.samples} samples, best of {args.repeats}\n")

    def explain_all(batch_size: int, stock: bool, count: int = args.images) -> list:
        classify = make_classifier_fn(model, batch_size=batch_size)
        options = {"explainer": LimeImageExplainer} if stock else {}
        return [
            explain_image(img, classify, int(c), args.samples, batch_size, seed=0, **options)
            for img, c in zip(faces.images[:count], faces.labels[:count], strict=True)
        ]

    variants = {
        "lime default (batch 10)": (10, True),
        "lime, batch 256": (256, True),
        "ours (batch 256, numpy)": (256, False),
    }
    for batch, stock in variants.values():
        explain_all(batch, stock, count=1)  # warm-up: Keras traces its predict step per shape
    times, results = {}, {}
    for name, (batch, stock) in variants.items():
        runs = [timed(lambda b=batch, s=stock: explain_all(b, s)) for _ in range(args.repeats)]
        times[name], results[name] = min(runs, key=lambda run: run[0])
        print(f"{name:26s} {times[name]:6.2f} s  ({times[name] / args.images:.2f} s/image)")

    base = times["lime default (batch 10)"]
    print(f"\nspeed-up, ours vs lime default: {base / times['ours (batch 256, numpy)']:.1f}x")
    print(f"speed-up, batch 256 alone:      {base / times['lime, batch 256']:.1f}x")
    same = all(
        np.allclose(a[1], b[1])
        for a, b in zip(
            results["lime default (batch 10)"], results["ours (batch 256, numpy)"], strict=True
        )
    )
    print(f"same weights as stock lime: {same}")


if __name__ == "__main__":
    main()
