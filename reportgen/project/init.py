"""What `reportgen init` writes into a project, and what it tells the student to commit.

Everything a build needs besides the data is the project's own: reportgen.toml, answers/ and
runs/ (the trained runs: CI builds from them without training). build/ (the section cache) is
rebuilt from those on any machine, so the .gitignore keeps it out, with runs/'s unfinished
folders.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.items import Table

from reportgen.project.ci import WORKFLOW_PATH, install_spec, workflow
from reportgen.project.starter import write_starter
from reportgen.runs.store import RunStore
from reportgen.settings.config import CONFIG_FILE, Config
from reportgen.settings.table import KEYS
from reportgen.store.files import human_size
from reportgen.store.outputs import rewrite, write_new

GITHUB_FILE_LIMIT = 100 * 1024 * 1024  # GitHub refuses larger files (Git LFS takes them)
GITIGNORE_LINES = ("build/", "runs/.partial/", "runs/.locks/", "runs/.corrupt/")
_IGNORES_RUNS = ("runs", "runs/", "/runs", "/runs/", "runs/*", "/runs/*")

HEADER = "reportgen settings; every key can be overridden by its flag (reportgen build --help)."

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
    """reportgen.toml with config's values, written by a TOML library (any text a student
    types reads back unchanged), in the order of the settings' rows (reportgen/settings/
    table.py), each key after its help line; a key without a value yet is an example,
    commented out."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment(HEADER))
    tables: dict[str, Table] = {}
    for (name, key), setting in KEYS.items():
        table = tables.setdefault(name, tomlkit.table())
        table.add(tomlkit.comment(setting.comment))
        value = getattr(getattr(config, name), key)
        if value is None:
            table.add(tomlkit.comment(f"{key} = {setting.example}"))
        else:
            table.add(key, value)
    for name, table in tables.items():
        doc.add(name, table)
    return tomlkit.dumps(doc)


def write_project(
    config: Config, starter: str | None, ci: bool, flags: list[str]
) -> tuple[list[str], list[str]]:
    """Write each file the project lacks, never over one that is there: reportgen.toml,
    answers/README.md, .gitignore's lines, the starter model (starter: its path), the
    workflow (ci). flags: the settings given on the command line. What was written and
    what was kept, for people."""
    root = config.root
    toml_note = "there already: edit it to change a setting"
    if flags:
        toml_note += f"; {', '.join(flags)} as given here not written into it"
    if starter and "--model" in flags:
        toml_note += f'; set model = "{starter}" in its [training] table to use {starter}'
    # (the file, whether it was written now, what it is, why it was kept)
    done = [(CONFIG_FILE, write_new(root / CONFIG_FILE, config_text(config)), "", toml_note)]
    if starter:
        done.append(
            (starter, write_starter(root, starter), "your CNN: edit it, then `reportgen build`", "")
        )
    guide = f"{config.answers_dir.name}/README.md"
    done += [
        (guide, write_answers_guide(config.answers_dir), "", ""),
        (".gitignore", write_gitignore(root), "build/ stays out", "it has reportgen's lines"),
    ]
    if ci:
        written = write_new(root / WORKFLOW_PATH, workflow_text(config))
        done.append((str(WORKFLOW_PATH), written, "", "there already: remove it to write it anew"))
    wrote = [f"{name} ({what})" if what else name for name, new, what, _ in done if new]
    kept = [f"{name} ({why or 'there already'})" for name, new, _, why in done if not new]
    return wrote, kept


def write_answers_guide(answers_dir: Path) -> bool:
    """answers/README.md unless it is there. Whether it was written."""
    answers_dir.mkdir(exist_ok=True)
    return write_new(answers_dir / "README.md", ANSWERS_GUIDE)


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
    rewrite(path, text + header + "\n".join(missing) + "\n")
    return True


def workflow_text(config: Config) -> str:
    return workflow(config.report.output, install_spec(config.root))


def commit_advice(config: Config) -> list[str]:
    """What to commit, runs/ with its size, and what stands in the way (an ignored runs/,
    files over GitHub's limit)."""
    root = config.root
    listed = [CONFIG_FILE, f"{config.answers_dir.name}/", ".gitignore"]
    if (root / WORKFLOW_PATH).exists():
        listed.append(".github/")
    runs = list(RunStore(config.runs_dir).cached())  # the store knows what runs/ holds
    lines = [f"commit: {' '.join(listed)} and runs/ (CI builds the report from it, never trains)"]
    if runs:
        sizes = dict(size for run in runs for size in run.sizes)
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


def _ignores_runs(root: Path) -> bool:
    path = root / ".gitignore"
    if not path.exists():
        return False
    return any(line.strip() in _IGNORES_RUNS for line in path.read_text("utf-8").splitlines())
