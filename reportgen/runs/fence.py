"""A student's code, run fenced: their model file is a script they also run by hand, so it
may parse the command line, print a summary, read input or end the program when it is done.

Inside the fence sys.argv is the file alone (an argparse parser sees no arguments of
reportgen's), stdin is empty (input() fails at once instead of waiting), and what the code
prints and warns (Keras' UserWarnings) is kept, not shown: shown with --debug only, its
last line when it explains a failure. SystemExit and any exception the code raises become
one UserError naming the file and line; Ctrl-C (KeyboardInterrupt) still stops reportgen.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path

from reportgen.errors import UserError, shown_value

SCRIPT_HINT = 'keep what runs the file as a script under `if __name__ == "__main__":`'


@contextlib.contextmanager
def fenced(path: Path, where: str, doing: str) -> Iterator[None]:
    """Run the block as the student's code of path. where: the file as the student names
    it; doing: "imported" or "build_model", for messages."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv, sys.stdin
    sys.argv, sys.stdin = [str(path)], io.StringIO()
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("default")
            try:
                yield
            except SystemExit as exc:
                raise UserError(_exit_message(exc, path, where, doing, err.getvalue())) from exc
            except Exception as exc:
                raise UserError(_raised_message(exc, path, where, doing)) from exc
    finally:
        sys.argv, sys.stdin = saved
        if os.environ.get("REPORTGEN_DEBUG"):
            _replay(where, doing, out.getvalue() + err.getvalue(), caught)


def _exit_message(exc: SystemExit, path: Path, where: str, doing: str, err: str) -> str:
    code = "" if exc.code in (None, 0) else f" (exit code {shown_value(exc.code)})"
    said = [line.strip() for line in err.splitlines() if line.strip()]
    last = f", after printing {shown_value(said[-1], 120)}" if said else ""
    at = f"{where}{line_of(exc, path)}"
    if doing == "build_model":
        return f"{at}: build_model ends the program{code}{last}: return the model instead"
    return f"{at}: ends the program when {doing}{code}{last}: {SCRIPT_HINT}"


def _raised_message(exc: Exception, path: Path, where: str, doing: str) -> str:
    line = line_of(exc, path)
    if doing == "build_model":
        return (
            f"{where}{line}: build_model raised {type(exc).__name__}: {first_line(exc)} "
            "(--debug shows the traceback)"
        )
    hint = " (reportgen gives the file no input: input() reads nothing)" * isinstance(exc, EOFError)
    return f"{where}{line}: {type(exc).__name__}: {first_line(exc)}{hint}"


def line_of(exc: BaseException, path: Path) -> str:
    """', line N': the last line of the student's file the error passed through."""
    if isinstance(exc, SyntaxError) and exc.lineno and Path(exc.filename or "") == path:
        return f", line {exc.lineno}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    return f", line {frames[-1].lineno}" if frames else ""


def first_line(exc: BaseException, limit: int = 200) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _replay(where: str, doing: str, printed: str, caught: list[warnings.WarningMessage]) -> None:
    """--debug: what the student's code printed and warned, after the fact."""
    if not (printed or caught):
        return
    print(f"reportgen: {where}, {doing}, printed:", file=sys.stderr)
    sys.stderr.write(printed if printed.endswith("\n") or not printed else printed + "\n")
    for w in caught:
        sys.stderr.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno))
