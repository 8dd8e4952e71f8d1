"""reportgen/questions/q3_augmentation.py: the table's cells are the four runs, and an
augmentation parameter retrains only the runs that use it."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.questions import shared_runs
from reportgen.render.blocks import Table
from reportgen.runs.spec import AugmentSpec
from tests.questions.section_checks import (
    assert_figures,
    blocks,
    run_of,
    text_of,
)


def test_q3_table_cells_are_the_four_runs(zh, sections):
    section, folder = sections("q3_augmentation")
    (table,) = blocks(section, Table)
    assert len(table.rows) == 2 and len(table.header) == 3
    seeds = zh.profile.seeds
    for row, normalize in zip(table.rows, (False, True), strict=True):
        for cell, augment in zip(row[1:], (False, True), strict=True):
            accs = [
                run_of(
                    zh, "q3_augmentation", shared_runs.ablation_name(normalize, augment, s)
                ).metrics["val_accuracy"]
                for s in seeds
            ]
            assert cell.startswith(f"{100 * np.mean(accs):.1f}%")
            fact = next(
                c
                for c in section.facts["cells"]
                if (c["normalize"], c["augment"]) == (normalize, augment)
            )
            assert fact["accuracies"] == accs
    cells = {(c["normalize"], c["augment"]): c["mean"] for c in section.facts["cells"]}
    assert section.facts["augmentation"]["with_norm"]["delta"] == pytest.approx(
        cells[(True, True)] - cells[(True, False)]
    )
    if len(seeds) == 1:
        assert section.facts["noise"]["pooled_std"] is None
        assert "沒有量到" in text_of(section)
    assert_figures(section, folder)
    norm_run = run_of(zh, "q3_augmentation", shared_runs.ablation_name(True, False, seeds[0]))
    mean = float(np.asarray(norm_run.model.get_layer("normalize").mean).ravel()[0])
    assert section.facts["methods"]["norm_mean"] == pytest.approx(mean)


def test_q3_an_augmentation_parameter_retrains_only_the_runs_that_use_it(zh, sections, monkeypatch):
    from reportgen.build import train_missing
    from reportgen.progress import Reporter
    from reportgen.runs.store import RunStore

    sections("q3_augmentation")  # all four trained and cached
    before = {n: s.key(zh.data.fingerprint) for n, s in zh.module_runs("q3_augmentation").items()}
    from reportgen.runs import spec as spec_module

    monkeypatch.setattr(spec_module, "profile_augment", lambda profile: AugmentSpec(zoom=0.2))
    after = {n: s.key(zh.data.fingerprint) for n, s in zh.module_runs("q3_augmentation").items()}
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {n for n in before if "-aug+-" in n}

    trained = []

    def ensure(self, spec, data, report, label=None, on_step=None):  # what would be trained
        trained.append(spec.name)

    monkeypatch.setattr(RunStore, "ensure", ensure)
    train_missing(zh, ("q3_augmentation",), Reporter())
    assert sorted(trained) == sorted(changed)
