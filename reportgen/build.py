"""Building the report: train what is missing, compute (or read) each section, render.

A section is cached in build/sections/<module>/<key>/ (section.json and its figure files).
Its key is the hash of everything that can change it, each derived, never listed: the keys
of the runs it reads, the values its module declares in params(), the language, the data's
fingerprint, the project code the module imports and the words it reads
(reportgen.sources). So `run q3` recomputes q3 alone, and a changed setting recomputes only
the sections that declare it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from reportgen import questions
from reportgen.answers import apply_answers
from reportgen.context import Context, Shared
from reportgen.errors import RunsMissing
from reportgen.progress import Reporter
from reportgen.project import Project
from reportgen.runs.run import Run
from reportgen.sections import Section, placeholder
from reportgen.sources import code_files, digest, text_files
from reportgen.text import words

SECTION_FILE = "section.json"


def module_params(project: Project, module: str) -> dict:
    """The settings the module declares for its section (plain data)."""
    return questions.load(module).params(project.profile, project.config)


def section_key(project: Project, module: str) -> str:
    fingerprint = project.fingerprint
    lang = project.config.report.lang
    blob = json.dumps(
        {
            "module": module,
            "runs": {n: s.key(fingerprint) for n, s in sorted(project.module_runs(module).items())},
            "params": module_params(project, module),
            "lang": lang,
            "data": fingerprint,
            "code": digest(code_files(f"reportgen.questions.{module}")),
            "text": digest(text_files(lang, module)),
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


def train_missing(
    project: Project, modules: tuple[str, ...], report: Reporter, *, train: bool = True
) -> dict[str, Run]:
    """Every run the modules need, by key: cached ones read, the others trained (within the
    budget, if there is one); train=False refuses to train (RunsMissing) instead."""
    specs = project.all_runs(modules)
    missing = [k for k, s in specs.items() if not project.store.has(s, project.data)]
    if missing and not train:
        names = list(dict.fromkeys(specs[k].name for k in missing))
        raise RunsMissing(names, project.config.runs_dir)
    return project.train(specs, report)


def compute_section(
    project: Project, module: str, runs_by_key: dict[str, Run], shared: Shared | None = None
) -> tuple[Section, Path]:
    """Compute the module's section afresh and cache it (replacing an older copy). `shared`:
    the build's choices common to several sections (made here when not given)."""
    fingerprint = project.fingerprint
    runs = {n: runs_by_key[s.key(fingerprint)] for n, s in project.module_runs(module).items()}
    folder = section_folder(project, module)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        ctx = Context(
            module=module,
            lang=project.config.report.lang,
            params=module_params(project, module),
            data=project.data,
            runs=runs,
            out_dir=tmp,
            shared=shared or Shared(),
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
    lang = project.config.report.lang
    modules = template.modules()
    wanted = modules if recompute is None else tuple(m for m in modules if m in recompute)
    sections: dict[str, tuple[Section, Path]] = {}
    recomputed = set(wanted) if recompute is not None else set()
    cached_sections = {m: read_section(project, m) for m in modules if m not in recomputed}
    to_compute = [m for m in wanted if m in recomputed or cached_sections[m] is None]
    runs_by_key = (
        train_missing(project, tuple(to_compute), report, train=train) if to_compute else {}
    )
    shared = Shared()
    task = report.task("sections", total=len(modules))
    for module in modules:
        report.advance(task, 0, description=f"section {module}")
        cached = cached_sections.get(module)
        if module in to_compute:
            cached = compute_section(project, module, runs_by_key, shared)
        if cached is not None:
            section, folder = cached
            sections[module] = (apply_answers(section, project.config.answers_dir), folder)
        else:
            sections[module] = (
                placeholder(module, f"reportgen run {module.split('_')[0]}", lang),
                project.config.build_dir,
            )
        report.advance(task)
    report.done(task)
    render_report(
        template,
        sections,
        project.config.student,
        lang=lang,
        output=project.config.output_path,
        build_dir=project.config.build_dir,
        notice=data_notice(project),
    )
    return project.config.output_path


def data_notice(project: Project) -> str | None:
    """The first page's warning that the report was built on the embedded demo data."""
    if not project.synthetic:
        return None
    return words(project.config.report.lang)["data_notice"]
