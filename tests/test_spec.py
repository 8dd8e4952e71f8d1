"""Run keys follow the code: a change to the training code must come with a decision."""

from __future__ import annotations

import json

from reportgen.runs.spec import TRAINING_CODE_VERSION
from tests.training_code import RECORD, TRAINING_CODE, training_code_hash


def test_the_training_code_version_follows_the_code():
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    if recorded["sha256"] == training_code_hash() and recorded["version"] == TRAINING_CODE_VERSION:
        return
    files = ", ".join(f"reportgen/runs/{name}" for name in TRAINING_CODE)
    raise AssertionError(
        f"the training code ({files}) changed since version {recorded['version']} was recorded. "
        "If the change alters what a run spec trains into, bump TRAINING_CODE_VERSION in "
        "reportgen/runs/spec.py (every run is trained again); if not (a comment, a log line), "
        "keep it, so that nobody retrains for nothing. Then record the code: "
        "`.venv/bin/python -m tests.training_code`."
    )
