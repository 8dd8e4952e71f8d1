"""What the property tests (hypothesis) share: their settings, the texts and durations they
draw, and the check that a refusal is one line."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from reportgen.errors import UserError

# No example database, and hypothesis's own files (its caches, a failure's patch) in a
# temporary folder: nothing is written into the checkout.
_HOME = tempfile.mkdtemp(prefix="reportgen-hypothesis-")
set_hypothesis_home_dir(_HOME)
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
QUICK = settings(max_examples=60, deadline=None, database=None)
SLOW = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def one_line_user_error(call, *args, starts: str = "") -> str:
    """The message of the UserError that call(*args) raises: one line, starting with `starts`."""
    returned, message = result_or_refusal(call, *args, starts=starts)
    if message is None:
        pytest.fail(f"no UserError: {call.__name__} returned {returned!r}")
    return message


def result_or_refusal(call, *args, starts: str = "") -> tuple[Any, str | None]:
    """(call(*args), None), or (None, its UserError's message), which must be one line
    starting with `starts`."""
    try:
        return call(*args), None
    except UserError as refused:
        message = str(refused)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(starts), message
    return None, message


# Text a file or a flag can hold (UTF-8: no lone surrogates), and any text at all.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
CLEAN_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"))
ANY_TEXT = st.text(st.characters(), max_size=40)


NUMBER_TEXT = st.one_of(
    st.integers(0, 400).map(str),
    st.tuples(st.integers(0, 400), st.integers(0, 999)).map(lambda p: f"{p[0]}.{p[1]}"),
)


@st.composite
def durations(draw) -> tuple[str, float]:
    """A duration as people write it ('1h30m', '90s', '1.5h', ' 2H 5M ', '45'), and its
    seconds, summed here from its parts."""
    if draw(st.booleans()):
        number = draw(NUMBER_TEXT)
        return number, float(number) * 60  # a bare number is minutes
    parts = {u: draw(st.none() | NUMBER_TEXT) for u in "hms"}
    assume(any(parts.values()))
    text = "".join(f"{n}{u}" for u, n in parts.items() if n is not None)
    seconds = sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for u, n in parts.items() if n)
    spaced = "".join(c + draw(st.sampled_from(["", "", " "])) for c in text)
    return draw(st.sampled_from([str.lower, str.upper]))(spaced), seconds
