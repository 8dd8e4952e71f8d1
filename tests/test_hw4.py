"""The HW4 question modules (q5..q8): the facts helpers on hand-made data, then each section on
the tiny profile's CNN run (trained once per session on the synthetic faces, shared with other
tests). The explanation methods themselves are tested in test_explain.py."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest

from reportgen.data.types import REGIONS
from reportgen.errors import UserError
from reportgen.measure.facts.examples import choose_examples
from reportgen.measure.facts.filters import (
    frequency_bin,
    gain_facts,
    orientation_bin,
    spectrum_facts,
)
from reportgen.measure.facts.lime import recall_tie_verdicts, recall_ties
from reportgen.measure.facts.regions import group_by_region, region_shares
from reportgen.measure.facts.saliency import top_mass
from reportgen.render.blocks import Figure, Table, Text

MODULES = ("q5_saliency", "q6_filters", "q7_lime", "q8_gradcam")
PNG = b"\x89PNG\r\n\x1a\n"
CJK = re.compile(r"[\u4e00-\u9fff]")


# ------------------------------------------------------------------------- facts helpers


def test_the_example_per_class_is_the_most_confident_correct_one():
    probs = np.array(
        [
            [0.6, 0.1, 0.1, 0.1, 0.05, 0.03, 0.02],  # class 0, correct, 0.6
            [0.9, 0.02, 0.02, 0.02, 0.02, 0.01, 0.01],  # class 0, correct, 0.9  <- chosen
            [0.05, 0.0, 0.0, 0.95, 0.0, 0.0, 0.0],  # class 0, wrong (0.05 for class 0)
            [0.3, 0.1, 0.0, 0.6, 0.0, 0.0, 0.0],  # class 1, wrong: 0.1
            [0.2, 0.2, 0.0, 0.6, 0.0, 0.0, 0.0],  # class 1, wrong: 0.2  <- fallback
            [0.0, 0.0, 0.0, 0.7, 0.0, 0.0, 0.3],  # class 3, correct, 0.7 (tie) <- earlier
            [0.0, 0.0, 0.0, 0.7, 0.0, 0.0, 0.3],  # class 3, correct, 0.7 (tie)
        ]
    )
    true = np.array([0, 0, 0, 1, 1, 3, 3])
    index = np.array([10, 11, 12, 13, 14, 15, 16])
    examples = {e["class"]: e for e in choose_examples(probs, true, index)}
    assert sorted(examples) == [0, 1, 3]  # classes without images are left out
    assert examples[0]["position"] == 1 and examples[0]["row"] == 11 and examples[0]["correct"]
    assert examples[1]["position"] == 4 and not examples[1]["correct"]
    assert examples[1]["predicted"] == 3
    assert examples[3]["position"] == 5
    json.dumps(list(examples.values()))


def test_region_shares_sum_to_at_most_one_and_name_the_dominant_region():
    masks = {r: np.zeros((2, 4, 4), dtype=bool) for r in REGIONS}
    masks["mouth"][:, 3, :] = True
    masks["eyes"][:, 0, :2] = True
    maps = np.ones((2, 4, 4))
    maps[:, 3, :] = 5.0  # the mouth row holds 20 of 32 (per image)
    facts = region_shares(maps, masks)
    assert facts["n"] == 2
    assert facts["dominant"] == "mouth"
    assert facts["shares"]["mouth"] == pytest.approx(20 / 32)
    assert facts["shares"]["eyes"] == pytest.approx(2 / 32)
    assert sum(facts["shares"].values()) + facts["rest"] == pytest.approx(1.0)
    assert facts["second"] == "eyes"
    # an all-zero map is left out, not counted as zero everywhere
    assert (
        region_shares(
            np.concatenate([maps, np.zeros((1, 4, 4))]),
            {r: np.concatenate([m, m[:1]]) for r, m in masks.items()},
        )["n"]
        == 2
    )


def test_orientation_and_frequency_bins():
    assert orientation_bin(0) == orientation_bin(179) == "horizontal"
    assert orientation_bin(45) == "diagonal_up"
    assert orientation_bin(90) == "vertical"
    assert orientation_bin(135) == "diagonal_down"
    assert frequency_bin(0.05) == "low"
    assert frequency_bin(0.2) == "mid"
    assert frequency_bin(0.3) == "high"
    facts = spectrum_facts(np.array([0.0, 2.0, 90.0]), np.array([0.3, 0.3, 0.05]), np.zeros(3))
    assert facts["by_orientation"] == {
        "horizontal": 2,
        "diagonal_up": 0,
        "vertical": 1,
        "diagonal_down": 0,
    }
    assert facts["cells"]["horizontal"]["high"] == 2
    assert facts["top_orientation"] == "horizontal"
    assert facts["top_frequency"] == "high"


def test_gain_compares_the_ascent_with_its_start_and_with_real_faces():
    filters = np.array([0, 1, 2])
    start = np.array([0.0, 0.1, 0.2])  # filter 0 silent on its noise start
    end = np.array([1.0, 0.4, 0.1])
    faces = np.array([0.5, 0.1, 0.0])  # filter 2 silent on faces: left out of face_gain
    g = gain_facts(filters, start, end, faces)
    assert g["gain"] == pytest.approx(1.5 / 0.3)  # a ratio of means, not of a zero start
    assert g["rose"] == 2
    assert g["median_face_gain"] == pytest.approx(3.0)  # median of 2.0 and 4.0
    assert g["max_face_gain_filter"] == 1
    assert g["silent_on_faces"] == 1
    assert g["per_filter_face_gain"][2] is None
    json.dumps(g, allow_nan=False)


def test_classes_are_grouped_by_their_densest_region():
    per_class = [
        {"class": 0, "focus": "brows", "focus_lift": 3.0},
        {"class": 3, "focus": "mouth", "focus_lift": 8.0},
        {"class": 5, "focus": "mouth", "focus_lift": 2.0},
        {"class": 6, "focus": "eyes", "focus_lift": 1.1},  # under the minimum: no focus
    ]
    groups = group_by_region(per_class, "focus", min_lift=1.2)
    assert [g["region"] for g in groups] == ["mouth", "brows"]
    assert groups[0]["classes"] == [3, 5]
    assert groups[0]["members"][0] == {"class": 3, "lift": 8.0}


def test_top_mass_tells_a_spot_from_an_even_map():
    even = np.ones((1, 10, 10))
    spot = np.zeros((1, 10, 10))
    spot[0, 4, 4] = 1.0
    assert top_mass(even, 0.1) == pytest.approx(0.1)
    assert top_mass(spot, 0.1) == pytest.approx(1.0)


def test_recall_ties_orders_classes_by_recall():
    matrix = np.eye(7) * np.array([0.9, 0.0, 0.5, 0.95, 0.4, 0.7, 0.6])[:, None]
    matrix[1, 0] = 1.0  # Disgust always taken for Angry
    support = [10, 3, 10, 10, 10, 10, 0]  # no Neutral image
    lime = [
        {"class": c, "n": 2, "deciding_share": s, "positive": p, "top_region": "mouth"}
        for c, s, p in [(0, 0.5, 0.4), (1, 0.1, 0.01), (3, 0.6, 0.5), (4, 0.2, 0.05)]
    ]
    ties = recall_ties({"matrix": matrix.tolist(), "support": support}, lime)
    assert [r["class"] for r in ties["order"]] == [3, 0, 5, 2, 4, 1]
    assert [r["class"] for r in ties["best"]] == [3, 0]
    assert [r["class"] for r in ties["worst"]] == [1, 4]
    assert ties["order"][-1]["confused_with"] == 0
    assert ties["deciding_gap"] == pytest.approx(0.55 - 0.15)
    assert recall_tie_verdicts(ties)["deciding"].name == "best_more"
    assert ties["spearman"] == pytest.approx(1.0)


# ----------------------------------------------------------------- sections on tiny runs


@pytest.fixture(scope="module")
def sections(tiny_project, section_of):
    return {m: section_of(tiny_project, m) for m in MODULES}


@pytest.fixture(scope="module")
def cnn(tiny_project):
    from reportgen import questions

    spec = questions.load("q5_saliency").runs(tiny_project.profile, tiny_project.config)["cnn"]
    return tiny_project.store.get(spec, tiny_project.data)


@pytest.mark.parametrize("module", MODULES)
def test_each_module_writes_its_figures_tables_and_plain_facts(sections, module):
    section, folder = sections[module]
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


def test_q5_shows_the_most_confident_correct_image_of_each_class(sections, cnn):
    facts = sections["q5_saliency"][0].facts
    pred = cnn.val_pred.argmax(axis=1)
    for e in facts["examples"]:
        c, pos = e["class"], e["position"]
        assert cnn.val_true[pos] == c
        assert e["row"] == int(cnn.val_index[pos])
        assert e["confidence"] == pytest.approx(float(cnn.val_pred[pos, c]))
        correct = np.flatnonzero((cnn.val_true == c) & (pred == c))
        if len(correct):
            assert e["correct"] and pred[pos] == c
            assert cnn.val_pred[pos, c] == cnn.val_pred[correct, c].max()
        else:
            assert not e["correct"]
    with_images = {int(c) for c in np.unique(cnn.val_true)}
    assert {e["class"] for e in facts["examples"]} == with_images


def test_q5_region_shares_sum_to_at_most_one_and_match_a_recomputation(sections, cnn, tiny_project):
    from reportgen.measure.explain.saliency import vanilla_saliency

    facts = sections["q5_saliency"][0].facts
    assert facts["mask_source"] == "generator"
    for c in facts["per_class"]:
        assert sum(c["shares"].values()) <= 1 + 1e-9
        assert c["rest"] == pytest.approx(1 - sum(c["shares"].values()), abs=1e-9)
    # recompute one class by hand
    c = max(facts["per_class"], key=lambda c: c["n"])
    pred = cnn.val_pred.argmax(axis=1)
    pos = np.flatnonzero((cnn.val_true == c["class"]) & (pred == c["class"]))
    assert len(pos) == c["n"]
    rows = cnn.val_index[pos]
    maps = vanilla_saliency(cnn.model, tiny_project.data.train.images[rows], c["class"])
    mass = np.abs(maps).sum(axis=(1, 2))
    live = mass > 0  # a map that is zero everywhere is left out
    expected = {  # each image's share of its map's mass in the region, averaged
        r: float(
            np.mean(
                (np.abs(maps) * tiny_project.data.masks[r][rows]).sum(axis=(1, 2))[live]
                / mass[live]
            )
        )
        for r in REGIONS
    }
    for r in REGIONS:
        assert c["shares"][r] == pytest.approx(expected[r], abs=1e-4)
    assert c["dominant"] == max(expected, key=lambda r: expected[r])


def test_q6_names_a_conv_layer_and_the_ascent_excites_its_filters(sections, cnn):
    import keras

    from reportgen.measure.explain.model import conv_block

    facts = sections["q6_filters"][0].facts
    layer = cnn.model.get_layer(facts["layer"])
    assert isinstance(layer, keras.layers.Conv2D)
    assert facts["total_filters"] == layer.filters
    assert facts["shown_filters"] == min(64, layer.filters)
    gain = facts["gain"]
    assert gain["mean_start"] > 0  # some filter speaks on its start image: a gain is defined
    assert gain["gain"] == pytest.approx(gain["mean_end"] / gain["mean_start"])
    assert gain["gain"] > 1
    assert gain["mean_end"] > gain["mean_start"]
    assert gain["median_face_gain"] > 1
    assert gain["rose"] > gain["n"] / 2
    spec = facts["spectrum"]
    assert sum(spec["by_orientation"].values()) == spec["n"] == facts["shown_filters"]
    assert sum(spec["by_frequency"].values()) == spec["n"]
    assert facts["response_layer"] in conv_block(cnn.model, facts["layer"])


def test_q6_takes_the_configured_layer_and_refuses_an_unknown_one(tiny_project_factory, section_of):
    project = tiny_project_factory(filter_layer="block1_conv1")
    assert section_of(project, "q6_filters")[0].facts["layer"] == "block1_conv1"
    with pytest.raises(UserError, match="not a convolutional layer"):
        section_of(tiny_project_factory(filter_layer="logits"), "q6_filters")


@pytest.mark.parametrize("module", ["q5_saliency", "q6_filters"])
def test_q5_q6_present_from_the_cached_measurement_alone(sections, tiny_project, tmp_path, module):
    """The section comes back, prose, figures and all, from build/measured alone (no run, no
    model): its figures from the stored arrays, its verdicts as the prose's."""
    from reportgen import questions
    from reportgen.build import read_measurement
    from reportgen.questions.context import Page

    section, _ = sections[module]
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


def test_q7_orders_the_classes_by_the_runs_recall(sections, cnn):
    facts = sections["q7_lime"][0].facts
    order = facts["ties"]["order"]
    pred = cnn.val_pred.argmax(axis=1)
    recall = {c: float((pred[cnn.val_true == c] == c).mean()) for c in np.unique(cnn.val_true)}
    assert [r["class"] for r in order] == sorted(recall, key=lambda c: (-recall[c], c))
    for r in order:
        assert r["recall"] == pytest.approx(recall[r["class"]])
    q5 = sections["q5_saliency"][0].facts
    assert [e["position"] for e in facts["examples"]] == [
        e["position"] for e in q5["examples"]
    ]  # the same images as the saliency maps
    assert facts["n_explained"] <= facts["per_class"] * len(facts["examples"])


def test_q8_uses_the_last_conv_layer(sections, cnn):
    import keras

    from reportgen.measure.explain.gradcam import gradcam_layer

    facts = sections["q8_gradcam"][0].facts
    convs = [lyr.name for lyr in cnn.model.layers if isinstance(lyr, keras.layers.Conv2D)]
    assert facts["layer"] == convs[-1]
    assert facts["cam_layer"] == gradcam_layer(cnn.model)
    assert facts["score"] == "logit"
    for c in facts["per_class"]:
        assert sum(c["shares"].values()) <= 1 + 1e-9
        assert 0 <= c["pointing"] <= 1  # every class here has a map that is not zero


def test_q8_pointing_game_matches_a_recomputation(sections, cnn, tiny_project):
    from reportgen.measure.explain.gradcam import gradcam

    facts = sections["q8_gradcam"][0].facts
    rows = cnn.val_index
    images = tiny_project.data.train.images[rows]
    maps = gradcam(cnn.model, images, cnn.val_true, layer=facts["cam_layer"])
    deciding = np.zeros(maps.shape, dtype=bool)
    for region in facts["deciding"]:
        deciding |= tiny_project.data.masks[region][rows]
    assert facts["tolerance"] == 1
    near = deciding.copy()  # widened by one pixel: up, down, left and right
    near[:, 1:] |= deciding[:, :-1]
    near[:, :-1] |= deciding[:, 1:]
    near[:, :, 1:] |= deciding[:, :, :-1]
    near[:, :, :-1] |= deciding[:, :, 1:]
    assert {c["class"] for c in facts["per_class"]} == {int(c) for c in np.unique(cnn.val_true)}
    for c in facts["per_class"]:
        shown = [i for i in np.flatnonzero(cnn.val_true == c["class"]) if maps[i].max() > 0]
        hits = [bool(near[i].flat[maps[i].argmax()]) for i in shown]
        assert c["zero_maps"] == np.sum(cnn.val_true == c["class"]) - len(shown)
        assert c["pointing"] == pytest.approx(np.mean(hits))


def test_q7_and_q8_figures_say_in_their_alt_text_what_was_measured(sections):
    q7, q8 = sections["q7_lime"][0], sections["q8_gradcam"][0]
    lime, cams, averages = [b for s in (q7, q8) for b in s.blocks if isinstance(b, Figure)]
    assert f"{q7.facts['r2']:.2f}" in lime.alt and lime.alt != lime.caption
    shape = q8.facts["layer_shape"]
    assert q8.facts["layer"] in cams.alt and f"{shape[0]}×{shape[1]}" in cams.alt
    assert averages.alt and averages.alt != averages.caption


@pytest.mark.parametrize("module", MODULES)
def test_english_renders_too(tiny_project_factory, section_of, module):
    section, _ = section_of(tiny_project_factory(lang="en"), module)
    text = "".join(b.markdown for b in section.blocks if isinstance(b, Text))
    assert text.strip() and not CJK.search(text)
    assert all(not CJK.search(b.caption) for b in section.blocks if isinstance(b, Figure))


@pytest.mark.parametrize("module", ["q5_saliency", "q7_lime", "q8_gradcam"])
def test_real_data_without_masks_uses_the_fixed_fer_regions(tiny_project, cnn, tmp_path, module):
    from reportgen import questions
    from reportgen.questions.context import Context, Page
    from tests.helpers import answer

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
