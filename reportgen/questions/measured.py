"""What a question measures, apart from how it is said: numbers, the verdicts decided from
them, and the arrays its figures are drawn from. `measure(ctx)` makes one, `present(measured,
page)` turns it into blocks in one language. It is cached under a key over the runs, the
params, the measuring code and the data, so a new language or a new caption measures nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from reportgen.measure.verdict import Verdict
from reportgen.render.blocks import plain


@dataclass
class Measured:
    """A section's measurement: `facts` are plain numbers (JSON), `verdicts` the judgements
    by name, `arrays` what its figures are drawn from (images, maps)."""

    module: str
    facts: Mapping[str, Any]
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)
    arrays: Mapping[str, np.ndarray] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "module": self.module,
                "facts": self.facts,
                "verdicts": {k: asdict(v) for k, v in self.verdicts.items()},
            },
            ensure_ascii=False,
            indent=1,
            default=plain,
        )

    @classmethod
    def from_json(cls, text: str, arrays: Mapping[str, np.ndarray]) -> Measured:
        raw = json.loads(text)
        verdicts = {
            k: Verdict(**{**v, "subjects": tuple(v["subjects"])})
            for k, v in raw["verdicts"].items()
        }
        return cls(raw["module"], raw["facts"], verdicts, dict(arrays))

    def record(self) -> dict[str, Any]:
        """The facts and the verdicts (as plain data), as a section keeps them beside its
        blocks: what its prose was rendered from."""
        return {**self.facts, "verdicts": {k: asdict(v) for k, v in self.verdicts.items()}}

    def template_values(self) -> dict[str, Any]:
        """What the prose templates read: the facts, and `verdicts` by name."""
        return {**self.facts, "verdicts": dict(self.verdicts)}
