"""A report rendered from hand-made sections with one tiny matplotlib figure: nothing is trained.
Shared by the rendering tests (report, Markdown, fonts) and the atomic-output test."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from reportgen.plots.style import figure_style, save_figure
from reportgen.render.report import render_report
from reportgen.settings.config import StudentConfig
from reportgen.settings.course import CourseTemplate, load_template
from tests.helpers import hand_made_sections

STUDENT = StudentConfig(id="R05942017", name="王小明", department="電機三")

TEMPLATES = ("ml2017-hw3", "ml2018-hw3", "ml2019-hw3", "ml2019-hw4", "ml2019")


def tiny_figure(path: Path, title: str) -> None:
    with figure_style():
        fig, ax = plt.subplots(figsize=(2.4, 1.6))
        ax.plot([1, 2, 3], [3, 1, 2], label="訓練")
        ax.set_title(title)
        ax.legend()
        save_figure(fig, path, dpi=60)


@functools.cache
def figure_file() -> Path:
    """One tiny figure with Chinese labels, drawn once per test session."""
    folder = tempfile.mkdtemp(prefix="reportgen-test-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "figure.png"
    tiny_figure(path, "訓練過程")
    return path


def make_sections(root: Path, template: CourseTemplate, skip: tuple[str, ...] = ()) -> dict:
    return hand_made_sections(root, template.modules(), skip, figure=figure_file())


def render(root: Path, template_id: str, sections: dict | None = None, **kwargs) -> Path:
    template = load_template(template_id)
    if sections is None:
        sections = make_sections(root, template)
    output = root / "Report.pdf"
    options = {"lang": "zh", "output": output, "build_dir": root / "build", "notice": None}
    options.update(kwargs)
    render_report(template, sections, STUDENT, **options)
    return output
