"""The GitHub Actions workflow `reportgen init --ci github` writes into a student's repository.

On each push it installs reportgen, builds Report.pdf from the committed runs/ without training
(`reportgen build --no-train`: a missing run fails the job in one line naming the run and the
command that trains it), runs `reportgen check`, and uploads Report.pdf as an artifact.
Actions are pinned to full commit hashes (their release in the comment), the token can only
read, and the checkout keeps no credentials: what zizmor's audits ask for.
"""

from __future__ import annotations

import json
from pathlib import Path

from reportgen import SOURCE_ROOT
from reportgen.project.origin import requirement

WORKFLOW_PATH = Path(".github/workflows/report.yml")
PYTHON = "3.12"
CHECKOUT = "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0"
SETUP_PYTHON = "actions/setup-python@e797f83bcb11b83ae66e0230d6156d7c80228e7c # v6.0.0"
UPLOAD_ARTIFACT = "actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0"
# The steps the end-to-end test runs as written (tests/project/test_ci.py).
BUILD_STEP = "Build Report.pdf from the committed runs (never trains)"
CHECK_STEP = "Check Report.pdf"

_WORKFLOW = """\
# Written by `reportgen init --ci github`. On each push: install reportgen, build Report.pdf
# from the committed runs/ and answers/ without training, check it, keep it as an artifact.
# A run missing from runs/ fails the "Build" step with the command that trains it: run that
# on your machine and commit runs/.
name: Report

on:
  push:
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: report-${{ github.ref }}
  cancel-in-progress: true

jobs:
  report:
    name: Build and check Report.pdf
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - name: Check out the repository
        uses: @CHECKOUT@
        with:
          persist-credentials: false
      - name: Set up Python
        uses: @SETUP_PYTHON@
        with:
          python-version: "@PYTHON@"
          cache: pip
          cache-dependency-path: @WORKFLOW_PATH@
      - name: Install WeasyPrint's system libraries (Pango)
        run: |
          sudo apt-get update
          sudo apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0
      - name: Install reportgen
        run: python -m pip install @INSTALL@
      - name: @BUILD_STEP@
        run: reportgen build --no-train
      - name: @CHECK_STEP@
        run: reportgen check
      - name: Upload Report.pdf
        uses: @UPLOAD_ARTIFACT@
        with:
          name: Report
          path: @OUTPUT@
          if-no-files-found: error
"""


def workflow(output: str, install: str) -> str:
    """The workflow's text; output is the report's path (report.output), install what
    `pip install` is given."""
    values = {
        "CHECKOUT": CHECKOUT,
        "SETUP_PYTHON": SETUP_PYTHON,
        "UPLOAD_ARTIFACT": UPLOAD_ARTIFACT,
        "PYTHON": PYTHON,
        "WORKFLOW_PATH": str(WORKFLOW_PATH),
        "INSTALL": install,
        "BUILD_STEP": BUILD_STEP,
        "CHECK_STEP": CHECK_STEP,
        "OUTPUT": json.dumps(output),  # a JSON string is a YAML double-quoted scalar
    }
    text = _WORKFLOW
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def install_spec(root: Path) -> str:
    """What the workflow installs: this checkout itself (editable) when the student's project
    is reportgen's own folder, else exactly this copy of reportgen (reportgen.project.origin)."""
    if root.resolve() == SOURCE_ROOT.resolve():
        return "-e ."
    return f'"{requirement()}"'
