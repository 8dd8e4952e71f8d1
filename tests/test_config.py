"""reportgen.toml and the flags that override it."""

from __future__ import annotations

import pytest

from reportgen.config import load_config
from reportgen.errors import UserError


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
    with pytest.raises(UserError, match="student id"):
        load_config(tmp_path, {"student_id": sid})


@pytest.mark.parametrize("sid", ["R05942017", "b06902049", "D0A9B2C3X"])
def test_good_student_ids(tmp_path, sid):
    assert load_config(tmp_path, {"student_id": sid}).student.id == sid.upper()


@pytest.mark.parametrize(
    "text, match",
    [
        ('[studnet]\nid = "R05942017"\n', r"unknown table \[studnet\]"),
        ('[student]\nidd = "R05942017"\n', "unknown key student.idd"),
        ("[report]\nlang = 'fr'\n", "--lang"),
        ("[training]\nprofile = 'huge'\n", "--profile"),
        ("[data]\nval_fraction = 0.9\n", "val_fraction"),
        ("[kaggle]\npublic = 71\n", "kaggle.public"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_bad_files_are_refused_by_name(tmp_path, text, match):
    write(tmp_path, text)
    with pytest.raises(UserError, match=match):
        load_config(tmp_path)
