"""The command line. Every error a user can fix exits 2 with one line (--debug: traceback)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from reportgen.errors import UserError
from reportgen.settings.config import Config, load_config, overrides
from reportgen.settings.own_model import INPUT_SCALES, STARTER
from reportgen.settings.profiles import PROFILES
from reportgen.settings.table import LANGS
from reportgen.store.diskfull import disk_full_error, disk_full_message
from reportgen.tfenv import quiet_imports


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag is one line and exit 2, like every other user error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _common_flags(init: bool = False) -> argparse.ArgumentParser:
    """The settings every command takes. init: `--model` alone names the starter file that
    init writes (elsewhere --model needs its file)."""
    p = _Parser(add_help=False)
    g = p.add_argument_group("settings (override reportgen.toml)")
    _report_flags(g)
    _model_flags(g, init)
    _section_flags(g)
    return p


def _report_flags(g: argparse._ArgumentGroup) -> None:
    """Who the report is for, what it looks like, what it trains on and for how long."""
    g.add_argument("--student-id", help="student ID, e.g. R05942017")
    g.add_argument("--name", help="student name")
    g.add_argument("--department", help="department and year, e.g. 電機三")
    g.add_argument("--template", help="course template (reportgen list templates)")
    g.add_argument("--lang", choices=LANGS, help="language of the generated text")
    g.add_argument("--output", help="where to write the PDF (default Report.pdf)")
    g.add_argument(
        "--data", help="training data: train.csv, fer2013.csv or an image folder (.gz too)"
    )
    g.add_argument("--val-fraction", type=float, help="share of train held out for validation")
    g.add_argument(
        "--profile", choices=tuple(PROFILES), help="tiny (tests), quick (demo), full (hand-in)"
    )
    g.add_argument(
        "--budget",
        help="train the missing runs within this time on this machine, e.g. 45m, 2h "
        "(default: the profile's epochs)",
    )


def _model_flags(g: argparse._ArgumentGroup, init: bool) -> None:
    """The student's own CNN."""
    g.add_argument(
        "--model",
        type=starter_path if init else None,
        nargs="?" if init else None,
        const=STARTER if init else None,
        help=f"write a starter CNN there and use it (default {STARTER})"
        if init
        else "your own CNN: a .py with build_model(input_shape, num_classes), or a trained "
        ".keras model",
    )
    g.add_argument(
        "--history",
        help="with a trained .keras model: its training curves (History.history as JSON, or "
        "CSVLogger's CSV)",
    )
    g.add_argument(
        "--model-input",
        choices=INPUT_SCALES,
        help="with a trained .keras model: the pixel range it was trained on (default 0-255)",
    )


def _section_flags(g: argparse._ArgumentGroup) -> None:
    """Settings of single sections, and of the output."""
    g.add_argument("--kaggle-public", type=float, help="your Kaggle public score, shown in q1")
    g.add_argument("--kaggle-private", type=float, help="your Kaggle private score, shown in q1")
    g.add_argument("--filter-layer", help="q6: the convolutional layer to visualize")
    g.add_argument("--quiet", action="store_true", help="no progress bars")
    g.add_argument("--debug", action="store_true", help="show tracebacks and TensorFlow's logs")


def starter_path(value: str) -> str:
    """init --model NAME: the starter's path; a name without a suffix gets .py."""
    if value.endswith(("/", "\\")) or Path(value).name in (".", ".."):
        raise argparse.ArgumentTypeError(
            f"{value!r} is a folder: give the file to write, like {STARTER}"
        )
    return value if not value or Path(value).suffix else f"{value}.py"


def parser() -> argparse.ArgumentParser:
    common = _common_flags()
    p = _Parser(prog="reportgen", description="Builds the FER2013 homework Report.pdf.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    _report_commands(sub, common)
    _project_commands(sub, common)
    return p


def _report_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """build, run and train: the commands that make the report."""
    b = sub.add_parser(
        "build", parents=[common], help="train what is missing and build the whole report"
    )
    b.add_argument(
        "--watch",
        action="store_true",
        help="keep running: rebuild whenever a file under answers/ or reportgen.toml is saved",
    )
    r = sub.add_parser(
        "run", parents=[common], help="recompute one section and re-render the report"
    )
    r.add_argument("modules", nargs="+", metavar="MODULE", help="q1..q8 or a module name")
    for p_ in (b, r):
        p_.add_argument(
            "--no-train",
            action="store_true",
            help="never train: a run missing from runs/ is an error (what CI uses)",
        )
    t = sub.add_parser(
        "train", parents=[common], help="train the runs the report needs, nothing else"
    )
    t.add_argument(
        "runs", nargs="*", metavar="RUN", help="only these runs (names from `reportgen list runs`)"
    )
    t.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan (runs, epochs, estimated minutes) and train nothing",
    )


def _project_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """list, clean, check, init and predict: the commands around the report."""
    ls = sub.add_parser(
        "list", parents=[common], help="modules, runs and what is cached, templates"
    )
    ls.add_argument("what", nargs="?", choices=("modules", "runs", "templates"), default=None)
    c = sub.add_parser("clean", parents=[common], help="remove built sections and unfinished runs")
    c.add_argument(
        "--runs", action="store_true", help="also remove finished runs the report no longer uses"
    )
    k = sub.add_parser(
        "check", parents=[common], help="is the report there and whole? (what CI runs)"
    )
    k.add_argument("pdf", nargs="?", help="the PDF to check (default: the configured output)")
    i = sub.add_parser(
        "init",
        parents=[_common_flags(init=True)],
        help="write reportgen.toml, answers/ and a .gitignore",
    )
    i.add_argument(
        "--ci",
        choices=("github",),
        help="also write a GitHub Actions workflow that builds and checks the report on each push",
    )
    pr = sub.add_parser(
        "predict", parents=[common], help="write the Kaggle submission from the CNN run"
    )
    pr.add_argument("--test", required=True, help="the course's test.csv (id,feature)")
    pr.add_argument("-o", "--out", default="submission.csv", help="submission file (id,label)")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.debug:
        os.environ["REPORTGEN_DEBUG"] = "1"
    quiet_imports()
    config: Config | None = None
    try:
        config = load_config(Path.cwd(), overrides(args))
        from reportgen.cli import commands

        return getattr(commands, f"cmd_{args.command}")(config, args)
    except UserError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"reportgen: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "reportgen: interrupted (finished epochs are checkpointed; run again to resume)",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:  # a bug, not bad input: still one line unless --debug
        full = disk_full_error(exc)
        if full is not None:  # not a bug either
            if args.debug:
                traceback.print_exc()
            folders = _written_folders(config) if config else [Path.cwd()]
            print(
                f"reportgen: error: {disk_full_message(full, folders, args.command)}",
                file=sys.stderr,
            )
            return 2
        if args.debug:
            raise
        print(
            f"reportgen: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1


def _written_folders(config: Config) -> list[Path]:
    from reportgen.data.fingerprint import cache_dir

    return [config.runs_dir, config.build_dir, config.output_path.parent, cache_dir()]


if __name__ == "__main__":
    sys.exit(main())
