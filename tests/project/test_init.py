"""`reportgen init`: what a student types reads back unchanged; files that are there are kept,
and it says so."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.cli.main import main
from reportgen.project.init import config_text
from reportgen.settings.config import CONFIG_FILE, SECTIONS, Config, load_config
from reportgen.settings.table import KEYS
from tests.properties import CLEAN_TEXT, SLOW

NASTY = [
    'Wang "Ace" Xiaoming',
    "data\\train.csv",
    "C:\\Users\\王小明\\hw3\\train.csv",
    "two\nlines",
    "trailing newline\n",
    "tab\there\r\nand CRLF",
    "it's '''triple''' and \"\"\"triple\"\"\"",
    "王小明 (電機三) 😀",
    "\\u0041 is not A",
    "# not a comment",
    "x = 1\n[student]\nid = 'hijack'",
    "  spaces around  ",
    "\u2028\u200b\ufeff",
    "\x1b[31mred\x1b[0m",
]


@pytest.mark.parametrize("value", NASTY)
def test_what_a_student_types_reads_back_exactly(tmp_path, monkeypatch, capsys, value):
    monkeypatch.chdir(tmp_path)
    argv = ["init", "--student-id", "R05942017", "--name", value, "--department", value]
    argv += ["--data", value, "--history", value, "--filter-layer", value]
    argv += ["--output", value + ".pdf", "--model", value + ".py"]
    assert main(argv) == 0, capsys.readouterr().err
    text = (tmp_path / CONFIG_FILE).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    assert set(raw) == {"student", "report", "data", "training", "kaggle", "explain"}
    config = load_config(tmp_path)
    assert config.student.name == config.student.department == value
    assert config.data.path == config.training.history == config.explain.filter_layer == value
    assert config.report.output == value + ".pdf"
    assert config.training.model == value + ".py"
    assert config.student.id == "R05942017"
    starter = (tmp_path / (value + ".py")).read_text(encoding="utf-8")  # where the path says
    compile(starter, "starter", "exec")  # the path in its docstring breaks nothing
    assert "# your own CNN" in text and "# public = 0.70" in text  # the comments are kept


def test_the_starter_written_at_an_odd_path_still_imports(tmp_path, monkeypatch, capsys):
    """Its path is in its docstring: quotes and backslashes there must not break the file."""
    monkeypatch.chdir(tmp_path)
    name = 'models\\my """cnn".py'
    assert main(["init", "--model", name]) == 0
    source = (tmp_path / name).read_text(encoding="utf-8")
    compile(source, name, "exec")


def test_a_model_name_without_py_gets_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--model", "models/my_net"]) == 0
    assert (tmp_path / "models" / "my_net.py").is_file()
    assert load_config(tmp_path).training.model == "models/my_net.py"
    assert "wrote reportgen.toml, models/my_net.py" in capsys.readouterr().out


def test_init_says_what_it_kept(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    workflow = tmp_path / ".github" / "workflows" / "report.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: mine\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("build/\n", encoding="utf-8")
    assert main(["init", "--student-id", "R05942017", "--ci", "github"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("wrote reportgen.toml, answers/README.md, .gitignore")
    assert "kept .github/workflows/report.yml (there already: remove it" in out[1]
    assert workflow.read_text(encoding="utf-8") == "name: mine\n"
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").startswith("build/\n")

    before = (tmp_path / CONFIG_FILE).read_bytes()
    assert main(["init", "--name", "王小明", "--model"]) == 0  # the starter alone is missing
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("wrote models/my_cnn.py")
    kept = next(line for line in out if line.startswith("kept reportgen.toml"))
    assert "--name, --model as given here not written into it" in kept
    assert 'set model = "models/my_cnn.py" in its [training] table' in kept
    assert "kept answers/README.md (there already)" in out
    assert (tmp_path / CONFIG_FILE).read_bytes() == before

    assert main(["init", "--ci", "github"]) == 2  # nothing asked for is missing
    err = capsys.readouterr().err
    assert "exists already; so does .github/workflows/report.yml" in err


def test_the_commit_advice_counts_the_runs_the_store_holds(tmp_path):
    """init asks the store what runs/ holds: a student's TensorBoard logs are no run."""
    from reportgen.project.init import commit_advice

    config = load_config(tmp_path, {})
    run = config.runs_dir / "0123456789abcdef"
    run.mkdir(parents=True)
    (run / "manifest.json").write_bytes(b"{}")
    (run / "model.keras").write_bytes(b"x" * 2048)
    logs = config.runs_dir / "Dec02_10-00-00_host"
    logs.mkdir()
    (logs / "events.out.tfevents.1").write_bytes(b"x" * 4096)
    advice = "\n".join(commit_advice(config))
    assert "runs/ holds 1 finished runs, 2.0 KiB" in advice


ROWS = list(KEYS.items())

TEXT_KEYS = [
    k for k, s in ROWS if s.types == (str,) and not s.choices and not s.suffixes and s.parse is None
]


@SLOW
@given(st.fixed_dictionaries({key: CLEAN_TEXT for key in TEXT_KEYS}))
def test_any_text_init_writes_reads_back_the_same(values):
    config = Config()
    tables = {}
    for (table, name), value in values.items():
        tables.setdefault(table, {})[name] = value
    config = dataclasses.replace(
        config,
        **{t: dataclasses.replace(getattr(config, t), **kv) for t, kv in tables.items()},
    )
    read = tomllib.loads(config_text(config))
    for (table, name), value in values.items():
        assert read[table][name] == value, (table, name)


def test_the_text_keys_are_the_free_text_settings():
    assert {("student", "name"), ("report", "output"), ("data", "path")} <= set(TEXT_KEYS)
    assert set(SECTIONS) >= {t for t, _ in TEXT_KEYS}
