"""The hash of the code that turns a run spec into a trained run, recorded with the
TRAINING_CODE_VERSION it belongs to (tests/test_spec.py compares them).

    python -m tests.training_code     # record the current hash and version
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Changing what these files do changes what a spec trains into (spec.py's keys cover the rest).
TRAINING_CODE = (
    "models.py",
    "train.py",
    "loop.py",
    "schedule.py",
    "pipeline.py",
    "augment.py",
    "user_model.py",
    "imported.py",
)
RECORD = Path(__file__).with_name("training_code.json")


def training_code_hash() -> str:
    digest = hashlib.sha256()
    for name in TRAINING_CODE:
        digest.update(name.encode())
        digest.update((ROOT / "reportgen" / "runs" / name).read_bytes())
    return digest.hexdigest()


def record() -> None:
    from reportgen.runs.spec import TRAINING_CODE_VERSION

    value = {"version": TRAINING_CODE_VERSION, "sha256": training_code_hash()}
    RECORD.write_text(json.dumps(value, indent=1) + "\n", encoding="utf-8")
    print(f"recorded training code version {value['version']}: {value['sha256'][:16]}")


if __name__ == "__main__":
    record()
