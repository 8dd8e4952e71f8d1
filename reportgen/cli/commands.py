"""One function per CLI command: (config, parsed args) -> exit code."""

from __future__ import annotations

import argparse
import shlex
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from reportgen import questions
from reportgen.errors import UserError
from reportgen.progress import reporter
from reportgen.project.folder import Project
from reportgen.runs.spec import RunSpec
from reportgen.runs.store import CachedRun
from reportgen.settings.config import CONFIG_FILE, Config, load_config, overrides
from reportgen.store.files import output_folder
from reportgen.store.outputs import write_submission
from reportgen.store.section_folders import remove_built


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _require_student(config: Config) -> None:
    if config.student.id:
        return
    if (config.root / CONFIG_FILE).exists():
        raise UserError(
            "no student ID: pass --student-id R0XXXXXXX or set student.id in reportgen.toml"
        )
    above = next((p for p in config.root.parents if (p / CONFIG_FILE).is_file()), None)
    if above is not None:
        raise UserError(
            f"no student ID, and no {CONFIG_FILE} here: {above} is the project; run reportgen there"
        )
    raise UserError(
        f"no student ID, and no {CONFIG_FILE} in {config.root}: make it a project with "
        "`reportgen init --student-id R0XXXXXXX`, or pass --student-id R0XXXXXXX"
    )


def cmd_build(config: Config, args: argparse.Namespace) -> int:
    if args.watch:
        return watch_build(config, args)
    _require_student(config)
    print(_build(Project(config), args))
    return 0


def _build(
    project: Project,
    args: argparse.Namespace,
    modules: tuple[str, ...] | None = None,
    *,
    transient: bool = False,
) -> Path:
    """build(), with --no-train's refusal naming the command that trains what is missing."""
    from reportgen.build import build
    from reportgen.errors import RunsMissing
    from reportgen.render.native import load_weasyprint

    output_folder(project.config.output_path, "--output")
    load_weasyprint()  # no Pango: say so now, not after an hour of training
    try:
        with reporter(args.quiet, transient) as report:
            return build(project, report, recompute=modules, train=not args.no_train)
    except RunsMissing as exc:
        raise UserError(
            f"{exc}: train {'it' if len(exc.names) == 1 else 'them'} with "
            f"`{train_command(args, exc.names)}` and commit runs/"
        ) from None


def train_command(args: argparse.Namespace, names: list[str]) -> str:
    """The `reportgen train` line that trains these runs with the settings given as flags
    (the others come from reportgen.toml, as they did for the build)."""
    words = ["reportgen", "train", *names]
    for flag in ("template", "profile", "data", "val_fraction"):
        value = getattr(args, flag, None)
        if value is not None:
            words += [f"--{flag.replace('_', '-')}", shlex.quote(str(value))]
    return " ".join(words)


def watch_build(
    config: Config,
    args: argparse.Namespace,
    stop: threading.Event | None = None,
    say: Callable[[str], None] | None = None,
) -> int:
    """build --watch: build, then rebuild on each save under answers/ or of reportgen.toml
    (read again each time, the command line's flags still over it), until Ctrl-C or stop.
    Each rebuild is one line (to stdout, or to `say`)."""
    from reportgen.cli.watch import watch

    def rebuild() -> Path:  # a fresh Project: cheap (the fingerprint is cached), never stale
        project = Project(load_config(config.root, overrides(args)))
        _require_student(project.config)
        return _build(project, args, transient=True)

    _say(args, f"watching {config.answers_dir}/ and {config.root / CONFIG_FILE} (Ctrl-C to stop)")
    try:
        watch(
            config.root,
            config.answers_dir,
            config.root / CONFIG_FILE,
            rebuild,
            say or (lambda line: print(line, flush=True)),
            stop=stop,
        )
    except KeyboardInterrupt:
        _say(args, "stopped watching")
    return 0


def cmd_run(config: Config, args: argparse.Namespace) -> int:
    _require_student(config)
    modules = tuple(questions.resolve(m) for m in args.modules)
    project = Project(config)
    absent = [m for m in modules if m not in project.template.modules()]
    if absent:
        raise UserError(
            f"template {project.template.id} has no question answered by {', '.join(absent)} "
            f"(its modules: {', '.join(project.template.modules())})"
        )
    print(_build(project, args, modules))
    return 0


def cmd_train(config: Config, args: argparse.Namespace) -> int:
    project = Project(config)
    specs = project.all_runs()
    if args.runs:
        names = {s.name for s in specs.values()}
        unknown = sorted(set(args.runs) - names)
        if unknown:
            raise UserError(
                f"no run named {', '.join(unknown)}: choose from {', '.join(sorted(names))}"
            )
        specs = {k: s for k, s in specs.items() if s.name in args.runs}
    budget = project.budget
    if budget is not None and args.runs:  # the budget is the named runs' alone
        from reportgen.runs.plan import run_shares

        total = sum(run_shares(specs, budget.role_shares).values())
        budget = replace(budget, role_shares={r: v / total for r, v in budget.role_shares.items()})
    if args.dry_run:
        return _print_plan(project, specs, budget, args)
    cached = {k for k, s in specs.items() if project.store.has(s, project.data)}
    with reporter(args.quiet) as report:
        runs = project.train(specs, report, budget)
    for key, run in runs.items():
        state = "cached" if key in cached else ("imported" if run.spec.imported else "trained")
        print(
            f"{run.spec.name}\t{key}\t{state}\t{run.spec.epochs} epochs\t"
            f"val_accuracy {run.metrics['val_accuracy']:.4f}"
        )
    return 0


def _print_plan(project: Project, specs: dict, budget, args: argparse.Namespace) -> int:
    from reportgen.runs.execute import describe, make_planner

    if budget is None:
        raise UserError("--dry-run shows a budget's plan: give --budget too (e.g. --budget 45m)")
    cached = [s.name for s in specs.values() if project.store.has(s, project.data)]
    with reporter(args.quiet) as report:
        planner = make_planner(project.store, project.data, specs, budget, report)
    keys = [k for k in specs if k in planner.specs]
    if keys:
        for line in describe(planner.plan(keys, budget.seconds), planner):
            print(line)
    if cached:
        print(f"cached, reused whatever the budget: {', '.join(cached)}")
    imported = [s.name for s in specs.values() if s.imported and s.name not in cached]
    if imported:
        print(f"imported from your trained model, not trained: {', '.join(imported)}")
    return 0


def cmd_list(config: Config, args: argparse.Namespace) -> int:
    what = args.what
    if what in (None, "templates"):
        from reportgen.settings.course import list_templates

        print("templates:")
        for t in list_templates():
            mark = "*" if t.id == config.report.template else " "
            print(f" {mark} {t.id:12s} {t.title}  [{', '.join(t.modules())}]")
    if what in (None, "modules"):
        print("modules:")
        for module in questions.MODULES:
            print(f"   {module:16s} {questions.load(module).TITLE}")
    if what in (None, "runs"):
        _list_runs(Project(config))
    return 0


def _list_runs(project: Project) -> None:
    """The report's runs and sections, cached or missing, and the other runs in runs/, from
    the data's cached fingerprint alone: listing never loads the data (when the cache does
    not know them as they are now, what is the report's is unknown)."""
    cached = {c.key: c for c in project.store.cached()}
    needed: dict[str, RunSpec] = {}
    profile = project.config.training.profile
    if project.known_fingerprint is None:
        data = project.config.data.path or "the embedded demo data"
        print(f"runs and sections of this report ({profile} profile): unknown")
        print(
            f"   {data} changed, or was not read on this machine yet: the keys hold its "
            "fingerprint, which `reportgen build` or `reportgen train` computes (list never "
            "loads the data)"
        )
    else:
        needed = project.all_runs()
        _list_report(project, needed, cached)
    others = [c for c in cached.values() if c.key not in needed]
    if others:
        print(f"{'other ' if needed else ''}cached runs (another profile, data or setting):")
        for c in others:
            acc = f"val_accuracy {c.val_accuracy:.4f}" if c.val_accuracy is not None else ""
            print(f"   {c.name:28s} {c.key}  {c.problem or acc}")


def _list_report(
    project: Project, needed: dict[str, RunSpec], cached: dict[str, CachedRun]
) -> None:
    from reportgen.build import read_section

    print(f"runs of this report ({project.config.training.profile} profile):")
    for key, spec in needed.items():
        state = "cached" if key in cached and cached[key].problem is None else "missing"
        print(f"   {spec.name:28s} {key}  {state}")
    print("sections:")
    for module in project.template.modules():
        state = "cached" if read_section(project, module) else "missing"
        print(f"   {module:16s} {state}")


def cmd_clean(config: Config, args: argparse.Namespace) -> int:
    project = Project(config)
    removed = [str(folder) for folder in remove_built(config.build_dir)]
    removed += [str(folder) for folder in project.store.discard_leftovers()]
    if args.runs:
        keep = set(project.all_runs())
        n = project.store.clean(keep=keep)
        removed.append(f"{n} runs the report does not use")
    print("removed: " + (", ".join(removed) if removed else "nothing"))
    return 0


def cmd_check(config: Config, args: argparse.Namespace) -> int:
    """The file first (there? a PDF?), then its content; with no student ID configured, the
    one on the report's student line is checked and named."""
    from reportgen.render.check import check_pdf
    from reportgen.settings.course import load_template

    pdf = Path(args.pdf) if args.pdf else config.output_path
    template = load_template(config.report.template)
    result = check_pdf(pdf, template, config.student.id)
    for problem in result.problems:
        prefix = "" if problem.startswith((f"{pdf}:", f"{pdf.name}:")) else f"{pdf}: "
        print(f"{prefix}{problem}", file=sys.stderr)
    if result.problems:
        return 1
    found = (
        f", student ID {result.student_id}, read from the report" if result.id_from_report else ""
    )
    limit = f" of at most {template.page_limit}" if template.page_limit else ""
    print(f"{pdf}: OK ({result.pages} pages{limit}, tagged PDF/UA-1{found})")
    return 0


def cmd_init(config: Config, args: argparse.Namespace) -> int:
    """Write what a project lacks, never over a file that is there (reportgen/project/init.py); say
    what was written and what kept, then what to commit."""
    from reportgen.project import init

    toml = config.root / CONFIG_FILE
    starter = args.model if args.model and args.model.endswith(".py") else None
    asked = [p for p in (starter, args.ci and str(init.WORKFLOW_PATH)) if p]
    if toml.exists() and all((config.root / p).exists() for p in asked):
        also = "".join(f"; so does {p}" for p in asked)
        raise UserError(f"{toml} exists already{also}; edit it, or remove it to start over")
    wrote, kept = init.write_project(config, starter, bool(args.ci), _unwritten_flags(config, args))
    if wrote:
        print(f"wrote {', '.join(wrote)} in {config.root}")
    for line in kept:
        print(f"kept {line}")
    for line in init.commit_advice(config):
        print(line)
    return 0


def _unwritten_flags(config: Config, args: argparse.Namespace) -> list[str]:
    """The settings given as flags that an existing reportgen.toml does not hold (init never
    writes into it), as typed: --name, --model, ..."""
    from reportgen.settings.table import KEYS

    if not (config.root / CONFIG_FILE).exists():
        return []
    on_file = load_config(config.root)
    return [
        f"--{spec.flag.replace('_', '-')}"
        for (table, key), spec in KEYS.items()
        if getattr(getattr(config, table), key) != getattr(getattr(on_file, table), key)
    ]


def cmd_predict(config: Config, args: argparse.Namespace) -> int:
    from reportgen.data.loader import load_unlabelled
    from reportgen.questions.shared_runs import cnn_run
    from reportgen.runs.pipeline import predict_probs

    project = Project(config)
    out = Path(args.out)
    output_folder(out, "-o/--out")
    test = load_unlabelled(args.test)
    spec = cnn_run(project.profile, config)
    key = spec.key(project.data.fingerprint)
    with reporter(args.quiet) as report:
        run = project.train({key: spec}, report)[key]
    tta = run.spec.tta_flip
    labels = predict_probs(run.model, test.images, tta_flip=tta).argmax(axis=1)
    write_submission(out, test.ids.tolist(), labels.tolist())
    _say(
        args,
        f"wrote {len(labels)} predictions of run {run.key} (val_accuracy "
        f"{run.metrics['val_accuracy']:.4f}{', flip test-time augmentation' if tta else ''}) "
        f"to {out}",
    )
    print(out)
    return 0
