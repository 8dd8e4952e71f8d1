"""`reportgen doctor` and `reportgen --version`: what this machine and this folder have of
what a build needs, for a student or the teaching assistant helping them.

doctor prints one line per check (Python, reportgen, its dependencies, TensorFlow, Keras and
its backend, Pango, the CJK font, the hardware and precision, the cache folder, free disk, the
project folder), each failed one with its fix, and exits 1 when something a build needs is
missing. It writes nothing: a folder's writability is asked of the system (os.access).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import DIST
from reportgen.errors import UserError
from reportgen.settings.config import CONFIG_FILE, load_config, overrides
from reportgen.store.cachedir import cache_root

if TYPE_CHECKING:  # imported where used: `reportgen --version` and main stay quick
    from packaging.requirements import Requirement

    from reportgen.project.origin import Source

OK, WARN, FAIL = "ok", "warn", "FAIL"
GB = 1024**3
FREE_NEEDED = 0.3 * GB  # less than this and a build's runs and caches may not fit: FAIL
FREE_ADVISED = 2 * GB  # less than this: WARN (the course's data and a full profile's runs)
# The dependencies with lines of their own (the rest share one line).
OWN_LINES = ("tensorflow", "keras")
INSTALL = "pip install fer-reportgen (or, in a checkout, pip install -e .)"


@dataclass(frozen=True)
class Check:
    """One line of doctor: the state (OK, WARN, FAIL: the build needs it), what was found,
    and, where it is not OK, what to do."""

    name: str
    state: str
    found: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.found}; fix: {self.fix}" if self.fix else self.found
        return f"{self.state:<4}  {self.name:<12}  {text}"


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print every check; exit 1 when one that a build needs failed, else 0."""
    print(f"reportgen doctor: this machine, and the project folder {Path.cwd()}")
    checks = []
    for check in CHECKS:
        checks.append(check(args))
        print(checks[-1].line(), flush=True)  # as found: TensorFlow takes seconds to load
    failed = [c.name for c in checks if c.state == FAIL]
    if failed:
        print(f"doctor: a build needs {', '.join(failed)} fixed first (see the fixes above)")
        return 1
    print("doctor: everything a build needs is here")
    return 0


class VersionAction(argparse.Action):
    """`--version`: the version and where this copy came from, then exit 0 (found only when
    asked: it may run git)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings,
            dest,
            default=argparse.SUPPRESS,
            nargs=0,
            help="print reportgen's version and where it came from (a release or a git commit)",
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from reportgen.project.origin import install_source

        print(f"reportgen {version_text(install_source())}")
        parser.exit()


def version_text(source: Source) -> str:
    """The version and its origin, for --version and doctor: "0.4.0 (release, installed from
    the package index)", "0.4.1.dev3+g1a2b3c4 (git commit 1a2b3c4 of ...)"."""
    where = f"installed from {source.location or 'the package index'}"
    if source.kind == "release":
        return f"{source.version} (release, {where})"
    if source.kind == "commit":
        return f"{source.version} (git commit {source.commit or '?'}, not a release, {where})"
    commit = f"git commit {source.commit}" if source.commit else "no git commit"
    changed = ", with uncommitted changes" if source.changed else ""
    if source.kind == "checkout":
        where = f"the checkout {source.location}, editable install"
        return f"{source.version} ({commit} of {where}{changed})"
    return f"{source.version} (not installed: imported from {source.location}, {commit}{changed})"


def python_check(args: argparse.Namespace) -> Check:
    from packaging.specifiers import SpecifierSet

    found = f"{sys.version.split()[0]} at {sys.executable}"
    try:
        wanted = (metadata.metadata(DIST).get_all("Requires-Python") or [""])[0]
    except metadata.PackageNotFoundError:
        wanted = ""
    version = ".".join(map(str, sys.version_info[:3]))
    if wanted and not SpecifierSet(wanted).contains(version):
        fix = f"install reportgen into a Python {wanted} (or use Colab)"
        return Check("Python", FAIL, f"{found}, not {wanted}", fix)
    return Check("Python", OK, found)


def reportgen_check(args: argparse.Namespace) -> Check:
    from reportgen.project.origin import install_source

    return Check("reportgen", OK, version_text(install_source()))


def requirements() -> list[Requirement]:
    """What the installed reportgen requires (its extras' requirements left out)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        lines = metadata.requires(DIST) or []
    except metadata.PackageNotFoundError:
        return []
    found = []
    for line in lines:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            found.append(req)
    return found


def requirement_problem(req: Requirement) -> str | None:
    """Why the installed copy of a requirement does not meet it; None when it does."""
    try:
        version = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        return f"{req.name} is not installed"
    if req.specifier and not req.specifier.contains(version, prereleases=True):
        return f"{req.name} {version} is installed, not {req.specifier}"
    return None


def pip_fix(reqs: list[Requirement]) -> str:
    specs = " ".join(f"'{r.name}{r.specifier}'" for r in reqs)
    return f"{sys.executable} -m pip install {specs}"


def dependencies_check(args: argparse.Namespace) -> Check:
    reqs = [r for r in requirements() if r.name.lower() not in OWN_LINES]
    if not reqs:
        return Check("dependencies", WARN, "reportgen is not installed: none checked", INSTALL)
    bad = [(r, p) for r in reqs if (p := requirement_problem(r)) is not None]
    if bad:
        found = "; ".join(p for _, p in bad)
        return Check("dependencies", FAIL, found, pip_fix([r for r, _ in bad]))
    return Check("dependencies", OK, f"{len(reqs)} installed at the versions reportgen needs")


def _requirement(name: str) -> Requirement:
    from packaging.requirements import Requirement

    found = [r for r in requirements() if r.name.lower() == name]
    return found[0] if found else Requirement(name)


def tensorflow_check(args: argparse.Namespace) -> Check:
    req = _requirement("tensorflow")
    problem = requirement_problem(req)
    if problem is not None:
        return Check("TensorFlow", FAIL, problem, pip_fix([req]))
    from reportgen.tfenv import import_tensorflow

    try:
        tf = import_tensorflow()
    except Exception as exc:  # a broken install: say what, not a traceback
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        found = f"TensorFlow {metadata.version('tensorflow')} does not import: {detail}"
        return Check("TensorFlow", FAIL, found, f"{pip_fix([req])} --force-reinstall")
    return Check("TensorFlow", OK, tf.__version__)


def keras_check(args: argparse.Namespace) -> Check:
    """Keras' version and the backend it would run on (read, not imported: under another
    backend that is not installed, importing it fails)."""
    from reportgen.tfenv import keras_backend, require_tensorflow_backend

    req = _requirement("keras")
    problem = requirement_problem(req)
    if problem is not None:
        return Check("Keras", FAIL, problem, pip_fix([req]))
    found = f"{metadata.version('keras')}, backend {keras_backend()}"
    try:
        require_tensorflow_backend()
    except UserError as exc:
        return Check("Keras", FAIL, f"{metadata.version('keras')}: {exc}")
    return Check("Keras", OK, found)


def pango_check(args: argparse.Namespace) -> Check:
    from reportgen.render.native import load_weasyprint

    try:
        weasyprint = load_weasyprint()
    except UserError as exc:  # its message names the fix for this platform
        return Check("Pango", FAIL, str(exc))
    from weasyprint.text.ffi import pango

    number = pango.pango_version()  # major * 10000 + minor * 100 + micro
    pango_version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return Check("Pango", OK, f"Pango {pango_version}, WeasyPrint {weasyprint.__version__}")


def fonts_check(args: argparse.Namespace) -> Check:
    from reportgen.render.fonts import cjk_sources

    try:
        sources = cjk_sources()
    except UserError as exc:  # its message names the fix
        return Check("fonts", FAIL, str(exc))
    families = ", ".join(sorted({s.family for s in sources.values()}))
    files = ", ".join(sorted({s.path.name for s in sources.values()}))
    package = metadata.version("noto-cjk-sans-otc")
    return Check("fonts", OK, f"{families} ({files}, noto-cjk-sans-otc {package})")


def hardware_check(args: argparse.Namespace) -> Check:
    """What would train, and in which precision; a GPU the driver has but TensorFlow does not
    see is a warning (its CUDA libraries are missing)."""
    from reportgen.tfenv import choose_precision, device_description, hardware

    try:
        kind = hardware()["kind"]
        found = f"{device_description()}, precision {choose_precision()}"
    except Exception as exc:  # the TensorFlow line above says why, and fails
        return Check(
            "hardware", WARN, f"not known: TensorFlow does not load ({type(exc).__name__})"
        )
    if kind == "cpu" and Path("/proc/driver/nvidia").exists():
        fix = f"{sys.executable} -m pip install 'fer-reportgen[gpu]' (TensorFlow's CUDA build)"
        return Check("hardware", WARN, f"{found}: an NVIDIA GPU is here, TensorFlow sees none", fix)
    if kind == "cpu":
        found += " (no GPU: fine for tiny and quick, and for --budget; Colab has GPUs)"
    return Check("hardware", OK, found)


def _existing(path: Path) -> Path:
    """The path, or its nearest folder that exists (what would be made under it)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def cache_check(args: argparse.Namespace) -> Check:
    root = cache_root()
    there = _existing(root)
    made = "" if there == root.absolute() else f" (to be made in {there})"
    if not os.access(there, os.W_OK | os.X_OK):
        fix = "set REPORTGEN_CACHE_DIR to a folder you can write"
        return Check("cache folder", FAIL, f"{root}{made} is not writable", fix)
    return Check("cache folder", OK, f"{root}{made}, writable")


def disk_check(args: argparse.Namespace) -> Check:
    """Free space where the project and the cache folder are (one figure when one disk)."""
    places = {"the project": _existing(Path.cwd()), "the cache": _existing(cache_root())}
    free = {name: shutil.disk_usage(path).free for name, path in places.items()}
    devices = {path.stat().st_dev for path in places.values()}
    shown = [f"{free['the project'] / GB:.1f} GB"]
    if len(devices) > 1:
        shown = [f"{free[name] / GB:.1f} GB for {name}" for name in places]
    least = min(free.values())
    found = f"{', '.join(shown)} free"
    fix = "free some space (a cold build trains runs and caches the data; see README)"
    if least < FREE_NEEDED:
        return Check("free disk", FAIL, found, fix)
    if least < FREE_ADVISED:
        return Check("free disk", WARN, f"{found}: little for a full profile's runs", fix)
    return Check("free disk", OK, found)


def project_check(args: argparse.Namespace) -> Check:
    """The folder as a project: reportgen.toml there and valid, the student ID, runs/ and
    answers/."""
    from reportgen.store.run_folders import RunFolders

    root = Path.cwd()
    if not (root / CONFIG_FILE).is_file():
        above = next((p for p in root.parents if (p / CONFIG_FILE).is_file()), None)
        if above is not None:
            found = f"no {CONFIG_FILE} here: {above} is the project"
            return Check("project", WARN, found, f"cd {above}")
        fix = "reportgen init --student-id R0XXXXXXX (or pass --student-id to build)"
        return Check("project", WARN, f"no {CONFIG_FILE} in {root}: not a project yet", fix)
    try:
        config = load_config(root, overrides(args))
    except UserError as exc:  # one line naming the key, the value and what is expected
        return Check("project", FAIL, f"{CONFIG_FILE}: {exc}")
    runs = len(RunFolders(config.runs_dir).runs())
    answers = config.answers_dir
    written = len([p for p in answers.glob("*.md") if p.name != "README.md"])
    state = f"{CONFIG_FILE} valid, {runs} runs in runs/, " + (
        f"{written} answers in answers/" if answers.is_dir() else "no answers/ folder"
    )
    if not config.student.id:
        fix = "set student.id in reportgen.toml (or pass --student-id)"
        return Check("project", WARN, f"{state}, no student ID", fix)
    return Check("project", OK, f"{state}, student {config.student.id}")


CHECKS: tuple[Callable[[argparse.Namespace], Check], ...] = (
    python_check,
    reportgen_check,
    dependencies_check,
    tensorflow_check,
    keras_check,
    pango_check,
    fonts_check,
    hardware_check,
    cache_check,
    disk_check,
    project_check,
)
