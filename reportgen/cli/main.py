"""The command line. Every error a user can fix exits 2 with one line (--debug: traceback)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from reportgen.cli.doctor import VersionAction, cmd_doctor
from reportgen.errors import UserError
from reportgen.settings.config import Config, load_config, overrides
from reportgen.settings.own_model import STARTER
from reportgen.settings.table import KEYS, Setting
from reportgen.store.diskfull import disk_full_error, disk_full_message
from reportgen.tfenv import quiet_imports, require_tensorflow_backend

STARTER_FLAG = "model"  # init --model writes the starter there


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag is one line and exit 2, like every other user error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _common_flags(init: bool = False) -> argparse.ArgumentParser:
    """The settings every command takes, one flag per row of reportgen/settings/table.py,
    and --quiet and --debug. init: `--model` alone names the starter file that init writes
    (elsewhere --model needs its file)."""
    p = _Parser(add_help=False)
    g = p.add_argument_group("settings (override reportgen.toml)")
    for setting in KEYS.values():
        if init and setting.flag == STARTER_FLAG:
            g.add_argument(
                setting.option,
                type=starter_path,
                nargs="?",
                const=STARTER,
                help=f"write a starter CNN there and use it (default {STARTER})",
            )
        else:
            g.add_argument(setting.option, **_setting_flag(setting))
    g.add_argument("--quiet", action="store_true", help="no progress bars")
    g.add_argument("--debug", action="store_true", help="show tracebacks and TensorFlow's logs")
    return p


def _setting_flag(setting: Setting[Any]) -> dict[str, Any]:
    """add_argument's options for a setting's flag: a number for a key that takes numbers
    alone, its choices, its help. argparse leaves a flag not given None: the file's value."""
    number = str not in setting.types
    return {
        "dest": setting.flag,
        "type": float if number else None,
        "choices": setting.choices or None,
        "help": setting.flag_help,
    }


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
    p.add_argument("--version", action=VersionAction)
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
    """list, clean, check, init, predict and doctor: the commands around the report."""
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
    sub.add_parser(
        "doctor",
        parents=[common],
        help="what this machine and folder have of what a build needs, each problem with its fix",
    )


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.debug:
        os.environ["REPORTGEN_DEBUG"] = "1"
    quiet_imports()
    config: Config | None = None
    try:
        if args.command == "doctor":  # before reportgen.toml is read: doctor reports a bad one
            return cmd_doctor(args)
        require_tensorflow_backend()  # KERAS_BACKEND=jax: one line, before anything trains
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
        return _unexpected(exc, args, config)


def _unexpected(exc: Exception, args: argparse.Namespace, config: Config | None) -> int:
    """A full disk is one line and exit 2 (not a bug either); a bug is one line and exit 1,
    its traceback with --debug."""
    full = disk_full_error(exc)
    if full is not None:
        if args.debug:
            traceback.print_exc()
        folders = _written_folders(config) if config else [Path.cwd()]
        print(
            f"reportgen: error: {disk_full_message(full, folders, args.command)}",
            file=sys.stderr,
        )
        return 2
    if args.debug:
        raise exc
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
