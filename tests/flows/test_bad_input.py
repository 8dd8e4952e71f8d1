"""The corpus of clumsy and hostile input: whatever a student types or writes, one line.

Each case is a command run in a project (reportgen.toml, answers/, Report.pdf, runs/), or in a
folder that is not a project, with the files the case adds. Each must exit 2 with one line on
stderr that names the file, the key or the flag (the needle), no traceback, no internal
error, and leave every file of the folder as it was, byte for byte.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from reportgen.cli.main import main

ID = ["--student-id", "R05942017"]
TINY = ["--profile", "tiny", "--quiet"]
GOOD_TOML = '[student]\nid = "R05942017"\n\n[training]\nprofile = "tiny"\n'
PROJECT = {
    "reportgen.toml": GOOD_TOML,
    "answers/README.md": "# Your own words\n",
    "answers/q1_cnn.md": "我的 CNN 有三層。\n",
    "Report.pdf": b"%PDF-1.7 the last good report\n%%EOF\n",
    "runs/0123456789abcdef/metrics.json": '{"val_accuracy": 0.5}\n',
}
BAD_TEMPLATE = 'title = "T"\nquestions = 5\n'
HABITS = "import keras\nprint('my CNN')\n"  # a script's start, before what ends it


def model_file(body: str) -> dict[str, str]:
    return {"m.py": body}


# id: (argv, files added (None: a folder that is not a project), needle)
CASES: dict[str, tuple[list[str], dict[str, str | bytes] | None, str]] = {
    # ---- reportgen.toml: every value checked by type and range, in one place
    "toml model not text": (
        ["build"],
        {"reportgen.toml": GOOD_TOML + "model = 5\n"},
        "reportgen.toml: training.model = 5: expected a .py file",
    ),
    "toml budget zero": (
        ["build"],
        {"reportgen.toml": GOOD_TOML + "budget = 0\n"},
        "reportgen.toml: training.budget = 0: the budget must be more than zero",
    ),
    "toml budget 400 digits": (
        ["train"],
        {"reportgen.toml": GOOD_TOML + f'budget = "{"9" * 400}"\n'},
        "reportgen.toml: training.budget = ",
    ),
    "toml budget a bool": (
        ["train"],
        {"reportgen.toml": GOOD_TOML + "budget = true\n"},
        "reportgen.toml: training.budget = true: expected a time",
    ),
    "toml name a number": (
        ["build"],
        {"reportgen.toml": GOOD_TOML.replace("[student]\n", "[student]\nname = 5\n")},
        "reportgen.toml: student.name = 5: expected text",
    ),
    "toml val_fraction text": (
        ["build"],
        {"reportgen.toml": GOOD_TOML + '\n[data]\nval_fraction = "0.1"\n'},
        'reportgen.toml: data.val_fraction = "0.1": expected a number',
    ),
    "toml kaggle percent": (
        ["build"],
        {"reportgen.toml": GOOD_TOML + "\n[kaggle]\npublic = 71\n"},
        "reportgen.toml: kaggle.public = 71: expected a score from 0 to 1",
    ),
    "toml template unknown": (
        ["list"],
        {"reportgen.toml": GOOD_TOML + '\n[report]\ntemplate = "ml2099"\n'},
        'reportgen.toml: report.template = "ml2099": expected one of ml20',
    ),
    "toml as init used to write a quote": (
        ["build"],
        {"reportgen.toml": '[student]\nname = "Wang "Ace" Xiaoming"\n'},
        "reportgen.toml: not valid TOML",
    ),
    "toml a Windows path unescaped": (
        ["build"],
        {"reportgen.toml": GOOD_TOML + '\n[data]\npath = "data\\xtrain.csv"\n'},
        "reportgen.toml: not valid TOML",
    ),
    "toml not UTF-8": (
        ["build"],
        {"reportgen.toml": b"[student]\nname = '\xff'\n"},
        "not valid TOML",
    ),
    "toml a folder": (["build", *ID], None, "reportgen.toml: cannot read it"),
    "toml a key at the top": (["build"], {"reportgen.toml": "name = 'x'\n"}, "[name]"),
    # ---- flags: the same checks, naming the flag
    "budget 400 digits": (
        ["train", "--budget", "9" * 400],
        {},
        '--budget "999',
    ),
    "budget zero": (["train", "--budget", "0m"], {}, '--budget "0m": the budget must be more'),
    "budget over a week": (["train", "--budget", "200h"], {}, "at most a week"),
    "model without a suffix": (["build", "--model", "my_cnn"], {}, '--model "my_cnn": expected'),
    "model a folder": (["build", "--model", "models.py"], {"models.py/x": ""}, "no such file"),
    "output a folder": (["build", "--output", "answers"], {}, "answers is a folder"),
    "output empty": (["build", "--output", ""], {}, '--output "": expected'),
    "name not UTF-8": (["build", "--name", "\udcff"], {}, '--name "\\udcff": expected UTF-8'),
    # ---- a student's model file runs fenced: what ends a script ends only the build
    "model exit()": (
        ["build", "--model", "m.py"],
        model_file(HABITS + "exit()\n"),
        "m.py, line 3: ends the program when imported",
    ),
    "model sys.exit(3)": (
        ["build", "--model", "m.py"],
        model_file(HABITS + "import sys\nsys.exit(3)\n"),
        "m.py, line 4: ends the program when imported (exit code 3)",
    ),
    "model argparse": (
        ["build", "--model", "m.py"],
        model_file(
            HABITS + "import argparse\np = argparse.ArgumentParser()\n"
            "p.add_argument('--epochs', required=True)\nargs = p.parse_args()\n"
        ),
        "m.py, line 6: ends the program when imported (exit code 2), after printing "
        '"m.py: error: the following arguments are required: --epochs"',
    ),
    "model input()": (
        ["build", "--model", "m.py"],
        model_file(HABITS + "epochs = int(input('epochs? '))\n"),
        "m.py, line 3: EOFError",
    ),
    "model build_model exits": (
        ["build", "--model", "m.py"],
        model_file(HABITS + "def build_model(input_shape, num_classes):\n    quit(1)\n"),
        "m.py, line 4: build_model ends the program (exit code 1)",
    ),
    "model not UTF-8": (["build", "--model", "m.py"], {"m.py": b"x = '\xff'\n"}, "m.py, line 1"),
    # ---- init: never over a file, a starter path it can write
    "init starter a folder": (["init", "--model", "models/"], {}, "--model: 'models/' is a folder"),
    "init starter odd suffix": (["init", "--model", "my.cnn"], {}, '--model "my.cnn": expected'),
    "init workflow there": (
        ["init", "--ci", "github"],
        {".github/workflows/report.yml": "name: mine\n"},
        "so does .github/workflows/report.yml",
    ),
    "init bad id": (["init", "--student-id", "R123"], None, '--student-id "R123": expected'),
    "init template missing": (["init", "--template", "x.toml"], None, '--template "x.toml": no'),
    # ---- a course template given by path
    "template missing": (["build", "--template", "mine.toml"], {}, '"mine.toml": no such file'),
    "template not TOML": (
        ["build", "--template", "mine.toml"],
        {"mine.toml": "title = \n"},
        "mine.toml: not valid TOML",
    ),
    "template questions a number": (
        ["build", "--template", "mine.toml"],
        {"mine.toml": BAD_TEMPLATE},
        "mine.toml: questions must be [[questions]] tables",
    ),
    "template part unknown": (
        ["build", "--template", "mine.toml"],
        {"mine.toml": 'title = "T"\nparts = ["ml2019-hw5"]\n'},
        "mine.toml: part 'ml2019-hw5' is no course template",
    ),
    # ---- the installed tool in a folder that is not a project
    "no project build": (["build"], None, "no student ID, and no reportgen.toml in "),
    "no project run": (["run", "q3"], None, "`reportgen init --student-id R0XXXXXXX`"),
    "no project, a project above": (
        ["build"],
        {"answers/.here": ""},  # run from inside answers/, see below
        "is the project; run reportgen there",
    ),
    "no project no-train": (["build", *ID, "--no-train"], None, "--no-train forbids training"),
    # ---- a notebook's form fields, passed as the notebook passes them: as flags
    "notebook empty id": (["build", "--student-id", ""], None, "no student ID"),
    "notebook id typo": (
        ["build", "--student-id", "R0594201 7"],
        None,
        '--student-id "R0594201 7"',
    ),
    "notebook budget words": (["train", "--budget", "45 min"], None, '--budget "45 min": expected'),
    "notebook empty score": (["build", "--kaggle-public", ""], None, "--kaggle-public: invalid"),
    "notebook score percent": (["build", "--kaggle-public", "71"], None, "--kaggle-public 71.0"),
    "notebook val fraction percent": (["train", "--val-fraction", "10"], None, "--val-fraction"),
    "notebook profile case": (["build", "--profile", "FULL"], None, "--profile: invalid choice"),
    "notebook data missing": (
        ["build", *ID, "--data", "/content/drive/MyDrive/train.csv"],
        None,
        "/content/drive/MyDrive/train.csv",
    ),
}


def tree(root: Path) -> dict[str, str]:
    """Every file and folder under root: its path and the hash of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "/"
        for p in sorted(root.rglob("*"))
    }


def lay_out(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(project, capsys, monkeypatch, case):
    argv, files, needle = CASES[case]
    lay_out(project, PROJECT if files is not None else {})
    lay_out(project, files or {})
    if case == "toml a folder":
        (project / "reportgen.toml").mkdir()
    if case == "no project, a project above":
        monkeypatch.chdir(project / "answers")
    before = tree(project)
    try:
        code = main([*argv, *TINY] if argv[0] != "init" else argv)
    except SystemExit as exc:  # a flag argparse refuses (its one line, exit 2)
        code = exc.code
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert needle in lines[0], lines[0]
    assert tree(project) == before


def test_clean_in_a_folder_that_is_not_a_project_keeps_another_tool_s_build(project, capsys):
    """build/ is a common name (setuptools, CMake, Sphinx): clean removes reportgen's part."""
    lay_out(project, {"build/lib/mine.py": "x = 1\n", "build/sections/q1_cnn/k/section.json": "{}"})
    assert main(["clean", "--quiet"]) == 0
    assert set(tree(project)) == {"build", "build/lib", "build/lib/mine.py"}
    assert (project / "build/lib/mine.py").read_text(encoding="utf-8") == "x = 1\n"
    assert "build/sections" in capsys.readouterr().out
