"""The error types a user sees: a one-line message, exit code 2."""

import json
from pathlib import Path


class UserError(Exception):
    """Bad input or a state the user can fix. The CLI prints it as one line and exits 2."""


class RunsMissing(UserError):
    """A build that may not train (--no-train) needs runs that runs/ does not hold."""

    def __init__(self, names: list[str], runs_dir: Path) -> None:
        self.names = names
        listed = ", ".join(names)
        runs = "run" if len(names) == 1 else "runs"
        super().__init__(f"{runs} {listed} not in {runs_dir.name}/ and --no-train forbids training")


def shown_value(value: object, limit: int = 60) -> str:
    """A value a user gave, for a one-line message: quoted as TOML quotes it (a newline shows
    as \\n, bytes that are not text as \\udcXX), cut to about limit characters."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else f"{text[: limit - 4]}..."
