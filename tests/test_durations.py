"""The one reader of a budget, for the --budget flag and training.budget alike."""

from __future__ import annotations

import pytest

from reportgen.errors import UserError
from reportgen.settings.durations import WEEK, parse_budget


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("45m", 2700),
        ("2h", 7200),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("90s", 90),
        ("1.5h", 5400),
        ("30", 1800),
        (" 2H ", 7200),
        (30, 1800),  # a number in reportgen.toml: minutes, as "30" is
        (1.5, 90),
        ("168h", WEEK),
    ],
)
def test_budgets_are_read_as_people_write_them(value, seconds):
    assert parse_budget(value) == seconds


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "expected a time"),
        ("soon", "expected a time"),
        ("45 minutes", "expected a time"),
        ("m", "expected a time"),
        ("-5m", "expected a time"),
        ("30m1h", "expected a time"),  # largest unit first, each once
        ("1h1h", "expected a time"),
        ("1e3m", "expected a time"),
        ("inf", "expected a time"),
        ("nan", "expected a time"),
        (True, "expected a time"),
        ([45], "expected a time"),
        ("0m", "more than zero"),
        (0, "more than zero"),
        ("0.0h", "more than zero"),
        ("169h", "at most a week"),
        ("9" * 400, "at most a week"),  # float() of it is infinity
        ("9" * 400 + "s", "at most a week"),
    ],
)
def test_a_bad_budget_is_one_line_naming_the_flag_and_the_value(value, reason):
    with pytest.raises(UserError) as err:
        parse_budget(value)
    message = str(err.value)
    assert message.startswith("--budget ") and reason in message
    assert "\n" not in message and len(message) < 200


def test_a_budget_from_the_file_names_its_key():
    with pytest.raises(UserError, match=r"^reportgen.toml: training.budget = 0: .*more than zero"):
        parse_budget(0, "reportgen.toml: training.budget = 0")
