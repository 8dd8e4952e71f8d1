"""Time loading the course's real train.csv.gz: cold, warm (cached), and a naive baseline.

    python benchmarks/bench_load.py [path]

path defaults to ../shared/data/fer2013/train.csv.gz from the project root. Cold bypasses every
cache (a fresh REPORTGEN_CACHE_DIR); warm is the second load of the same unchanged file. The
baseline is the obvious code: pandas.read_csv, then np.array(row.split()) for each row.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from reportgen.data.loader import load_dataset  # noqa: E402

DEFAULT_DATA = Path("..") / "shared" / "data" / "fer2013" / "train.csv.gz"


def default_path() -> Path:
    for candidate in (PROJECT_ROOT / DEFAULT_DATA, Path.cwd() / DEFAULT_DATA):
        if candidate.is_file():
            return candidate.resolve()
    sys.exit(f"no {DEFAULT_DATA} next to {PROJECT_ROOT}; give the path to train.csv(.gz)")


def naive_load(path: Path) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(path)
    images = np.stack([np.array(s.split(), dtype=np.uint8) for s in frame["feature"]])
    return images.reshape(-1, 48, 48), frame["label"].to_numpy(np.int64)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, help="train.csv(.gz); default: the course's")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the slow baseline")
    args = parser.parse_args()
    path = args.path or default_path()
    print(f"data: {path} ({path.stat().st_size / 1e6:.1f} MB on disk)")

    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as cache:
        os.environ["REPORTGEN_CACHE_DIR"] = cache
        cold, cold_s = timed(load_dataset, path)
        warm, warm_s = timed(load_dataset, path)
        _, uncached_s = timed(load_dataset, path, use_cache=False)
    assert warm.fingerprint == cold.fingerprint
    np.testing.assert_array_equal(warm.train.images, cold.train.images)
    print(f"rows: {len(cold.train)}  fingerprint: {cold.fingerprint[:16]}")
    print(f"cold load (parse, hash, write cache): {cold_s:6.2f} s")
    print(f"parse and hash only (use_cache=False): {uncached_s:6.2f} s")
    print(f"warm load (unchanged file, cached):   {warm_s:6.2f} s")
    if not args.skip_naive:
        (images, labels), naive_s = timed(naive_load, path)
        np.testing.assert_array_equal(images, cold.train.images)
        np.testing.assert_array_equal(labels, cold.train.labels)
        print(f"naive (read_csv + per-row split):     {naive_s:6.2f} s")
        print(f"naive / cold: {naive_s / cold_s:.1f}x   naive / warm: {naive_s / warm_s:.0f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB   load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
