"""reportgen.toml and the flags that override it."""

from __future__ import annotations

import pytest

from reportgen.errors import UserError
from reportgen.settings.config import load_config


def write(tmp_path, text):
    (tmp_path / "reportgen.toml").write_text(text, encoding="utf-8")


def test_defaults_without_a_file(tmp_path):
    config = load_config(tmp_path)
    assert config.report.template == "ml2019"
    assert config.report.lang == "zh"
    assert config.training.profile == "quick"
    assert config.data.path == ""


def test_flags_override_the_file(tmp_path):
    write(tmp_path, '[student]\nid = "r05942017"\nname = "王小明"\n[training]\nprofile = "full"\n')
    config = load_config(tmp_path, {"profile": "tiny", "lang": "en"})
    assert config.student.id == "R05942017"  # upper-cased
    assert config.student.name == "王小明"
    assert config.training.profile == "tiny"
    assert config.report.lang == "en"


@pytest.mark.parametrize("sid", ["R0594201", "R059420170", "105942017", "R05-42017", "RR"])
def test_bad_student_ids_are_refused(tmp_path, sid):
    with pytest.raises(UserError, match=f'^--student-id "{sid}": expected a student ID'):
        load_config(tmp_path, {"student_id": sid})


@pytest.mark.parametrize("sid", ["R05942017", "b06902049", "D0A9B2C3X"])
def test_good_student_ids(tmp_path, sid):
    assert load_config(tmp_path, {"student_id": sid}).student.id == sid.upper()


@pytest.mark.parametrize(
    "text, match",
    [
        ('[studnet]\nid = "R05942017"\n', r"unknown table \[studnet\]"),
        ('[student]\nidd = "R05942017"\n', "unknown key student.idd"),
        ("student = 5\n", r"\[student\] must be a table"),
        ("[report]\nlang = 'fr'\n", 'report.lang = "fr": expected one of '),
        ("[training]\nprofile = 'huge'\n", 'training.profile = "huge": expected one of tiny'),
        ("[data]\nval_fraction = 0.9\n", "data.val_fraction = 0.9: expected a number from 0.01"),
        ("[kaggle]\npublic = 71\n", "kaggle.public = 71: expected a score from 0 to 1"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_bad_files_are_refused_by_name(tmp_path, text, match):
    write(tmp_path, text)
    with pytest.raises(UserError, match=match) as err:
        load_config(tmp_path)
    assert str(tmp_path / "reportgen.toml") in str(err.value)


# A value of the wrong type for every key, and one out of range where a key has a range.
WRONG = {
    ("student", "id"): ["5", '"R0594201"'],
    ("student", "name"): ["5", "[1, 2]"],
    ("student", "department"): ["true", "{a = 1}"],
    ("report", "template"): ["5", '""', '"ml2099"', '"nowhere.toml"'],
    ("report", "lang"): ["1", '"fr"'],
    ("report", "output"): ["5", '"  "'],
    ("data", "path"): ["5", r'"a\u0000b"'],
    ("data", "val_fraction"): ['"0.1"', "true", "0.0", "0.51", "nan", "inf"],
    ("training", "profile"): ["5", '"FULL"'],
    ("training", "budget"): ["true", "0", "-5", '"0m"', '"soon"', "1e400", '"169h"'],
    ("training", "model"): ["5", '"my_cnn"', '"model.h5"'],
    ("training", "history"): ["5", "1979-05-27"],
    ("training", "model_input"): ["255", '"0-256"'],
    ("kaggle", "public"): ['"0.7"', "1.5", "-0.1", "nan"],
    ("kaggle", "private"): ["true", "2"],
    ("explain", "filter_layer"): ["5", "[]"],
}


def test_every_key_is_checked():
    from reportgen.settings.table import KEYS

    assert set(WRONG) == set(KEYS)


@pytest.mark.parametrize(
    ("table", "key", "value"), [(t, k, v) for (t, k), values in WRONG.items() for v in values]
)
def test_a_wrong_value_is_one_line_naming_the_key_the_value_and_what_is_expected(
    tmp_path, table, key, value
):
    write(tmp_path, f"[{table}]\n{key} = {value}\n")
    with pytest.raises(UserError) as err:
        load_config(tmp_path)
    message = str(err.value)
    assert message.startswith(f"{tmp_path / 'reportgen.toml'}: {table}.{key} = ")
    assert any(s in message for s in (": expected ", ": no such file", ": the budget must be"))
    assert "\n" not in message


@pytest.mark.parametrize(
    ("flag", "value", "needle"),
    [
        ("val_fraction", 10.0, "--val-fraction 10.0: expected a number from 0.01 to 0.5"),
        ("kaggle_public", float("nan"), "--kaggle-public NaN: expected a score from 0 to 1"),
        ("budget", "0m", '--budget "0m": the budget must be more than zero'),
        ("name", "\udcff", '--name "\\udcff": expected UTF-8 text'),
        ("model", "my_cnn", '--model "my_cnn": expected a .py file'),
    ],
)
def test_a_flag_is_checked_as_its_key_is_and_named(tmp_path, flag, value, needle):
    write(tmp_path, '[training]\nbudget = "45m"\n')
    with pytest.raises(UserError) as err:
        load_config(tmp_path, {flag: value})
    assert str(err.value).startswith(needle)


def test_budgets_in_the_file_follow_the_flag_s_rules(tmp_path):
    write(tmp_path, "[training]\nbudget = 45\n")
    assert load_config(tmp_path).training.budget == "45"  # minutes, as --budget 45
    write(tmp_path, '[training]\nbudget = ""\n')
    assert load_config(tmp_path).training.budget == ""  # none: the profile's epochs
