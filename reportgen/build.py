"""Building the report: train what is missing, compute (or read) each section, render.

A section is cached in build/sections/<module>/<key>/ (section.json and its figure files).
Its key is the hash of everything that can change it, each derived, never listed: the keys
of the runs it reads, the values its module declares in params(), the language, the data's
fingerprint, the project code the module imports (reportgen.store.keys) and the words it
reads (text_files). So `run q3` recomputes q3 alone, and a changed setting recomputes only
the sections that declare it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reportgen import questions
from reportgen.errors import RunsMissing
from reportgen.progress import Reporter
from reportgen.project.answers import apply_answers
from reportgen.project.folder import Project
from reportgen.questions.context import Context, Shared
from reportgen.render.blocks import Section, placeholder
from reportgen.runs.run import Run
from reportgen.store import paths
from reportgen.store.keys import code_digest, digest, section_files
from reportgen.store.section_folders import read_section_text, write_section
from reportgen.words.text import WORDS_FILE, prose_file, words


def module_params(project: Project, module: str) -> dict:
    """The settings the module declares for its section (plain data)."""
    return questions.load(module).params(project.profile, project.config)


def text_files(lang: str, template: str) -> tuple[Path, ...]:
    """The words a module's section reads: its prose template, the templates that one
    includes or imports, and the language's catalog."""
    from jinja2 import Environment, meta

    first = prose_file(lang, template)
    seen = {first}
    todo = [first]
    while todo:
        path = todo.pop()
        if not path.is_file():
            continue
        parsed = Environment().parse(path.read_text(encoding="utf-8"))
        for ref in meta.find_referenced_templates(parsed):
            if ref is not None and (path.parent / ref) not in seen:
                seen.add(path.parent / ref)
                todo.append(path.parent / ref)
    return (*sorted(seen), first.parent / WORDS_FILE)


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
            "code": code_digest(section_files(f"reportgen.questions.{module}")),
            "text": digest(text_files(lang, module)),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def section_folder(project: Project, module: str) -> Path:
    return paths.section_folder(project.config.build_dir, module, section_key(project, module))


def read_section(project: Project, module: str) -> tuple[Section, Path] | None:
    folder = section_folder(project, module)
    text = read_section_text(folder)
    try:
        return (Section.from_json(text), folder) if text is not None else None
    except (ValueError, KeyError):
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
    made: list[Section] = []

    def make(work: Path) -> str:
        ctx = Context(
            module=module,
            lang=project.config.report.lang,
            params=module_params(project, module),
            data=project.data,
            runs=runs,
            out_dir=work,
            shared=shared or Shared(),
        )
        made.append(questions.load(module).answer(ctx))
        return made[0].to_json()

    write_section(folder, make)
    return made[0], folder


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
    render_report(
        template,
        built_sections(project, template.modules(), recompute, report, train),
        project.config.student,
        lang=project.config.report.lang,
        output=project.config.output_path,
        build_dir=project.config.build_dir,
        notice=data_notice(project),
    )
    return project.config.output_path


def built_sections(
    project: Project,
    modules: tuple[str, ...],
    recompute: tuple[str, ...] | None,
    report: Reporter,
    train: bool,
) -> dict[str, tuple[Section, Path]]:
    """Each module's section (with the student's answers) and its folder: read from the
    cache, computed (recompute, or not cached), or a placeholder (not asked for)."""
    wanted = modules if recompute is None else tuple(m for m in modules if m in recompute)
    recomputed = set(wanted) if recompute is not None else set()
    cached_sections = {m: read_section(project, m) for m in modules if m not in recomputed}
    to_compute = [m for m in wanted if m in recomputed or cached_sections[m] is None]
    runs_by_key = (
        train_missing(project, tuple(to_compute), report, train=train) if to_compute else {}
    )
    shared = Shared()
    sections: dict[str, tuple[Section, Path]] = {}
    task = report.task("sections", total=len(modules))
    for module in modules:
        report.advance(task, 0, description=f"section {module}")
        cached = cached_sections.get(module)
        if module in to_compute:
            cached = compute_section(project, module, runs_by_key, shared)
        sections[module] = shown_section(project, module, cached)
        report.advance(task)
    report.done(task)
    return sections


def shown_section(
    project: Project, module: str, cached: tuple[Section, Path] | None
) -> tuple[Section, Path]:
    """The section with the student's answers, or the placeholder naming `reportgen run`."""
    if cached is None:
        lang = project.config.report.lang
        text = f"reportgen run {module.split('_')[0]}"
        return placeholder(module, text, lang), project.config.build_dir
    section, folder = cached
    return apply_answers(section, project.config.answers_dir), folder


def data_notice(project: Project) -> str | None:
    """The first page's warning that the report was built on the embedded demo data."""
    if not project.synthetic:
        return None
    return words(project.config.report.lang)["data_notice"]
