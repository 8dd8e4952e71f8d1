"""What `reportgen init` writes into a project, and what it tells the student to commit.

Everything a build needs besides the data is the project's own: reportgen.toml, answers/ and
runs/ (the trained runs: CI builds from them without training). build/ (the section cache) is
rebuilt from those on any machine, so the .gitignore keeps it out, with runs/'s unfinished
folders.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.ci import WORKFLOW_PATH, install_spec, workflow
from reportgen.config import CONFIG_FILE, Config
from reportgen.files import human_size

GITHUB_FILE_LIMIT = 100 * 1024 * 1024  # GitHub refuses larger files (Git LFS takes them)
GITIGNORE_LINES = ("build/", "runs/.partial/", "runs/.locks/", "runs/.corrupt/")
_IGNORES_RUNS = ("runs", "runs/", "/runs", "/runs/", "runs/*", "/runs/*")

INIT_TOML = """\
# reportgen settings; every key can be overridden by its flag (reportgen build --help).
[student]
id = "{id}"
name = "{name}"
department = "{department}"

[report]
template = "{template}"   # reportgen list templates
lang = "{lang}"             # zh or en
output = "{output}"

[data]
path = "{data}"                 # empty: the embedded synthetic faces; else train.csv (or .gz)
val_fraction = {val_fraction}

[training]
profile = "{profile}"        # tiny, quick or full
budget = "{budget}"              # e.g. "45m": train within this time here; empty: the profile's epochs
model = "{model}"               # your own CNN: a .py with build_model (init --model writes one) or a trained .keras; empty: reportgen's
history = "{history}"             # with a trained .keras: its History.history JSON or CSVLogger CSV
model_input = "{model_input}"      # with a trained .keras: the pixels it was trained on, 0-255 or 0-1

[kaggle]
# public = 0.70
# private = 0.69

[explain]
filter_layer = "{filter_layer}"         # q6; empty: a middle convolutional layer
"""

ANSWERS_GUIDE = """\
# Your own words

Put a file named after a module here (q1_cnn.md, q3_augmentation.md, ...) and its Markdown is
added after the generated draft of that section. To replace the draft's text instead, start
the file with:

    ---
    mode: replace
    collaborators: B06902000 王小明
    ---

Then `reportgen build` re-renders the report in seconds (every section is cached), or keep
`reportgen build --watch` running: it rebuilds Report.pdf on every save here. reportgen never
writes into this folder. This README is not used by any build.
"""


def config_text(config: Config) -> str:
    return INIT_TOML.format(
        id=config.student.id,
        name=config.student.name,
        department=config.student.department,
        template=config.report.template,
        lang=config.report.lang,
        output=config.report.output,
        data=config.data.path,
        val_fraction=config.data.val_fraction,
        profile=config.training.profile,
        budget=config.training.budget,
        model=config.training.model,
        history=config.training.history,
        model_input=config.training.model_input,
        filter_layer=config.explain.filter_layer,
    )


def write_answers_guide(answers_dir: Path) -> bool:
    """answers/README.md unless it is there. Whether it was written."""
    answers_dir.mkdir(exist_ok=True)
    guide = answers_dir / "README.md"
    if guide.exists():
        return False
    guide.write_text(ANSWERS_GUIDE, encoding="utf-8")
    return True


def write_gitignore(root: Path) -> bool:
    """Add the lines of GITIGNORE_LINES that root/.gitignore lacks. Whether it changed."""
    path = root / ".gitignore"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.strip().lstrip("/") for line in text.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in present]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    header = "# reportgen: rebuilt from runs/ and answers/ by every build\n"
    path.write_text(text + header + "\n".join(missing) + "\n", encoding="utf-8")
    return True


def write_workflow(config: Config, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = workflow(config.report.output, install_spec(config.root))
    path.write_text(text, encoding="utf-8")


def commit_advice(config: Config) -> list[str]:
    """What to commit, runs/ with its size, and what stands in the way (an ignored runs/,
    files over GitHub's limit)."""
    root = config.root
    listed = [CONFIG_FILE, f"{config.answers_dir.name}/", ".gitignore"]
    if (root / WORKFLOW_PATH).exists():
        listed.append(".github/")
    runs = _finished_runs(config.runs_dir)
    lines = [f"commit: {' '.join(listed)} and runs/ (CI builds the report from it, never trains)"]
    if runs:
        sizes = {f: f.stat().st_size for run in runs for f in run.rglob("*") if f.is_file()}
        lines.append(f"  runs/ holds {len(runs)} finished runs, {human_size(sum(sizes.values()))}")
        for f, size in sorted(sizes.items()):
            if size > GITHUB_FILE_LIMIT:
                lines.append(
                    f"  {f.relative_to(root)} is {human_size(size)}, over GitHub's 100 MiB per "
                    "file: track it with Git LFS (git lfs track 'runs/**/*.keras')"
                )
    else:
        lines.append(
            "  runs/ is empty so far: `reportgen build` (or `reportgen train`) trains the runs; "
            "commit runs/ afterwards"
        )
    if _ignores_runs(root):
        lines.append(
            "  runs/ is ignored by .gitignore here: remove that line, or `git add -f runs`"
        )
    data = config.data.path
    if data and not Path(data).is_absolute():
        lines.append(f"  and your data ({data}): the build reads it to fingerprint the runs")
    t = config.training
    own = [p for p in (t.model, t.history) if p and not Path(p).is_absolute()]
    if own:
        lines.append(f"  and your model ({', '.join(own)}): the runs that use it are keyed by it")
    return lines


def _finished_runs(runs_dir: Path) -> list[Path]:
    if not runs_dir.is_dir():
        return []
    return sorted(d for d in runs_dir.iterdir() if d.is_dir() and not d.name.startswith("."))


def _ignores_runs(root: Path) -> bool:
    path = root / ".gitignore"
    if not path.exists():
        return False
    return any(line.strip() in _IGNORES_RUNS for line in path.read_text("utf-8").splitlines())
