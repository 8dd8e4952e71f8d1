"""Small shared test helpers (not fixtures): tiny data and tiny run specs."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from reportgen.data.types import Dataset, LabelledImages
from reportgen.render.blocks import Figure, Section, Table, Text
from reportgen.render.check import check_pdf
from reportgen.runs.spec import ModelSpec, RunSpec
from reportgen.settings.course import CourseTemplate

TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
    b"\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\x18\xdd\x8d\xb4\x00\x00\x00\x00IEND\xaeB`\x82"
)


def random_dataset(n: int = 280, seed: int = 0) -> Dataset:
    """Random images whose class is written into their brightness: learnable, tiny, fast."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 7
    images = rng.integers(0, 60, size=(n, 48, 48)) + labels[:, None, None] * 25
    train = LabelledImages(images.astype(np.uint8), labels.astype(np.int64))
    return Dataset(source="random", train=train, fingerprint=f"random-{n}-{seed}")


def tiny_spec(name: str = "tiny", epochs: int = 2, **changes) -> RunSpec:
    spec = RunSpec(
        name=name,
        role="cnn",
        model=ModelSpec(kind="cnn", filters=(4, 8), convs_per_block=1, dense_units=8, dropout=0.1),
        normalize=True,
        augment=None,
        epochs=epochs,
        batch_size=64,
        learning_rate=3e-3,
        val_fraction=0.2,
    )
    return spec.with_(**changes)


def share_runs(root: Path, tiny_project) -> Path:
    """root/runs made the tests' shared run store (each run trained once per session)."""
    shared = tiny_project.config.runs_dir
    shared.mkdir(parents=True, exist_ok=True)
    (root / "runs").symlink_to(shared, target_is_directory=True)
    return root


def hand_made_sections(
    root: Path, modules, skip=(), extra: str = "", figure: Path | None = None
) -> dict:
    """One hand-made section per module, nothing trained: text, a table, a figure in the main
    part and one in a "curves" part (`figure` copied, else a 1x1 PNG)."""
    out = {}
    for module in modules:
        if module in skip:
            continue
        folder = root / "build" / "sections" / module
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("main.png", "curves.png"):
            if figure is None:
                (folder / name).write_bytes(TINY_PNG)
            else:
                shutil.copy(figure, folder / name)
        blocks = [
            Text(f"模組 **{module}** 的回答：驗證準確率為 `61.5%`。{extra}"),
            Table("準確率", ("模型", "準確率"), (("CNN", "0.615"), ("DNN", "0.402"))),
            Figure("main.png", f"{module} 的圖", width="60%"),
            Figure("curves.png", f"{module} 的 loss 對 epoch", part="curves"),
        ]
        out[module] = (Section(module, blocks), folder)
    return out


def cache_hand_made_sections(project) -> None:
    """Hand-made sections where the build looks for them (build/sections/<module>/<key>/):
    a project whose every section is cached, nothing trained."""
    from reportgen.build import section_folder
    from reportgen.store.paths import SECTION_FILE

    staging = project.config.root / ".staging"
    made = hand_made_sections(staging, project.template.modules())
    for module, (section, folder) in made.items():
        target = section_folder(project, module)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(folder, target)
        (target / SECTION_FILE).write_text(section.to_json(), encoding="utf-8")
    shutil.rmtree(staging)


def check_report(pdf: Path, template: CourseTemplate, student_id: str) -> list[str]:
    """What `reportgen check` finds wrong with the PDF ([]: it is whole)."""
    return check_pdf(pdf, template, student_id).problems


def workflow_is_clean(path: Path) -> None:
    """A GitHub workflow passes GitHub's schema and zizmor's pedantic offline audits."""
    config_is_clean(path, "vendor.github-workflows")


def config_is_clean(path: Path, schema_name: str) -> None:
    """A GitHub file (a workflow, dependabot.yml) passes its schema (check-jsonschema's
    builtin schema_name) and zizmor's pedantic offline audits."""
    bin_dir = Path(sys.executable).parent
    schema = subprocess.run(
        [bin_dir / "check-jsonschema", "--builtin-schema", schema_name, path],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run(
        [bin_dir / "zizmor", "--offline", "--persona", "pedantic", path],
        capture_output=True,
        text=True,
    )
    assert audit.returncode == 0 and "No findings" in audit.stdout, audit.stdout + audit.stderr


def answer(ctx, page) -> Section:
    """A question's section measured and presented in one go, with no cache (what a build
    does for a section it has neither measured nor presented)."""
    from reportgen import questions

    module = questions.load(ctx.module)
    measured = module.measure(ctx)
    return replace(module.present(measured, page), facts=measured.record())


def pdf_text(path: Path) -> str:
    """The text layer of a PDF, page after page (one line break between pages)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def git(folder: Path, *argv: str) -> str:
    """git -C folder argv..., as a throw-away user who signs nothing: its output, stripped."""
    user = ["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    return subprocess.check_output(["git", "-C", str(folder), *user, *argv], text=True).strip()


def write_test_csv(path: Path, ids, seed: int = 0) -> None:
    """A Kaggle test.csv (id,feature) of random faces, one row per id."""
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "feature"])
        for i in ids:
            pixels = rng.integers(0, 256, size=48 * 48)
            writer.writerow([i, " ".join(map(str, pixels))])


def read_submission(path: Path) -> tuple[list[str], list[list[str]]]:
    """A submission CSV: (its header, its rows)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def shared_dir(tmp_path_factory, name: str) -> Path:
    """A folder shared by the xdist workers of one test session (the run store's lock makes
    two workers that need the same run wait for each other instead of training it twice)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    folder.mkdir(exist_ok=True)
    return folder
