"""One place per setting: a typed field of the dataclasses of reportgen/settings/table.py, its
row in the field's metadata, is a key of reportgen.toml with its checks, a flag, and a
commented line of the file init writes. A new field and nothing else is a new setting."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tomllib
import typing

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen import PACKAGE_DIR
from reportgen.cli.main import parser
from reportgen.errors import UserError
from reportgen.project.init import config_text
from reportgen.settings.config import Config, load_config
from reportgen.settings.durations import WEEK
from reportgen.settings.table import KEYS, LANGS, ROW, SECTIONS, STUDENT_ID, checked, either
from reportgen.words.text import languages
from tests.properties import CLEAN_TEXT, QUICK, TEXT, durations, one_line_user_error

ROWS = list(KEYS.items())


def test_the_dataclasses_are_the_table():
    """Config: a field per table, in the rows' order, then root; each table's dataclass: a
    field per key, in the rows' order, its default the row's and of its declared type, its
    row in its metadata."""
    tables = list(dict.fromkeys(table for table, _ in KEYS))
    assert [f.name for f in dataclasses.fields(Config)] == [*tables, "root"]
    assert list(SECTIONS) == tables
    config = Config()
    for table in tables:
        section = getattr(config, table)
        assert dataclasses.is_dataclass(section)
        assert type(section) is SECTIONS[table]
        expected = [(key, s.default) for (t, key), s in ROWS if t == table]
        assert [(f.name, f.default) for f in dataclasses.fields(section)] == expected
        assert [f.metadata[ROW] for f in dataclasses.fields(section)] == [
            s for (t, _), s in ROWS if t == table
        ]
        types = typing.get_type_hints(SECTIONS[table])
        assert all(isinstance(f.default, types[f.name]) for f in dataclasses.fields(section))
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(section, expected[0][0], "changed")


@pytest.mark.parametrize(("key", "setting"), ROWS, ids=[f"{t}.{k}" for (t, k), _ in ROWS])
def test_a_row_is_whole(key, setting):
    """A default its own check keeps, or an example that passes it; one help line."""
    assert setting.help and "\n" not in setting.help and "\n" not in setting.comment
    if setting.default is None:
        example = tomllib.loads(f"x = {setting.example}")["x"]
        assert checked(setting, example, "example") == example
    else:
        assert checked(setting, setting.default, "default") == setting.default
    assert setting.option == "--" + setting.flag.replace("_", "-")


def test_flags_and_dests_are_unique():
    flags = [s.flag for s in KEYS.values()]
    assert len(set(flags)) == len(flags)
    assert not {"quiet", "debug", "dry_run", "no_train", "watch"} & set(flags)


@pytest.mark.parametrize("command", ["build", "init"])
def test_every_row_is_a_flag(command):
    """Each command's flags: one per row, a float for a number, the row's choices, its
    help with what the flag's absence leaves (init's --model: the starter's path)."""
    sub = parser()._subparsers._group_actions[0].choices[command]
    actions = {a.dest: a for a in sub._actions}
    for setting in KEYS.values():
        action = actions[setting.flag]
        assert action.option_strings == [setting.option]
        assert action.default is None  # not given: the file's value
        if command == "init" and setting.flag == "model":
            continue
        number = str not in setting.types
        assert action.type is (float if number else None)
        assert tuple(action.choices or ()) == setting.choices
        assert action.help.startswith(setting.help)


def test_the_languages_come_from_the_words():
    """The languages are the folders of words/: the flag's choices, the key's check, the
    help line and init's comment follow them."""
    lang = KEYS[("report", "lang")]
    assert LANGS == languages() == lang.choices
    assert lang.help.endswith(either(LANGS))
    assert lang.default in LANGS


def test_either():
    assert either(("a",)) == "a"
    assert either(("a", "b")) == "a or b"
    assert either(("a", "b", "c")) == "a, b or c"


def test_init_writes_each_key_after_its_help_line(tmp_path):
    """Each key after its help line, in its table; a key without a value commented out."""
    config = load_config(tmp_path, {"kaggle_private": 0.5})
    text = config_text(config)
    assert tomllib.loads(text)["kaggle"] == {"private": 0.5}  # public: not given, commented
    tables = {name: body.splitlines() for name, body in _tables(text)}
    assert list(tables) == list(SECTIONS)
    for (table, key), setting in ROWS:
        value = getattr(getattr(config, table), key)
        line = f"# {key} = {setting.example}" if value is None else f"{key} = "
        at = next(i for i, text in enumerate(tables[table]) if text.startswith(line))
        assert tables[table][at - 1] == f"# {setting.comment}"


def _tables(text: str) -> list[tuple[str, str]]:
    """A TOML file's tables: each [name] and the text up to the next."""
    parts = re.split(r"(?m)^\[(\w+)\]$", text)[1:]
    return list(zip(parts[::2], parts[1::2], strict=True))


# A field in a table there is, and a table of its own with a key without a default, written
# into a copy of the package's table (in a fresh interpreter, on the copy): what each part of
# reportgen makes of them.
NEW_FIELDS = {
    # before this text of settings/table.py, these lines
    "    filter_layer: str = Setting(": """\
    overlay: float = Setting(
        "overlay", 0.5, "how opaque the heat map is", "a share from 0 to 1", NUMBER,
        between=(0, 1),
    ).field()
""",
    "@dataclass(frozen=True)\nclass Config:": """\
@dataclass(frozen=True)
class NotesConfig:
    motto: str | None = Setting(
        "motto", None, "a line under the title", "text in quotes", example='"carpe diem"'
    ).field()


""",
    "    root: Path = field(default_factory=Path.cwd)": """\
    notes: NotesConfig = field(default_factory=NotesConfig)
""",
}
NEW_SETTINGS = """
import contextlib, io, json
from pathlib import Path

from reportgen.cli.main import main, parser
from reportgen.errors import UserError
from reportgen.settings.config import load_config

root, seen = Path.cwd(), {}
toml = root / "reportgen.toml"
args = parser().parse_args(["build", "--overlay", "0.25", "--motto", "hi"])
seen["flags"] = [args.overlay, args.motto]
try:
    parser().parse_args(["build", "--overlay", "opaque"])
except SystemExit as exc:
    seen["bad flag"] = exc.code
with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):
    parser().parse_args(["build", "--help"])
seen["help"] = " ".join(out.getvalue().split())
config = load_config(root)
seen["defaults"] = [config.explain.overlay, config.notes.motto]
toml.write_text("[explain]\\noverlay = 0.75\\n[notes]\\nmotto = 'hi'\\n", encoding="utf-8")
config = load_config(root)
seen["file"] = [config.explain.overlay, config.notes.motto]
seen["flag over file"] = load_config(root, {"overlay": 0.125}).explain.overlay
for wrong in ("[explain]\\noverlay = 2\\n", "[notes]\\nmotto = 5\\n", "[notes]\\nmoto = ''\\n"):
    toml.write_text(wrong, encoding="utf-8")
    try:
        load_config(root)
    except UserError as exc:
        seen.setdefault("refused", []).append(str(exc))
toml.unlink()
with contextlib.redirect_stdout(io.StringIO()):
    seen["init"] = main(["init", "--overlay", "0.375"])
seen["written"] = toml.read_text(encoding="utf-8")
config = load_config(root)
seen["read back"] = [config.explain.overlay, config.notes.motto]
print(json.dumps(seen))
"""


def test_a_new_field_is_a_new_setting(tmp_path, cache_dir):
    """The new fields' flags parse (a number as a float, refused otherwise) with their help;
    the config file takes their keys, checks their values, knows them as keys; the flag wins
    over the file; init writes them with their help lines and reads them back."""
    copy = tmp_path / "src" / PACKAGE_DIR.name
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    table = copy / "settings" / "table.py"
    source = table.read_text(encoding="utf-8")
    for before, lines in NEW_FIELDS.items():
        assert source.count(before) == 1, before
        source = source.replace(before, lines + before)
    table.write_text(source, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    env = {"PYTHONPATH": str(copy.parent), "REPORTGEN_CACHE_DIR": str(cache_dir)}
    done = subprocess.run(
        [sys.executable, "-c", NEW_SETTINGS],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["flags"] == [0.25, "hi"]
    assert seen["bad flag"] == 2 and "--overlay: invalid float value: 'opaque'" in done.stderr
    assert "--overlay OVERLAY how opaque the heat map is (default: 0.5)" in seen["help"]
    assert "--motto MOTTO a line under the title" in seen["help"]
    assert seen["defaults"] == [0.5, None]
    assert seen["file"] == [0.75, "hi"]
    assert seen["flag over file"] == 0.125
    assert seen["refused"] == [
        "reportgen.toml: explain.overlay = 2: expected a share from 0 to 1",
        "reportgen.toml: notes.motto = 5: expected text in quotes",
        "reportgen.toml: unknown key notes.moto (known: motto)",
    ]
    assert seen["init"] == 0
    written = seen["written"]
    assert "# how opaque the heat map is\noverlay = 0.375\n" in written
    assert '[notes]\n# a line under the title\n# motto = "carpe diem"\n' in written
    assert seen["read back"] == [0.375, None]


def test_either_joins_names_as_a_sentence():
    assert either(("a", "b", "c")) == "a, b or c"
    assert either(("a", "b")) == "a or b"
    assert either(("a",)) == "a"


def test_a_course_template_file_is_taken_and_a_missing_one_refused(tmp_path):
    template = KEYS[("report", "template")]
    mine = tmp_path / "mine.toml"
    shutil.copy(PACKAGE_DIR / "templates" / "courses" / "ml2019-hw3.toml", mine)
    assert checked(template, str(mine), "template") == str(mine)
    with pytest.raises(UserError, match=r"^template: no such file$"):
        checked(template, str(tmp_path / "missing.toml"), "template")
    with pytest.raises(UserError) as refused:
        checked(template, "ml1999", "template")
    listed = str(refused.value).removeprefix("template: expected one of ")
    assert listed.endswith(", or a .toml file") and "ml2019-hw3, " in listed


IDS = [f"{t}.{k}" for (t, k), _ in ROWS]


def _template_ids() -> list[str]:
    from reportgen.settings.course import template_ids

    return sorted(template_ids())


def _stem() -> st.SearchStrategy[str]:
    alphabet = st.characters(blacklist_categories=("Cs",), blacklist_characters="\0/\\.")
    return st.text(alphabet, min_size=1, max_size=12).filter(lambda s: s.strip() == s)


def _student_ids() -> st.SearchStrategy[str]:
    ids = st.from_regex(r"[A-Za-z][A-Za-z0-9]{8}", fullmatch=True).filter(str.isascii)
    return st.tuples(st.sampled_from(["", " ", "\t"]), ids, st.sampled_from(["", " "])).map("".join)


def valid_values(setting) -> st.SearchStrategy:
    """Every kind of value the row takes."""
    if setting.flag == "student_id":
        return st.just("") | _student_ids()
    if setting.flag == "budget":
        return (
            st.just("")
            | durations().filter(lambda d: 0 < d[1] <= WEEK).map(lambda d: d[0])
            | st.integers(1, WEEK // 60)
            | st.floats(0.01, WEEK / 60)
        )
    if setting.flag == "template":
        return st.sampled_from(_template_ids())
    if setting.choices:
        return st.sampled_from(setting.choices)
    if setting.between is not None:
        low, high = setting.between
        whole = st.integers(math.ceil(low), math.floor(high))
        return st.floats(low, high) | (whole if math.ceil(low) <= high else st.nothing())
    if setting.suffixes:
        suffix = st.sampled_from(setting.suffixes).flatmap(
            lambda s: st.sampled_from([s, s.upper()])
        )
        return st.just("") | st.tuples(_stem(), suffix).map("".join)
    if setting.required:
        return CLEAN_TEXT.filter(str.strip)
    return CLEAN_TEXT


def invalid_values(setting) -> st.SearchStrategy:
    """Values the row must refuse."""
    wrong_type = st.booleans() | st.none() | st.lists(st.integers(), max_size=2)
    if str not in setting.types:
        return wrong_type | TEXT
    bad_text = st.tuples(TEXT, st.sampled_from(["\0", "\ud800"]), TEXT).map("".join)
    if int not in setting.types:
        wrong_type |= st.integers() | st.floats()
    out = wrong_type | bad_text
    if setting.flag == "student_id":
        short = st.from_regex(r"[A-Z][A-Z0-9]{0,7}", fullmatch=True)
        long = st.from_regex(r"[A-Z][A-Z0-9]{9,12}", fullmatch=True)
        digit_first = st.from_regex(r"[0-9][A-Z0-9]{8}", fullmatch=True)
        out |= short | long | digit_first | st.just("R0594201_")
    elif setting.flag == "budget":
        out |= st.sampled_from(["soon", "30m1h", "1h1h", "0m", "169h", "-5m", "5d", "1e3"])
        out |= st.integers(max_value=0) | st.floats(WEEK / 60 + 1, 1e300)
    elif setting.choices:
        out |= TEXT.filter(lambda s: s not in setting.choices)
    elif setting.suffixes:
        bad = st.sampled_from([".txt", ".h5", ".pth", ".keras.bak", ".pyc", ""])
        out |= st.tuples(_stem(), bad).map("".join)
    if setting.between is not None:
        low, high = setting.between
        out = wrong_type | TEXT | st.floats(max_value=low, exclude_max=True)
        out |= st.floats(min_value=high, exclude_min=True) | st.just(math.nan)
    if setting.required:
        out |= st.sampled_from(["", " ", "\t "])
    return out


@pytest.mark.parametrize(("key", "setting"), ROWS, ids=IDS)
def test_every_valid_value_is_accepted(key, setting):
    @QUICK
    @given(valid_values(setting))
    def accepted(value):
        kept = checked(setting, value, "here")
        if setting.flag == "student_id":
            assert kept == value.strip().upper() and (kept == "" or STUDENT_ID.match(kept))
        elif setting.flag == "budget":
            assert kept == str(value)
        else:
            assert kept == value and type(kept) is type(value)

    accepted()


@pytest.mark.parametrize(("key", "setting"), ROWS, ids=IDS)
def test_every_invalid_value_is_refused_in_one_line(key, setting):
    where = f"{'.'.join(key)} = value"

    @QUICK
    @given(invalid_values(setting))
    def refused(value):
        one_line_user_error(checked, setting, value, where, starts=f"{where}: ")

    refused()
