"""reportgen/settings/course.py: course templates are data: every file loads, each follows the
course, and a new course year is a data file."""

from __future__ import annotations

import re

import pytest

from reportgen.errors import UserError
from reportgen.settings.course import list_templates, load_template, template_ids
from tests.hand_made_report import TEMPLATES


def test_every_template_file_loads():
    ids = template_ids()
    assert set(TEMPLATES) <= set(ids)
    assert {t.id for t in list_templates()} == set(ids)


def test_template_modules_follow_the_course():
    assert load_template("ml2017-hw3").modules() == (
        "q1_cnn",
        "q2_dnn",
        "q4_confusion",
        "q5_saliency",
        "q6_filters",
    )
    assert load_template("ml2018-hw3").modules() == (
        "q1_cnn",
        "q3_augmentation",
        "q4_confusion",
        "q5_saliency",
        "q6_filters",
    )
    hw3 = load_template("ml2019-hw3")
    assert hw3.modules() == ("q1_cnn", "q2_dnn", "q3_augmentation", "q4_confusion")
    assert [q.answers for q in hw3.questions()][:2] == [
        ("q1_cnn:main", "q2_dnn:main"),
        ("q1_cnn:curves", "q2_dnn:curves"),
    ]
    assert all(q.collaborators for q in hw3.questions())
    assert load_template("ml2019-hw4").modules() == (
        "q5_saliency",
        "q6_filters",
        "q7_lime",
        "q8_gradcam",
    )


def test_ml2019_is_hw3_then_hw4_each_with_its_own_numbers():
    both = load_template("ml2019")
    assert [p.title for p in both.parts] == [
        "Machine Learning - Homework 3 Report",
        "Machine Learning - Homework 4 Report",
    ]
    assert [q.number for q in both.questions()] == ["1", "2", "3", "4", "1", "2", "3", "4"]
    assert both.questions()[4].part_title == "Machine Learning - Homework 4 Report"
    assert load_template("ml2019-hw3").questions()[0].part_title is None
    assert both.questions()[0].heading.startswith("1. (2%) 請說明你實作的 CNN model，")


def test_prompts_keep_full_width_punctuation():
    for template in list_templates():
        for question in template.questions():
            assert re.search("[，？：。]", question.prompt), question.prompt
            # after a Chinese character the template's punctuation is always full width
            assert not re.search("[\u4e00-\u9fff][,?:]", question.prompt), question.prompt


def test_unknown_template_lists_the_valid_ids():
    with pytest.raises(UserError, match="ml2019-hw3"):
        load_template("ml2020")


def test_a_new_course_year_is_a_data_file(tmp_path):
    path = tmp_path / "ml2030-hw3.toml"
    path.write_text(
        'title = "T"\n[[questions]]\nnumber = "7"\npoints = "3%"\n'
        'prompt = "說明？"\nanswers = ["q4_confusion"]\n',
        encoding="utf-8",
    )
    template = load_template(str(path))
    assert template.questions()[0].heading == "7. (3%) 說明？"
    path.write_text(path.read_text().replace("q4_confusion", "q9_nothing"), encoding="utf-8")
    with pytest.raises(UserError, match="q9_nothing"):
        load_template(str(path))
