"""Durations as people write them ('45m', '2h', '1h30m', '90s', '1.5h'; a bare number is
minutes): the one reader of a training budget, for the --budget flag and training.budget in
reportgen.toml alike, and the one writer of durations, for the plan, the progress lines and
the report."""

from __future__ import annotations

import math
import re

from reportgen.errors import UserError, shown_value

WEEK = 7 * 24 * 3600  # the longest budget taken: more is a typo, not a plan
_NUMBER = r"\d+(?:\.\d+)?"
# Each unit at most once, largest first: "1h30m", not "30m1h" or "1h1h".
_DURATION = re.compile(rf"(?:(?P<h>{_NUMBER})h)?(?:(?P<m>{_NUMBER})m)?(?:(?P<s>{_NUMBER})s)?")
_SECONDS = {"h": 3600, "m": 60, "s": 1}
EXAMPLES = "a time such as 45m, 2h, 1h30m or 90s"


def parse_budget(value: str | int | float, where: str = "") -> float:
    """A budget in seconds: more than zero, at most a week. value: the flag's text, or the
    config's string or number (a number is minutes, as a bare number in text is). where: the
    flag or key with the value, for the one-line refusal (default: --budget and the value)."""
    where = where or f"--budget {shown_value(value)}"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise UserError(f"{where}: expected {EXAMPLES}")
    text = str(value).strip().lower().replace(" ", "")
    match = _DURATION.fullmatch(text)
    if re.fullmatch(_NUMBER, text):
        seconds = float(text) * 60
    elif text and match:
        seconds = sum(float(n) * _SECONDS[u] for u, n in match.groupdict().items() if n)
    else:
        raise UserError(f"{where}: expected {EXAMPLES}")
    if seconds <= 0:
        raise UserError(f"{where}: the budget must be more than zero")
    if not math.isfinite(seconds) or seconds > WEEK:
        raise UserError(f"{where}: the budget must be at most a week (168h)")
    return seconds


def format_duration(seconds: float) -> str:
    """90 -> '1.5 min', 5400 -> '1 h 30 min'."""
    minutes = seconds / 60
    if minutes < 60:
        return f"{minutes:.1f} min" if minutes < 10 else f"{minutes:.0f} min"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def budget_text(seconds: float) -> str:
    """A budget as the flag takes it, rounded up to a whole minute: 412 -> '7m'."""
    minutes = math.ceil(seconds / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest}m" if hours and rest else (f"{hours}h" if hours else f"{rest}m")
