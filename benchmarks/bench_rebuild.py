"""Warm rebuilds against the bare floor, measured in the same run.

    python benchmarks/bench_rebuild.py [--root DIR] [--profile quick]

In DIR (default: a folder under /tmp kept between calls) it builds the default report once
(cold: trains; skipped when the cache is warm), then times, each as a fresh process:
  warm build     `reportgen build` with every run and section cached
  run q3         `reportgen run q3`: q3 recomputed from its cached runs, the report re-rendered
  floor          importing TensorFlow plus WeasyPrint rendering the same Report.html
and prints each time and the ratios to the floor. Asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "reportgen"
FLOOR = """
import os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from reportgen.tfenv import tensorflow
tensorflow()
import weasyprint
html = weasyprint.HTML(filename=sys.argv[1])
html.write_pdf(sys.argv[2], full_fonts=True)
"""


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default="/tmp/reportgen-bench-rebuild")
    parser.add_argument("--profile", default="quick")
    args = parser.parse_args()
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    flags = ["--student-id", "R05942017", "--profile", args.profile, "--quiet"]

    cold = timed([str(BIN), "build", *flags], root)
    print(f"first build (cold unless cached before): {cold:7.2f} s")
    warm = min(timed([str(BIN), "build", *flags], root) for _ in range(2))
    run_q3 = min(timed([str(BIN), "run", "q3", *flags], root) for _ in range(2))
    floor = min(
        timed(
            [sys.executable, "-c", FLOOR, str(root / "Report.html"), str(root / "floor.pdf")], root
        )
        for _ in range(2)
    )
    print(
        f"warm full rebuild:                       {warm:7.2f} s  ({warm / floor:.2f}x the floor)"
    )
    print(
        f"run q3 (section recomputed, re-render):  {run_q3:7.2f} s  ({run_q3 / floor:.2f}x the floor)"
    )
    print(f"floor (TensorFlow import + WeasyPrint):  {floor:7.2f} s")


if __name__ == "__main__":
    main()
