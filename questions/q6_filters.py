"""Filters: gradient ascent and feature maps. Not built yet: answers with a placeholder."""

from __future__ import annotations

from questions._runs import ablation_runs, cnn_run, dnn_run  # noqa: F401
from reportgen.config import Config
from reportgen.context import Context
from reportgen.profiles import Profile
from reportgen.runs.spec import RunSpec
from reportgen.sections import Section, placeholder

MODULE = "q6_filters"
TITLE = "Filters: gradient ascent and feature maps"


def runs(profile: Profile, config: Config) -> dict[str, RunSpec]:
    return {"cnn": cnn_run(profile, config)}


def answer(ctx: Context) -> Section:
    return placeholder(MODULE, "reportgen run q6")
