"""reportgen/measure/verdict.py: a Verdict names its sentence and what it rests on; the helpers
by_threshold, flag and count."""

from __future__ import annotations

import numpy as np

from reportgen.measure.verdict import Verdict, by_threshold, count, flag


def test_the_verdict_helpers():
    assert by_threshold(0.2, 0.1, ("up", "down", "flat"), "d") == Verdict("up", "d", 0.2)
    assert by_threshold(-0.1, 0.1, ("up", "down", "flat"), "d").name == "flat"
    assert flag(True).name == "yes" and flag(False).name == "no"
    assert [count(s, "n").name for s in ((), (4,), (4, 5))] == ["none", "one", "several"]
    assert (
        str(Verdict("within_noise", "delta", 0.004, 0.009))
        == "within_noise (delta 0.004, SE 0.009)"
    )


def test_verdict_text_names_what_it_rests_on_only_when_there_is_a_value():
    assert str(Verdict("yes")) == "yes"
    assert str(Verdict("gains", "delta", 0.5)) == "gains (delta 0.5)"
    assert str(Verdict("gains", "delta", None, 0.01)) == "gains"  # an SE alone says nothing
    assert str(Verdict("gains", "delta", 0.03125, 0.0123)) == "gains (delta 0.03125, SE 0.012)"


def test_verdict_helpers_keep_their_statistic_in_every_branch():
    names = ("up", "down", "flat")
    assert by_threshold(0.2, 0.1, names, "d") == Verdict("up", "d", 0.2)
    assert by_threshold(-0.2, 0.1, names, "d") == Verdict("down", "d", -0.2)
    assert by_threshold(0.05, 0.1, names, "d") == Verdict("flat", "d", 0.05)
    assert flag(True) == Verdict("yes", "", None)
    assert flag(False, "share", 0.3) == Verdict("no", "share", 0.3)
    assert count([], "n") == Verdict("none", "n", 0.0)
    assert count([np.int64(4)], "n") == Verdict("one", "n", 1.0, subjects=(4,))
    assert count([4, 5], "n") == Verdict("several", "n", 2.0, subjects=(4, 5))
