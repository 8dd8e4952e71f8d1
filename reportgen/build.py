"""Building the report: train what is missing, compute (or read) each section, render.

A section is cached in build/sections/<module>/<key>/ (section.json and its figure files).
Its key hashes the keys of the runs it reads, the settings that change its content and the
code and prose templates that write it, so `run q3` recomputes q3 alone and the others are
read back as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import questions
from reportgen import PROJECT_ROOT, TEMPLATES_DIR
from reportgen.answers import apply_answers
from reportgen.context import Context
from reportgen.errors import UserError
from reportgen.progress import Reporter
from reportgen.project import Project
from reportgen.runs.run import Run
from reportgen.sections import Section, placeholder

SECTION_FILE = "section.json"
# The code every section depends on besides its own module.
_SHARED_CODE = (
    "reportgen/plots",
    "reportgen/facts",
    "reportgen/explain",
    "reportgen/figures.py",
    "reportgen/sections.py",
    "reportgen/text.py",
    "reportgen/context.py",
    "reportgen/classes.py",
    "questions/_runs.py",
    "questions/_common.py",
)


def _code_digest(module: str, lang: str) -> str:
    digest = hashlib.sha256()
    paths = [PROJECT_ROOT / "questions" / f"{module}.py"]
    for rel in _SHARED_CODE:
        p = PROJECT_ROOT / rel
        paths.extend(sorted(p.glob("*.py")) if p.is_dir() else [p])
    paths.extend(sorted((TEMPLATES_DIR / "text" / lang).glob("*.j2")))
    for p in paths:
        if p.is_file():
            digest.update(p.name.encode())
            digest.update(p.read_bytes())
    return digest.hexdigest()


def section_key(project: Project, module: str) -> str:
    config = project.config
    fingerprint = project.fingerprint
    blob = json.dumps(
        {
            "module": module,
            "runs": {n: s.key(fingerprint) for n, s in sorted(project.module_runs(module).items())},
            "lang": config.report.lang,
            "profile": project.profile.name,
            "kaggle": [config.kaggle.public, config.kaggle.private],
            "explain": config.explain.filter_layer,
            "data": fingerprint,
            "code": _code_digest(module, config.report.lang),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def section_folder(project: Project, module: str) -> Path:
    return project.config.build_dir / "sections" / module / section_key(project, module)


def read_section(project: Project, module: str) -> tuple[Section, Path] | None:
    folder = section_folder(project, module)
    try:
        return Section.from_json((folder / SECTION_FILE).read_text(encoding="utf-8")), folder
    except (OSError, ValueError, KeyError):
        return None


class RunsMissing(UserError):
    """A build that may not train (--no-train) needs runs that runs/ does not hold."""

    def __init__(self, names: list[str], runs_dir: Path) -> None:
        self.names = names
        listed = ", ".join(names)
        runs = "run" if len(names) == 1 else "runs"
        super().__init__(f"{runs} {listed} not in {runs_dir.name}/ and --no-train forbids training")


def train_missing(
    project: Project, modules: tuple[str, ...], report: Reporter, *, train: bool = True
) -> dict[str, Run]:
    """Ensure every run the modules need (train=False: refuse, RunsMissing, if one is
    missing); returns them by key."""
    specs = project.all_runs(modules)
    missing = [k for k, s in specs.items() if not project.store.has(s, project.data)]
    if missing and not train:
        names = list(dict.fromkeys(specs[k].name for k in missing))
        raise RunsMissing(names, project.config.runs_dir)
    runs: dict[str, Run] = {}
    task = report.task("training runs", total=len(missing)) if missing else None
    done = 0
    for key, spec in specs.items():
        if key in missing:
            done += 1
            runs[key] = project.store.ensure(
                spec, project.data, report, f"run {done}/{len(missing)} {spec.name}"
            )
            report.advance(task)
        else:
            runs[key] = project.store.get(spec, project.data)
    if task is not None:
        report.done(task)
    return runs


def compute_section(
    project: Project, module: str, runs_by_key: dict[str, Run]
) -> tuple[Section, Path]:
    """Compute the module's section afresh and cache it (replacing an older copy)."""
    fingerprint = project.fingerprint
    runs = {n: runs_by_key[s.key(fingerprint)] for n, s in project.module_runs(module).items()}
    folder = section_folder(project, module)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        ctx = Context(
            module=module,
            config=project.config,
            profile=project.profile,
            data=project.data,
            runs=runs,
            out_dir=tmp,
        )
        section = questions.load(module).answer(ctx)
        (tmp / SECTION_FILE).write_text(section.to_json(), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(tmp, folder)
        except OSError:  # another process wrote the same section meanwhile: same content
            if not (folder / SECTION_FILE).exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return section, folder


def build(
    project: Project,
    report: Reporter,
    recompute: tuple[str, ...] | None = None,
    *,
    train: bool = True,
) -> Path:
    """Build Report.pdf. recompute=None: every section, from cache where it is current;
    recompute=(modules): those recomputed, the others read from cache or left as
    placeholders. train=False: a missing run is an error (RunsMissing), never trained.
    Returns the PDF's path."""
    from reportgen.render.report import render_report

    template = project.template
    modules = template.modules()
    wanted = modules if recompute is None else tuple(m for m in modules if m in recompute)
    sections: dict[str, tuple[Section, Path]] = {}
    recomputed = set(wanted) if recompute is not None else set()
    cached_sections = {m: read_section(project, m) for m in modules if m not in recomputed}
    to_compute = [m for m in wanted if m in recomputed or cached_sections[m] is None]
    runs_by_key = (
        train_missing(project, tuple(to_compute), report, train=train) if to_compute else {}
    )
    task = report.task("sections", total=len(modules))
    for module in modules:
        report.advance(task, 0, description=f"section {module}")
        cached = cached_sections.get(module)
        if module in to_compute:
            cached = compute_section(project, module, runs_by_key)
        if cached is not None:
            section, folder = cached
            sections[module] = (apply_answers(section, project.config.answers_dir), folder)
        else:
            sections[module] = (
                placeholder(module, f"reportgen run {module.split('_')[0]}"),
                project.config.build_dir,
            )
        report.advance(task)
    report.done(task)
    render_report(
        template,
        sections,
        project.config.student,
        lang=project.config.report.lang,
        output=project.config.output_path,
        build_dir=project.config.build_dir,
        notice=data_notice(project),
    )
    return project.config.output_path


def data_notice(project: Project) -> str | None:
    if not project.synthetic:
        return None
    if project.config.report.lang == "zh":
        return (
            "本報告使用 reportgen 內建的合成表情臉孔資料（示範用），並非 FER2013；"
            "繳交前請以 --data 指定課程的 train.csv 重新產生。"
        )
    return (
        "This report was built on reportgen's embedded synthetic expression faces (demo data), "
        "not on FER2013; build it again with --data pointing at the course's train.csv before "
        "handing it in."
    )
