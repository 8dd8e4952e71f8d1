"""The student's loop: a rebuild after editing one answer, against the floor, in one run.

    python benchmarks/bench_rebuild.py [--root DIR] [--profile quick] [--repeat 5]

In DIR (default: a folder under /tmp kept between calls) it builds the default report once
(cold: trains; quick when the runs are cached from an earlier call), then, alternating the
two so that load on the machine falls on both alike, times as fresh processes:
  floor     a bare Python process: import WeasyPrint, render the same Report.html to a PDF
            (full_fonts=True, as reportgen does): what no rebuild can go below
  rebuild   `reportgen build` after an edit of answers/q3_augmentation.md: every run and
            section cached, the answer read again, the report rendered
  switch    `reportgen build --lang en` (then zh, alternating) with every measurement cached
            and no presented section of that language: each section presented anew from its
            measurement (figures drawn, prose written), nothing measured, nothing trained
and prints, for each, the median and the minimum wall time and the median CPU time (user +
system: steadier than wall time on a shared machine), and their ratios (the target: at most
1.3 for the rebuild; the switch's ratio to the rebuild says what presenting costs). Then the same edit seen by a running `reportgen build --watch`: the rebuild time it
reports, and the time from the save to its line (the debounce included). Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "reportgen"
FLOOR = """
import sys
import weasyprint
weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], full_fonts=True)
"""
ANSWER = "answers/q3_augmentation.md"
REBUILT = re.compile(r"rebuilt .* in ([0-9.]+) s")


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def edit_answer(root: Path, n: int) -> None:
    path = root / ANSWER
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"My own words, edit {n}: augmentation helps the CNN here.\n", "utf-8")


def watch_figures(root: Path, flags: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """(reported rebuild seconds, save-to-line seconds) for `repeat` edits under --watch."""
    proc = subprocess.Popen(
        [str(BIN), "build", "--watch", *flags],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    reported, latency = [], []
    try:
        proc.stdout.readline()  # the first build's line
        for n in range(repeat):
            start = time.perf_counter()
            edit_answer(root, 1000 + n)
            line = proc.stdout.readline()
            latency.append(time.perf_counter() - start)
            found = REBUILT.search(line)
            if found is None:
                raise SystemExit(f"--watch said: {line.strip()}")
            reported.append(float(found[1]))
    finally:
        proc.terminate()
        proc.wait()
    return reported, latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="/tmp/reportgen-bench-rebuild")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    flags = ["--student-id", "R05942017", "--profile", args.profile, "--quiet"]

    edit_answer(root, 0)
    first, _ = timed([str(BIN), "build", *flags], root)
    print(f"first build (cold unless cached before): {first:7.2f} s")
    floor_argv = [sys.executable, "-c", FLOOR, str(root / "Report.html"), str(root / "floor.pdf")]
    floors: list[tuple[float, float]] = []
    rebuilds: list[tuple[float, float]] = []
    for n in range(1, args.repeat + 1):
        floors.append(timed(floor_argv, root))
        edit_answer(root, n)
        rebuilds.append(timed([str(BIN), "build", *flags], root))
    switches = switch_figures(root, flags, args.repeat)
    reported, latency = watch_figures(root, flags, args.repeat)

    floor, rebuild, switch = _figures(floors), _figures(rebuilds), _figures(switches)
    print(f"{args.repeat} of each, alternating; {os.cpu_count()} CPUs, load {_load()}")
    print("                                       wall median   wall min    CPU median")
    print(f"floor (bare WeasyPrint, same HTML):    {_row(floor)}")
    print(f"rebuild after an answer edit:          {_row(rebuild)}")
    ratios = "     ".join(f"{r / f:5.2f}x  " for r, f in zip(rebuild, floor, strict=True))
    print(f"ratio rebuild / floor (target <= 1.3):  {ratios}")
    print(f"language switch (present anew):        {_row(switch)}")
    ratios = "     ".join(f"{s / r:5.2f}x  " for s, r in zip(switch, rebuild, strict=True))
    print(f"ratio switch / answer-edit rebuild:     {ratios}")
    watch = statistics.median(reported)
    print(
        f"--watch rebuild (as it reports):        {watch:6.2f} s  ({watch / floor[0]:.2f}x the floor)"
    )
    print(f"--watch, from the save to its line:     {statistics.median(latency):6.2f} s")


def switch_figures(root: Path, flags: list[str], repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) of `repeat` language switches, each with the presented sections removed
    (build/measured kept) so that every section is presented anew; ends back in zh."""
    samples = []
    for n in range(repeat):
        shutil.rmtree(root / "build" / "sections", ignore_errors=True)
        lang = "en" if n % 2 == 0 else "zh"
        samples.append(timed([str(BIN), "build", *flags, "--lang", lang, "--no-train"], root))
    subprocess.run([str(BIN), "build", *flags], cwd=root, check=True, stdout=subprocess.DEVNULL)
    return samples


def _figures(samples: list[tuple[float, float]]) -> tuple[float, float, float]:
    walls, cpus = [w for w, _ in samples], [c for _, c in samples]
    return statistics.median(walls), min(walls), statistics.median(cpus)


def _row(figures: tuple[float, float, float]) -> str:
    return "   ".join(f"{x:8.2f} s" for x in figures)


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
