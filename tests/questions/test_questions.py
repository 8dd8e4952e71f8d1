"""Every question module (reportgen/questions/): its sections on the tiny profile's runs in both
languages, each template branch reached, each section presented from its measurement alone,
the explanation figures (reportgen/plots/explain.py) written."""

from __future__ import annotations

import dataclasses
import json

import pytest

from reportgen.measure.facts.ablation import ablation_verdicts
from reportgen.measure.facts.confusion import labelled_test_verdicts
from reportgen.measure.facts.training_verdicts import cnn_verdicts, dnn_verdicts
from reportgen.render.blocks import Figure, Table, Text
from reportgen.words.text import render_text
from tests.helpers import answer
from tests.questions.section_checks import (
    CJK,
    HW4_MODULES,
    PNG,
    assert_figures,
    blocks,
    text_of,
)


@pytest.mark.parametrize("module", ["q1_cnn", "q2_dnn", "q3_augmentation", "q4_confusion"])
def test_english_renders(en, section_of, module):
    section, folder = section_of(en, module)
    text = text_of(section)
    assert text.strip() and not CJK.search(text)
    assert_figures(section, folder)
    for table in blocks(section, Table):
        assert not any(CJK.search(cell) for row in table.rows for cell in row)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_templates_cover_test_sets_kaggle_overfitting_and_seeds(lang, sections):
    """Facts the tiny synthetic runs never produce: labelled test sets, Kaggle scores,
    overfitting, several seeds. The templates must render them and say the numbers."""
    from reportgen.questions import q1_cnn

    q1 = json.loads(json.dumps(sections("q1_cnn")[0].facts))
    q1["results"]["test_accuracy"] = [
        {"name": "PrivateTest", "accuracy": 0.611},
        {"name": "PublicTest", "accuracy": 0.623},
    ]
    q1["kaggle"] = q1_cnn.kaggle_facts(
        {"public": 0.6345, "private": 0.6212}, q1["results"]["val_accuracy"]
    )
    q1["history"].update(overfit_epoch=3, best_epoch=3, val_loss_rise=0.12, epochs=6)
    q1["verdicts"] = cnn_verdicts(q1)
    text = render_text(lang, "q1_cnn", q1)
    assert "PublicTest" in text and "62.3%" in text and "63.45%" in text and "62.12%" in text
    assert "12.0%" in text

    q2 = json.loads(json.dumps(sections("q2_dnn")[0].facts))
    q2["dnn"]["history"]["overfit_epoch"] = 2
    q2["cnn"]["history"]["overfit_epoch"] = 4
    q2["verdicts"] = dnn_verdicts(q2)
    assert q2["verdicts"]["overfit_order"].name == "dnn_first"
    for part in ("main", "curves"):
        assert render_text(lang, "q2_dnn", {**q2, "part": part}).strip()
    main = render_text(lang, "q2_dnn", {**q2, "part": "main"})
    earlier = "DNN 比較早開始過擬合" if lang == "zh" else "the DNN starts overfitting earlier"
    assert earlier in main

    q3 = json.loads(json.dumps(sections("q3_augmentation")[0].facts))
    q3["noise"].update(n_seeds=3, pooled_std=0.01)
    for effect in (*q3["normalization"].values(), *q3["augmentation"].values()):
        effect.update(se=0.006, ratio=abs(effect["delta"]) / 0.006)
        effect["beyond_noise"] = abs(effect["delta"]) > 0.012
    verdicts = ablation_verdicts(q3)
    text = render_text(lang, "q3_augmentation", {**q3, "verdicts": verdicts, "part": "results"})
    assert ("標準差約 1.0 個百分點" if lang == "zh" else "about 1.0 points") in text

    q4 = json.loads(json.dumps(sections("q4_confusion")[0].facts))
    q4["tests"] = [{"name": "PublicTest", **q4["val"], "n": 3589}]
    verdicts = {
        f"{name}.PublicTest": v
        for name, v in labelled_test_verdicts(q4["tests"][0], q4["val"]).items()
    }
    text = render_text(lang, "q4_confusion", {**q4, "verdicts": verdicts, "part": "tests"})
    assert "PublicTest" in text and "3,589" in text


@pytest.mark.parametrize("module", HW4_MODULES)
def test_each_module_writes_its_figures_tables_and_plain_facts(sections, module):
    section, folder = sections(module)
    figures = [b for b in section.blocks if isinstance(b, Figure)]
    assert figures
    for fig in figures:
        assert (folder / fig.file).read_bytes()[:8] == PNG
        assert fig.caption
    assert any(isinstance(b, Table) for b in section.blocks)
    texts = [b.markdown for b in section.blocks if isinstance(b, Text)]
    assert texts and all(t.strip() for t in texts)
    assert CJK.search("".join(texts))  # zh is the default language
    json.loads(json.dumps(section.facts, allow_nan=False))  # plain JSON, no NaN


@pytest.mark.parametrize("module", ["q5_saliency", "q6_filters"])
def test_q5_q6_present_from_the_cached_measurement_alone(sections, tiny_project, tmp_path, module):
    """The section comes back, prose, figures and all, from build/measured alone (no run, no
    model): its figures from the stored arrays, its verdicts as the prose's."""
    from reportgen import questions
    from reportgen.build import read_measurement
    from reportgen.questions.context import Page

    section, _ = sections(module)
    measured = read_measurement(tiny_project, module)
    assert measured is not None and measured.arrays
    again = questions.load(module).present(
        measured, Page(module, tiny_project.config.report.lang, tmp_path)
    )
    assert [b.markdown for b in again.blocks if isinstance(b, Text)] == [
        b.markdown for b in section.blocks if isinstance(b, Text)
    ]
    assert section.facts["verdicts"] == measured.record()["verdicts"]
    for fig in (b for b in again.blocks if isinstance(b, Figure)):
        assert (tmp_path / fig.file).read_bytes()[:8] == PNG
        assert fig.alt and fig.alt != fig.caption


def test_q7_and_q8_figures_say_in_their_alt_text_what_was_measured(sections):
    q7, q8 = sections("q7_lime")[0], sections("q8_gradcam")[0]
    lime, cams, averages = [b for s in (q7, q8) for b in s.blocks if isinstance(b, Figure)]
    assert f"{q7.facts['r2']:.2f}" in lime.alt and lime.alt != lime.caption
    shape = q8.facts["layer_shape"]
    assert q8.facts["layer"] in cams.alt and f"{shape[0]}×{shape[1]}" in cams.alt
    assert averages.alt and averages.alt != averages.caption


@pytest.mark.parametrize("module", HW4_MODULES)
def test_english_renders_too(tiny_project_factory, section_of, module):
    section, _ = section_of(tiny_project_factory(lang="en"), module)
    text = "".join(b.markdown for b in section.blocks if isinstance(b, Text))
    assert text.strip() and not CJK.search(text)
    assert all(not CJK.search(b.caption) for b in section.blocks if isinstance(b, Figure))


@pytest.mark.parametrize("module", ["q5_saliency", "q7_lime", "q8_gradcam"])
def test_real_data_without_masks_uses_the_fixed_fer_regions(tiny_project, cnn, tmp_path, module):
    from reportgen import questions
    from reportgen.questions.context import Context, Page

    data = dataclasses.replace(tiny_project.data, masks=None, synthetic=False)
    ctx = Context(
        module=module,
        params=questions.load(module).params(tiny_project.profile, tiny_project.config),
        data=data,
        runs={"cnn": cnn},
    )
    section = answer(ctx, Page(module, tiny_project.config.report.lang, tmp_path))
    assert section.facts["mask_source"] == "fer"
    assert all((tmp_path / b.file).exists() for b in section.blocks if isinstance(b, Figure))
