"""What a question module's answer() receives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reportgen.config import Config
from reportgen.data.types import Dataset, LabelledImages
from reportgen.profiles import Profile
from reportgen.runs.run import Run


@dataclass
class Context:
    module: str
    config: Config
    profile: Profile
    data: Dataset
    runs: dict[str, Run]  # by the names the module's runs() gave
    out_dir: Path  # the section's folder: write figure files here, name them in Figure.file

    @property
    def lang(self) -> str:
        return self.config.report.lang

    def val_index(self, run_name: str = "cnn") -> np.ndarray:
        return self.runs[run_name].val_index

    def val(self, run_name: str = "cnn") -> LabelledImages:
        """The hold-out the named run was validated on (same split for every run by default)."""
        return self.data.train.subset(self.val_index(run_name))

    def val_masks(self, run_name: str = "cnn") -> dict[str, np.ndarray] | None:
        if self.data.masks is None:
            return None
        idx = self.val_index(run_name)
        return {region: m[idx] for region, m in self.data.masks.items()}

    def figure_path(self, file: str) -> Path:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return self.out_dir / file

    def write(self, template: str, facts: dict[str, Any]) -> str:
        """Render templates/text/<lang>/<template>.md.j2 with the facts: the draft answer."""
        from reportgen.text import render_text

        return render_text(self.lang, template, facts)
