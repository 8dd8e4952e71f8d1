"""The project's own workflow (.github/workflows/ci.yml): GitHub's schema, zizmor's audits,
the actions pinned as the students' workflow pins them, the README's test command on Linux
and macOS. It cannot run here; what can be checked here is."""

from __future__ import annotations

import yaml

from reportgen import SOURCE_ROOT
from reportgen.project import ci
from tests.helpers import workflow_is_clean

WORKFLOW = SOURCE_ROOT / ".github" / "workflows" / "ci.yml"


def test_the_project_workflow_passes_the_schema_and_zizmor():
    workflow_is_clean(WORKFLOW)


def test_the_project_workflow_runs_the_test_command_on_linux_and_macos():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    assert job["strategy"]["matrix"]["os"] == ["ubuntu-latest", "macos-latest"]
    steps = job["steps"]
    assert [s.get("run") for s in steps][-1] == "./dev test"  # the README's command
    uses = {s["uses"].split("@")[0]: s["uses"] for s in steps if "uses" in s}
    assert uses == {  # the same commits as the students' workflow
        "actions/checkout": ci.CHECKOUT.split(" #")[0],
        "actions/setup-python": ci.SETUP_PYTHON.split(" #")[0],
    }
    pango = " ".join(s.get("run", "") for s in steps if "Pango" in s.get("name", ""))
    assert "brew install pango" in pango and "libpango-1.0-0" in pango
