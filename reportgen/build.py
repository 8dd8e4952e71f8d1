"""Building the report: train what is missing, measure each section (or read its measurement),
present it in the report's language (or read it), render.

A question's measurement is cached in build/measured/<module>/<key>/, its key over what can
change a number: the keys of its runs, its params(), the data's fingerprint and the code its
measure() runs (keys.measuring_digest). Its presentation, in one language, is cached in
build/sections/<module>/<key>/, its key over the measurement's key, the language, the code
the module imports and its words. So `build --lang en` after a zh build measures nothing,
a fixed caption re-presents without measuring, and `run q3` measures q3 alone.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reportgen import questions
from reportgen.errors import RunsMissing
from reportgen.progress import Reporter
from reportgen.project.answers import apply_answers
from reportgen.project.folder import Project
from reportgen.questions.context import Context, Page, Shared
from reportgen.questions.measured import Measured
from reportgen.render.blocks import Section
from reportgen.runs.run import Run
from reportgen.store import paths
from reportgen.store.keys import (
    code_digest,
    content_key,
    digest,
    measuring_digest,
    section_files,
)
from reportgen.store.section_folders import (
    measured_folder,
    read_measured,
    read_section_text,
    write_measured,
    write_section,
)
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


def measured_key(project: Project, module: str) -> str:
    fingerprint = project.fingerprint
    return content_key(
        "measured",
        {
            "module": module,
            "runs": {n: s.key(fingerprint) for n, s in sorted(project.module_runs(module).items())},
            "params": module_params(project, module),
            "data": fingerprint,
            "code": measuring_digest(f"reportgen.questions.{module}"),
        },
    )


def section_key(project: Project, module: str) -> str:
    lang = project.config.report.lang
    return content_key(
        "section",
        {
            "measured": measured_key(project, module),
            "lang": lang,
            "code": code_digest(section_files(f"reportgen.questions.{module}")),
            "text": digest(text_files(lang, module)),
        },
    )


def section_folder(project: Project, module: str) -> Path:
    return paths.section_folder(project.config.build_dir, module, section_key(project, module))


def read_section(project: Project, module: str) -> tuple[Section, Path] | None:
    folder = section_folder(project, module)
    text = read_section_text(folder)
    try:
        return (Section.from_json(text), folder) if text is not None else None
    except (ValueError, KeyError):
        return None


def read_measurement(project: Project, module: str) -> Measured | None:
    """The module's measurement from its cache folder, if it is there and whole."""
    folder = measured_folder(project.config.build_dir, module, measured_key(project, module))
    found = read_measured(folder)
    try:
        return Measured.from_json(*found) if found is not None else None
    except (ValueError, KeyError, TypeError):
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


def measure_section(
    project: Project, module: str, runs_by_key: dict[str, Run], shared: Shared | None = None
) -> Measured:
    """Measure the module afresh and cache the measurement (replacing an older copy).
    `shared`: the build's choices common to several sections (made here when not given)."""
    fingerprint = project.fingerprint
    ctx = Context(
        module=module,
        params=module_params(project, module),
        data=project.data,
        runs={n: runs_by_key[s.key(fingerprint)] for n, s in project.module_runs(module).items()},
        shared=shared or Shared(),
    )
    measured = questions.load(module).measure(ctx)
    folder = measured_folder(project.config.build_dir, module, measured_key(project, module))
    write_measured(folder, measured.to_json(), dict(measured.arrays))
    return measured


def present_section(project: Project, module: str, measured: Measured) -> tuple[Section, Path]:
    """Present the measurement in the report's language and cache the section."""
    folder = section_folder(project, module)
    made: list[Section] = []

    def make(work: Path) -> str:
        page = Page(module=module, lang=project.config.report.lang, out_dir=work)
        section = questions.load(module).present(measured, page)
        made.append(replace(section, facts=measured.record()))
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
    cache, presented from a cached measurement, or measured (recompute, or not cached); a
    module not asked for and never measured is left out."""
    wanted = modules if recompute is None else tuple(m for m in modules if m in recompute)
    fresh = set(wanted) if recompute is not None else set()
    cached = {m: read_section(project, m) for m in modules if m not in fresh}
    measured = {
        m: read_measurement(project, m) for m in modules if m not in fresh and not cached[m]
    }
    to_measure = [m for m in wanted if m in fresh or (not cached[m] and not measured[m])]
    runs_by_key = (
        train_missing(project, tuple(to_measure), report, train=train) if to_measure else {}
    )
    shared = Shared()
    sections: dict[str, tuple[Section, Path] | None] = {}
    task = report.task("sections", total=len(modules))
    for module in modules:
        report.advance(task, 0, description=f"section {module}")
        if module in to_measure:
            measured[module] = measure_section(project, module, runs_by_key, shared)
        found = cached.get(module)
        if found is None and measured.get(module) is not None:
            found = present_section(project, module, measured[module])  # type: ignore[arg-type]
        sections[module] = found
        report.advance(task)
    report.done(task)
    # A module never measured is left out: the document shows its placeholder.
    return {m: with_answers(project, found) for m, found in sections.items() if found}


def with_answers(project: Project, built: tuple[Section, Path]) -> tuple[Section, Path]:
    """The section with the student's answers (answers/<module>.md)."""
    section, folder = built
    return apply_answers(section, project.config.answers_dir), folder


def data_notice(project: Project) -> str | None:
    """The first page's warning that the report was built on the embedded demo data."""
    if not project.synthetic:
        return None
    return words(project.config.report.lang)["data_notice"]
