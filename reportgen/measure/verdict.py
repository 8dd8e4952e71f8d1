"""A verdict: a judgement about a measurement, decided once, in Python, from the statistic it
rests on. The prose templates choose their sentences by a verdict's name and compare no
number; each verdict is tested against its facts with no language involved."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """A judgement decided once, in Python, from a statistic: `name` picks the template's
    sentence ("gains", "within_noise"), `statistic` and `value` are what it rests on
    ("delta", 0.004), `se` the standard error where there is one, `subjects` the classes
    (or other items) it names."""

    name: str
    statistic: str = ""
    value: float | None = None
    se: float | None = None
    subjects: tuple[int, ...] = ()  # what it is about, where it names some (class labels)

    def __str__(self) -> str:
        rests = f"{self.statistic} {self.value:.4g}" if self.value is not None else ""
        se = f", SE {self.se:.2g}" if self.se is not None else ""
        return f"{self.name} ({rests}{se})" if rests else self.name


def by_threshold(
    value: float, threshold: float, names: tuple[str, str, str], statistic: str
) -> Verdict:
    """names[0] above +threshold, names[1] below -threshold, names[2] within it."""
    if value > threshold:
        return Verdict(names[0], statistic, value)
    if value < -threshold:
        return Verdict(names[1], statistic, value)
    return Verdict(names[2], statistic, value)


def flag(condition: bool, statistic: str = "", value: float | None = None) -> Verdict:
    """A yes/no verdict: "yes" or "no", with what it rests on."""
    return Verdict("yes" if condition else "no", statistic, value)


def count(subjects: tuple[int, ...] | list[int], statistic: str) -> Verdict:
    """How many there are, as a sentence needs it: "none", "one" or "several"; the subjects
    kept, so the sentence can name them."""
    n = len(subjects)
    name = "none" if n == 0 else "one" if n == 1 else "several"
    return Verdict(name, statistic, float(n), subjects=tuple(int(s) for s in subjects))
