"""Mutation testing as the measure of the suite: mutmut over the pure, fast modules (which, and
with which tests, is setup.cfg's [mutmut] section), run in a copy of the checkout (mutmut writes
its mutants/ folder where it runs). Prints the score per module and every surviving mutant
with its diff. Not part of CI: it takes many minutes.

    nice -n 10 python benchmarks/bench_mutation.py [--workdir /tmp/reportgen-mutation]
        [--max-children 1] [--without tests/runs/test_plan.py] [--report-only]

--without leaves test files (or node ids) out of the selection (the score without the tests that kill
survivors); --report-only prints the results of an earlier run in --workdir.

A module's score is the share of its mutants detected: killed by a test, or stopped by the
timeout. Of reportgen/store/keys.py only content_key and ast_text count (FUNCTIONS): the
rest of it walks the package's files, which the key tests check on copies of the package.
"""

from __future__ import annotations

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("reportgen", "tests", "pyproject.toml", "setup.cfg")
DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
# Per module, the functions whose mutants count (all when the module is not listed).
FUNCTIONS = {"reportgen.store.keys": ("content_key", "ast_text")}
MUTANT = re.compile(r"^\s+(\S+): (.+)$")


def copy_checkout(workdir: Path, without: list[str]) -> None:
    """The package, its tests and settings in workdir; setup.cfg's selection less `without`."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, ignore=ignore)
        else:
            shutil.copy2(source, workdir / name)
    if without:
        config = configparser.ConfigParser()
        config.read(workdir / "setup.cfg")
        tests = config["mutmut"]["pytest_add_cli_args_test_selection"].split("\n")
        kept = [t for t in tests if t and not any(t.startswith(w) for w in without)]
        config["mutmut"]["pytest_add_cli_args_test_selection"] = "\n" + "\n".join(kept)
        with (workdir / "setup.cfg").open("w", encoding="utf-8") as f:
            config.write(f)


def mutmut(workdir: Path, *args: str, capture: bool = False) -> str:
    """mutmut's command in workdir (its output, when captured); SystemExit when it fails."""
    exe = Path(sys.executable).parent / "mutmut"
    done = subprocess.run(
        [str(exe), *args],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": "", "REPORTGEN_CACHE_DIR": str(workdir / "cache")},
        capture_output=capture,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"mutmut {' '.join(args)} failed ({done.returncode}): {done.stderr or ''}")
    return done.stdout if capture else ""


def module_and_function(name: str) -> tuple[str, str]:
    """'reportgen.runs.plan.x_plan_runs__mutmut_3' -> ('reportgen.runs.plan', 'plan_runs');
    a method 'reportgen.runs.plan.xǁPaceǁreplan__mutmut_1' -> (..., 'Pace.replan')."""
    base = name.rsplit("__mutmut_", 1)[0]
    module, _, function = base.rpartition(".")
    if function.startswith("xǁ"):
        return module, ".".join(p for p in function[1:].split("ǁ") if p)
    return module, function.removeprefix("x_")


def results(workdir: Path) -> dict[str, dict[str, str]]:
    """{module: {mutant: status}}, the mutants that count (see FUNCTIONS)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for line in mutmut(workdir, "results", "--all", "true", capture=True).splitlines():
        match = MUTANT.match(line)
        if not match:
            continue
        name, status = match[1], match[2].strip()
        module, function = module_and_function(name)
        if module in FUNCTIONS and function not in FUNCTIONS[module]:
            continue
        out[module][name] = status
    return dict(out)


def report(workdir: Path, by_module: dict[str, dict[str, str]], show_diffs: bool) -> None:
    total_detected = total = 0
    print(f"{'module':40s} {'mutants':>7s} {'killed':>7s} {'score':>6s}")
    for module in sorted(by_module):
        statuses = by_module[module]
        detected = sum(s in DETECTED for s in statuses.values())
        total_detected, total = total_detected + detected, total + len(statuses)
        print(f"{module:40s} {len(statuses):7d} {detected:7d} {detected / len(statuses):6.1%}")
    if total:
        print(f"{'all':40s} {total:7d} {total_detected:7d} {total_detected / total:6.1%}")
    untested: dict[str, int] = defaultdict(int)
    print("\nsurviving mutants:")
    for module in sorted(by_module):
        for name, status in sorted(by_module[module].items(), key=lambda kv: _order(kv[0])):
            if status == "no tests":  # a function no selected test reaches: counted below
                untested[".".join(module_and_function(name))] += 1
            elif status not in DETECTED:
                print(f"\n{name}: {status}")
                if show_diffs:
                    diff = mutmut(workdir, "show", name, capture=True)
                    lines = diff.splitlines()
                    print(
                        "\n".join(
                            s for s in lines if s[:1] in "+-" and not s.startswith(("+++", "---"))
                        )
                    )
    if untested:
        print("\nfunctions no selected test reaches (their mutants: 'no tests'):")
        for function, n in sorted(untested.items()):
            print(f"  {function}: {n}")


def _order(name: str) -> tuple[str, int]:
    base, _, number = name.rpartition("__mutmut_")
    return base, int(number) if number.isdigit() else 0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workdir", type=Path, default=Path("/tmp/reportgen-mutation"))
    p.add_argument("--max-children", type=int, default=1)
    p.add_argument("--without", nargs="*", default=[], help="test files left out")
    p.add_argument("--report-only", action="store_true")
    p.add_argument("--no-diffs", action="store_true")
    args = p.parse_args()
    if not args.report_only:
        copy_checkout(args.workdir, args.without)
        mutmut(args.workdir, "run", "--max-children", str(args.max_children))
    report(args.workdir, results(args.workdir), not args.no_diffs)


if __name__ == "__main__":
    main()
