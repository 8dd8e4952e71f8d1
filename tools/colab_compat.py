"""Does reportgen install and build on Colab's stack without replacing any of it?

Makes a fresh virtual environment with a Python 3.13 (Colab's), installs what Colab ships
(tensorflow 2.20, keras 3.13, protobuf 5), then installs reportgen from this checkout the
way notebooks/colab.ipynb does (the stack pinned to what is installed, so pip may not replace
it), and in an empty folder runs `reportgen init`, `reportgen build --profile tiny` and
`reportgen check`. Prints the versions, the time of each step and PASS or FAIL; exits 1 on a
failure. Needs the package registry (it downloads TensorFlow: about 600 MB).

    python tools/colab_compat.py --python /path/to/python3.13 [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wheelbuild import build_wheel  # tools/wheelbuild.py

COLAB_STACK = ["tensorflow==2.20.*", "keras==3.13.*", "protobuf>=5,<6"]
PINNED = ("tensorflow", "keras", "protobuf")  # what the notebook keeps as Colab has it
SHOWN = (*PINNED, "numpy", "weasyprint", "fer-reportgen")


def step(name: str, argv: list[str], cwd: Path, times: dict[str, float]) -> None:
    start = time.monotonic()
    print(f"--- {name}: {' '.join(map(str, argv))}", flush=True)
    result = subprocess.run(argv, cwd=cwd)
    times[name] = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit(f"FAIL: {name} exited {result.returncode} after {times[name]:.0f} s")


def versions(python: Path) -> dict[str, str]:
    code = (
        "import json, sys\nfrom importlib import metadata\n"
        f"names = {list(SHOWN)!r}\n"
        "found = {'python': sys.version.split()[0]}\n"
        "for n in names:\n"
        "    try: found[n] = metadata.version(n)\n"
        "    except metadata.PackageNotFoundError: found[n] = 'absent'\n"
        "print(json.dumps(found))"
    )
    return json.loads(subprocess.check_output([python, "-c", code], text=True))


def install(venv: Path, times: dict[str, float]) -> dict[str, str]:
    python = venv / "bin" / "python"
    pip = [python, "-m", "pip", "install", "--quiet"]
    step("install Colab's stack", [*pip, *COLAB_STACK], venv, times)
    before = versions(python)
    constraints = venv / "colab-constraints.txt"
    constraints.write_text("".join(f"{n}=={before[n]}\n" for n in PINNED), encoding="utf-8")
    wheel = build_wheel(venv.parent / "wheel")
    step("install reportgen", [*pip, "-c", constraints, str(wheel)], venv, times)
    after = versions(python)
    changed = [n for n in PINNED if before[n] != after[n]]
    if changed:
        raise SystemExit(f"FAIL: installing reportgen replaced {', '.join(changed)}")
    return after


def build(venv: Path, folder: Path, times: dict[str, float]) -> None:
    reportgen = str(venv / "bin" / "reportgen")
    step(
        "init", [reportgen, "init", "--student-id", "R05942017", "--profile", "tiny"], folder, times
    )
    step(
        "build --profile tiny", [reportgen, "build", "--profile", "tiny", "--quiet"], folder, times
    )
    step("check", [reportgen, "check"], folder, times)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--python", default="python3.13", help="a Python 3.13 interpreter")
    p.add_argument("--keep", type=Path, help="make the venv and the project here (kept)")
    args = p.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="colab-compat-"))
    venv, folder = base / "venv", base / "project"
    folder.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}
    step("make the venv", [args.python, "-m", "venv", "--clear", str(venv)], base, times)
    found = install(venv, times)
    build(venv, folder, times)
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    print("times: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
    print(f"PASS: {folder / 'Report.pdf'} built and checked")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
