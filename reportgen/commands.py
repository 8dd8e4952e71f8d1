"""One function per CLI command: (config, parsed args) -> exit code."""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import questions
from reportgen.config import CONFIG_FILE, Config
from reportgen.errors import UserError
from reportgen.files import atomic_path
from reportgen.progress import reporter
from reportgen.project import Project


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _require_student(config: Config) -> None:
    if not config.student.id:
        raise UserError(
            "no student ID: pass --student-id R0XXXXXXX or set student.id in reportgen.toml"
        )


def cmd_build(config: Config, args: argparse.Namespace) -> int:
    from reportgen.build import build

    _require_student(config)
    project = Project(config)
    with reporter(args.quiet) as report:
        pdf = build(project, report)
    print(pdf)
    return 0


def cmd_run(config: Config, args: argparse.Namespace) -> int:
    from reportgen.build import build

    _require_student(config)
    modules = tuple(questions.resolve(m) for m in args.modules)
    project = Project(config)
    absent = [m for m in modules if m not in project.template.modules()]
    if absent:
        raise UserError(
            f"template {project.template.id} has no question answered by {', '.join(absent)} "
            f"(its modules: {', '.join(project.template.modules())})"
        )
    with reporter(args.quiet) as report:
        pdf = build(project, report, recompute=modules)
    print(pdf)
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
        state = "cached" if key in cached else "trained"
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
        for line in describe(planner.plan(keys, budget.seconds)):
            print(line)
    if cached:
        print(f"cached, reused whatever the budget: {', '.join(cached)}")
    return 0


def cmd_list(config: Config, args: argparse.Namespace) -> int:
    what = args.what
    if what in (None, "templates"):
        from reportgen.render.course import list_templates

        print("templates:")
        for t in list_templates():
            mark = "*" if t.id == config.report.template else " "
            print(f" {mark} {t.id:12s} {t.title}  [{', '.join(t.modules())}]")
    if what in (None, "modules"):
        print("modules:")
        for module in questions.MODULES:
            print(f"   {module:16s} {questions.load(module).TITLE}")
    if what in (None, "runs"):
        from reportgen.build import read_section

        project = Project(config)
        needed = project.all_runs()
        print(f"runs of this report ({config.training.profile} profile):")
        for key, spec in needed.items():
            state = "cached" if project.store.has(spec, project.data) else "missing"
            print(f"   {spec.name:28s} {key}  {state}")
        print("sections:")
        for module in project.template.modules():
            state = "cached" if read_section(project, module) else "missing"
            print(f"   {module:16s} {state}")
        others = [c for c in project.store.cached() if c.key not in needed]
        if others:
            print("other cached runs (another profile, data or setting):")
            for c in others:
                acc = f"val_accuracy {c.val_accuracy:.4f}" if c.val_accuracy is not None else ""
                print(f"   {c.name:28s} {c.key}  {c.problem or acc}")
    return 0


def cmd_clean(config: Config, args: argparse.Namespace) -> int:
    project = Project(config)
    removed = []
    if config.build_dir.exists():
        shutil.rmtree(config.build_dir)
        removed.append(str(config.build_dir))
    removed += [str(folder) for folder in project.store.discard_leftovers()]
    if args.runs:
        keep = set(project.all_runs())
        n = project.store.clean(keep=keep)
        removed.append(f"{n} runs the report does not use")
    print("removed: " + (", ".join(removed) if removed else "nothing"))
    return 0


def cmd_check(config: Config, args: argparse.Namespace) -> int:
    from reportgen.render.check import check_report
    from reportgen.render.course import load_template

    _require_student(config)
    pdf = Path(args.pdf) if args.pdf else config.output_path
    problems = check_report(pdf, load_template(config.report.template), config.student.id)
    if problems:
        for problem in problems:
            print(f"{pdf}: {problem}", file=sys.stderr)
        return 1
    print(f"{pdf}: OK")
    return 0


INIT_TOML = """\
# reportgen settings; every key can be overridden by its flag (reportgen build --help).
[student]
id = "{id}"
name = "{name}"
department = "{department}"

[report]
template = "{template}"   # reportgen list templates
lang = "{lang}"             # zh or en
output = "{output}"

[data]
path = "{data}"                 # empty: the embedded synthetic faces; else train.csv (or .gz)
val_fraction = {val_fraction}

[training]
profile = "{profile}"        # tiny, quick or full
budget = "{budget}"              # e.g. "45m": train within this time here; empty: the profile's epochs

[kaggle]
# public = 0.70
# private = 0.69

[explain]
filter_layer = "{filter_layer}"         # q6; empty: a middle convolutional layer
"""

ANSWERS_GUIDE = """\
# Your own words

Put a file named after a module here (q1_cnn.md, q3_augmentation.md, ...) and its Markdown is
added after the generated draft of that section. To replace the draft's text instead, start
the file with:

    ---
    mode: replace
    collaborators: B06902000 王小明
    ---

Then `reportgen run q3` (or `reportgen build`) re-renders the report. reportgen never writes
into this folder. This README is not used by any build.
"""


def cmd_init(config: Config, args: argparse.Namespace) -> int:
    path = config.root / CONFIG_FILE
    if path.exists():
        raise UserError(f"{path} exists already; edit it, or remove it to start over")
    text = INIT_TOML.format(
        id=config.student.id,
        name=config.student.name,
        department=config.student.department,
        template=config.report.template,
        lang=config.report.lang,
        output=config.report.output,
        data=config.data.path,
        val_fraction=config.data.val_fraction,
        profile=config.training.profile,
        budget=config.training.budget,
        filter_layer=config.explain.filter_layer,
    )
    path.write_text(text, encoding="utf-8")
    config.answers_dir.mkdir(exist_ok=True)
    guide = config.answers_dir / "README.md"
    if not guide.exists():
        guide.write_text(ANSWERS_GUIDE, encoding="utf-8")
    print(f"wrote {path} and {config.answers_dir}/")
    return 0


def cmd_predict(config: Config, args: argparse.Namespace) -> int:
    from questions._runs import cnn_run
    from reportgen.data.loader import load_unlabelled
    from reportgen.runs.pipeline import predict_probs

    project = Project(config)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UserError(f"{out}: folder {out.parent} does not exist (from -o/--output)")
    test = load_unlabelled(args.test)
    spec = cnn_run(project.profile, config)
    key = spec.key(project.data.fingerprint)
    with reporter(args.quiet) as report:
        run = project.train({key: spec}, report)[key]
    tta = run.spec.tta_flip
    labels = predict_probs(run.model, test.images, tta_flip=tta).argmax(axis=1)
    with atomic_path(out) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "label"])
        writer.writerows(zip(test.ids.tolist(), labels.tolist(), strict=True))
    _say(
        args,
        f"wrote {len(labels)} predictions of run {run.key} (val_accuracy "
        f"{run.metrics['val_accuracy']:.4f}{', flip test-time augmentation' if tta else ''}) "
        f"to {out}",
    )
    print(out)
    return 0
