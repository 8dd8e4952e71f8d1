"""What a question module's two halves receive. measure(ctx: Context): the finished runs, the
data, the settings the module declared (params, hashed into the measurement's key) and what
the sections of one build share. present(measured, page: Page): the language's words and
the folder its figures are drawn into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reportgen.measure.facts.examples import choose_examples
from reportgen.measure.facts.regions import region_masks
from reportgen.words.text import Words, draft, words

if TYPE_CHECKING:
    from reportgen.data.types import Dataset, LabelledImages
    from reportgen.questions.measured import Measured
    from reportgen.runs.run import Run


class Shared:
    """Choices several sections of one build share, made once per build: the example image
    of each class (q5 to q8 show the same images) and the face regions of the validation
    images. Each is a function of a run (and the data), remembered by the run's key; callers
    get copies, so no section changes another's."""

    def __init__(self) -> None:
        self._examples: dict[str, list[dict[str, Any]]] = {}
        self._regions: dict[tuple[str, str], tuple[dict[str, np.ndarray], str]] = {}

    def examples(self, run: Run) -> list[dict[str, Any]]:
        """choose_examples of the run's validation predictions."""
        if run.key not in self._examples:
            self._examples[run.key] = choose_examples(run.val_pred, run.val_true, run.val_index)
        return [dict(e) for e in self._examples[run.key]]

    def regions(self, data: Dataset, run: Run) -> tuple[dict[str, np.ndarray], str]:
        """region_masks of the run's validation images: (masks, source)."""
        key = (run.key, data.fingerprint)
        if key not in self._regions:
            masks = None
            if data.masks is not None:
                masks = {r: m[run.val_index] for r, m in data.masks.items()}
            self._regions[key] = region_masks(masks)
        masks, source = self._regions[key]
        return dict(masks), source


@dataclass
class Context:
    """What measure() gets: no language, no words, no folder to draw in."""

    module: str
    params: Mapping[str, Any]  # what the module's params() declared for this build
    data: Dataset
    runs: dict[str, Run]  # by the names the module's runs() gave
    shared: Shared = field(default_factory=Shared)

    def val(self, run_name: str = "cnn") -> LabelledImages:
        """The hold-out the named run was validated on (same split for every run by default)."""
        return self.data.train.subset(self.runs[run_name].val_index)


@dataclass
class Page:
    """What present() gets: the language and the section's folder (figures are drawn there,
    named in Figure.file)."""

    module: str
    lang: str
    out_dir: Path

    @property
    def words(self) -> Words:
        """The language's catalog (words/<lang>/words.toml)."""
        return words(self.lang)

    def figure_path(self, file: str) -> Path:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return self.out_dir / file

    def draft(self, measured: Measured, part: str | None = None) -> str:
        """The module's prose (words/<lang>/<module>.md.j2) with the measurement's facts and
        verdicts; `part` picks the passage of a template written in several."""
        values = measured.template_values()
        return draft(self.lang, self.module, values if part is None else {**values, "part": part})
