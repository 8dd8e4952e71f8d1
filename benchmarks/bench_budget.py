"""Budget adherence on a real clock: `reportgen train --budget` with the quick profile on the
embedded faces, in a fresh project each time, once on a quiet machine and once with every
core busy during the speed probe (spinning processes started when the probe starts and
stopped after --busy-seconds, so that the probe believes the machine slower than it is and
the plan must correct itself from the runs' own epochs).

    python benchmarks/bench_budget.py [--budget 5m] [--profile quick] [--busy-seconds 15]

Prints, for each case, the share of the budget the training used (from the command's own
log line, "training took ... (NN% of the ... it leaves for training)", and from the wall
clock of the whole command, start-up and data included), the plan and the epochs each run
got. Asserts nothing: the tests check the planner against a fake clock (tests/runs/test_plan.py);
this shows what a real machine does with it.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.settings.durations import parse_budget  # noqa: E402
from reportgen.settings.recipe import TRAINING_SHARE  # noqa: E402

SPIN = "while True: pass"
SPENT = re.compile(r"training took .* \((\d+)% of the (.*) it leaves for training\)")


class Spinners:
    """n processes that keep n cores busy until stopped."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list[subprocess.Popen] = []

    def start(self) -> None:
        self.procs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(self.n)]

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait()
        self.procs = []


def train(budget: str, profile: str, cache: Path, busy: int, busy_seconds: float) -> dict:
    """One `reportgen train --budget` in a fresh project; what it said and took."""
    project = Path(tempfile.mkdtemp(prefix="bench-budget-"))
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "reportgen", "train", "--profile", profile, "--budget", budget]
    spinners, busy_window = Spinners(busy), {}
    start = time.monotonic()
    proc = subprocess.Popen(
        argv, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []

    def stop_after(seconds: float) -> None:
        time.sleep(seconds)
        if spinners.procs:
            spinners.stop()
            busy_window["stopped"] = time.monotonic() - start

    def read_log() -> None:
        for line in proc.stderr:
            lines.append(line.rstrip())
            if busy and "measuring how fast" in line and "started" not in busy_window:
                spinners.start()
                busy_window["started"] = time.monotonic() - start
                threading.Thread(target=stop_after, args=(busy_seconds,), daemon=True).start()

    reader = threading.Thread(target=read_log)
    reader.start()
    out = proc.stdout.read()
    proc.wait()
    reader.join()
    spinners.stop()
    wall = time.monotonic() - start
    spent = next((m for line in lines if (m := SPENT.search(line))), None)
    return {
        "code": proc.returncode,
        "wall": wall,
        "training_pct": int(spent[1]) if spent else None,
        "plan": next((line for line in lines if line.startswith("plan:")), ""),
        "runs": out.strip().splitlines(),
        "busy": busy_window,
        "errors": [line for line in lines if "error" in line.lower()],
    }


def report(name: str, budget: str, got: dict) -> None:
    seconds = parse_budget(budget)
    print(f"== {name}: --budget {budget} ({seconds:.0f} s), exit {got['code']}")
    if got["busy"]:
        b = got["busy"]
        print(f"   cores busy from {b.get('started', 0):.0f} s to {b.get('stopped', 0):.0f} s")
    if got["training_pct"] is not None:
        pct = got["training_pct"]
        print(
            f"   training used {pct}% of its {TRAINING_SHARE:.0%} of the budget, "
            f"{pct * TRAINING_SHARE:.0f}% of the budget"
        )
    print(
        f"   the whole command (start-up, data, probe, training) took {got['wall']:.0f} s: "
        f"{got['wall'] / seconds:.0%} of the budget"
    )
    print(f"   {got['plan']}")
    for line in got["runs"]:
        print(f"   {line}")
    for line in got["errors"]:
        print(f"   ! {line}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget", default="5m")
    p.add_argument("--profile", default="quick")
    p.add_argument("--busy-seconds", type=float, default=15.0)
    p.add_argument("--cores", type=int, default=os.cpu_count() or 2, help="spinners when busy")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-budget-cache-") as cache:
        for name, busy in (("quiet", 0), (f"{args.cores} cores busy during the probe", args.cores)):
            got = train(args.budget, args.profile, Path(cache), busy, args.busy_seconds)
            report(name, args.budget, got)


if __name__ == "__main__":
    main()
