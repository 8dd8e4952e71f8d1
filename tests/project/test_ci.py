"""`reportgen init --ci github`: the workflow passes GitHub's workflow schema and zizmor's
audits, and its build-and-check steps, run as written on a project with committed runs, build
and check the report, or fail in one line naming the missing run and the command that trains
it. init also says what to commit and keeps build/ out of git."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from reportgen import SOURCE_ROOT
from reportgen.cli.main import main
from reportgen.project.ci import BUILD_STEP, CHECK_STEP, WORKFLOW_PATH, install_spec
from tests.helpers import workflow_is_clean

BIN = Path(sys.executable).parent
TEMPLATE_MODULES = ("q1_cnn", "q2_dnn", "q3_augmentation", "q4_confusion")  # ml2019-hw3
INIT = ["init", "--student-id", "R05942017", "--profile", "tiny", "--template", "ml2019-hw3"]


def steps(root: Path) -> dict[str, dict]:
    workflow = yaml.safe_load((root / WORKFLOW_PATH).read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return {step["name"]: step for step in job["steps"]}


def run_step(step: dict, root: Path) -> subprocess.CompletedProcess:
    """A `run:` step as GitHub runs it (bash -e), with this venv's reportgen on PATH."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "CI": "true"}
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True
    )


def test_the_workflow_passes_the_schema_and_zizmor(project, capsys):
    assert main([*INIT, "--ci", "github"]) == 0
    workflow_is_clean(project / WORKFLOW_PATH)


def test_a_workflow_zizmor_would_refuse_is_refused(project):
    """The audit can fail: an action by tag and a checkout that keeps its credentials."""
    assert main([*INIT, "--ci", "github"]) == 0
    path = project / WORKFLOW_PATH
    text = path.read_text(encoding="utf-8")
    text = text.replace("persist-credentials: false", "persist-credentials: true")
    path.write_text(text.replace(text.split("uses: ")[1].split("\n")[0], "actions/checkout@v5"))
    audit = subprocess.run([BIN / "zizmor", "--offline", path], capture_output=True, text=True)
    assert audit.returncode != 0


def test_the_workflow_steps_build_and_check_from_committed_runs(
    project, tiny_project_factory, capsys
):
    from reportgen.build import train_missing
    from reportgen.progress import Reporter

    assert main([*INIT, "--ci", "github"]) == 0
    out = capsys.readouterr().out
    assert "runs/" in out and "build/" in out
    # The committed runs: the tests' shared tiny runs (trained once a session), copied.
    shared = tiny_project_factory(template="ml2019-hw3")
    train_missing(shared, TEMPLATE_MODULES, Reporter())
    runs = {s.key(shared.fingerprint): s.name for s in shared.all_runs().values()}
    for key in runs:
        shutil.copytree(shared.config.runs_dir / key, project / "runs" / key)

    by_name = steps(project)
    build, check = by_name[BUILD_STEP], by_name[CHECK_STEP]
    result = run_step(build, project)
    assert result.returncode == 0, result.stderr
    assert (project / "Report.pdf").is_file()
    result = run_step(check, project)
    assert result.returncode == 0, result.stderr
    assert "Report.pdf: OK (" in result.stdout
    upload = next(s for s in by_name.values() if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "Report.pdf"

    # A run missing from runs/: the build step fails in one line, naming it and its command.
    cnn_key = next(k for k, name in runs.items() if name == "cnn")
    shutil.rmtree(project / "runs" / cnn_key)
    shutil.rmtree(project / "build")
    result = run_step(build, project)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "run cnn not in runs/" in lines[0] and "`reportgen train cnn`" in lines[0]


def test_init_says_what_to_commit_and_keeps_build_out(project, capsys):
    (project / ".gitignore").write_text("*.log", encoding="utf-8")  # a student's own
    assert main(INIT) == 0
    out = capsys.readouterr().out
    assert "commit: reportgen.toml answers/ .gitignore and runs/" in out
    assert "runs/ is empty so far" in out
    lines = (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "*.log" and "build/" in lines and "runs/.partial/" in lines
    assert not (project / WORKFLOW_PATH).exists()

    # Later, with runs trained: --ci adds the workflow alone and gives runs/'s size.
    run = project / "runs" / "0123456789abcdef"
    run.mkdir(parents=True)
    (run / "model.keras").write_bytes(b"\0" * 3 * 1024 * 1024)
    (run / "manifest.json").write_text("{}", encoding="utf-8")  # a run: the store lists it
    assert main(["init", "--ci", "github"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {WORKFLOW_PATH} in ")
    assert "runs/ holds 1 finished runs, 3.0 MiB" in out
    assert (project / ".gitignore").read_text(encoding="utf-8").count("build/") == 1
    assert main(["init", "--ci", "github"]) == 2  # nothing left to write: never overwrites


def test_init_warns_when_runs_are_git_ignored(project, capsys):
    (project / ".gitignore").write_text("/runs/\n", encoding="utf-8")
    assert main(INIT) == 0
    assert "runs/ is ignored by .gitignore here" in capsys.readouterr().out


def test_the_workflow_installs_this_checkout_when_it_is_the_project(tmp_path):
    assert install_spec(SOURCE_ROOT) == "-e ."  # the student's project is this checkout
    assert install_spec(tmp_path).startswith('"fer-reportgen')  # `reportgen` is another project
