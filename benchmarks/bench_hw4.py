"""The HW4 part (q5..q8) on a warm run cache: each section recomputed, timed per module.

    python benchmarks/bench_hw4.py [--root DIR] [--profile quick] [--lang zh] [--repeats 2]

In DIR (default: a folder under /tmp kept between calls) the CNN run the four modules share is
trained once if missing (timed separately, not part of the total). Then, in this process, the
four sections are computed the way `reportgen build` computes them (one Run object shared, so
the model is loaded once, by the first module), and each module's seconds and the total are
printed; with --repeats N the best of N passes (each pass loads the model afresh).
TensorFlow runs on 2 threads. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "2")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

from pathlib import Path

MODULES = ("q5_saliency", "q6_filters", "q7_lime", "q8_gradcam")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="/tmp/reportgen-bench-hw4")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    from reportgen.build import measure_section, present_section, train_missing
    from reportgen.progress import Reporter
    from reportgen.project.folder import Project
    from reportgen.settings.config import load_config

    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    overrides = {"profile": args.profile, "lang": args.lang, "student_id": "R05942017"}
    project = Project(load_config(root, overrides))
    start = time.perf_counter()
    project.data  # noqa: B018  (loads or generates the data)
    print(f"data ({project.data.source}):          {time.perf_counter() - start:7.2f} s")
    start = time.perf_counter()
    train_missing(project, MODULES, Reporter())
    print(f"runs (trained if missing): {time.perf_counter() - start:7.2f} s\n")

    best: dict[str, float] = {}
    for _ in range(max(1, args.repeats)):
        runs = train_missing(project, MODULES, Reporter())  # fresh Run objects: model unloaded
        for module in MODULES:
            start = time.perf_counter()
            present_section(project, module, measure_section(project, module, runs))
            seconds = time.perf_counter() - start
            best[module] = min(best.get(module, seconds), seconds)
    print(f"profile {args.profile}, lang {args.lang}, best of {args.repeats} pass(es):")
    for module in MODULES:
        note = "  (includes loading the model)" if module == MODULES[0] else ""
        print(f"  {module:<13} {best[module]:7.2f} s{note}")
    print(f"  {'total':<13} {sum(best.values()):7.2f} s")


if __name__ == "__main__":
    main()
