"""A measurement's key is the hash of everything that can change a number: its runs, the
settings its module declares, the data and the code its measure() runs (found by reading the
files). A section's key adds how it is said: the language, the module's code, its words.
A change reaches the measurements and sections that read it and no other."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen import SOURCE_ROOT, questions
from reportgen.build import measured_key, section_key, text_files
from reportgen.cli.main import main
from reportgen.project.folder import Project
from reportgen.settings.config import load_config
from reportgen.settings.profiles import PROFILES
from reportgen.store.keys import (
    SECTION_VALUES,
    ast_text,
    content_key,
    section_files,
    training_modules,
)

HEAVY = ("tensorflow", "keras", "sklearn", "matplotlib", "scipy", "lime", "skimage")


def keys(project: Project) -> dict[str, str]:
    return {m: section_key(project, m) for m in questions.MODULES}


def measured_keys(project: Project) -> dict[str, str]:
    return {m: measured_key(project, m) for m in questions.MODULES}


def changed(a: dict[str, str], b: dict[str, str]) -> set[str]:
    return {m for m in a if a[m] != b[m]}


def variant(project: Project, profile: dict | None = None, **flags) -> Project:
    """The project with other profile values or flags, on the same data."""
    config = load_config(project.config.root, {"profile": "tiny", **flags})
    other = Project(config, _data=project.data)
    if profile:
        other.__dict__["profile"] = dataclasses.replace(project.profile, **profile)
    return other


def rel(paths) -> set[str]:
    return {str(p.relative_to(SOURCE_ROOT)) for p in paths}


def test_a_setting_reaches_the_section_that_declares_it_alone(tiny_project):
    base = keys(tiny_project)
    assert changed(base, keys(variant(tiny_project, {"lime_samples": 150}))) == {"q7_lime"}
    assert changed(base, keys(variant(tiny_project, {"smoothgrad_samples": 4}))) == {"q5_saliency"}
    assert changed(base, keys(variant(tiny_project, {"actmax_steps": 10}))) == {"q6_filters"}
    assert changed(base, keys(variant(tiny_project, filter_layer="block1_conv1"))) == {"q6_filters"}
    assert changed(base, keys(variant(tiny_project, kaggle_public=0.7))) == {"q1_cnn"}
    assert changed(base, keys(variant(tiny_project, lang="en"))) == set(questions.MODULES)
    assert keys(variant(tiny_project)) == base  # nothing changed: nothing changes


def test_a_language_measures_nothing_anew(tiny_project):
    assert measured_keys(variant(tiny_project, lang="en")) == measured_keys(tiny_project)
    assert changed(
        measured_keys(tiny_project), measured_keys(variant(tiny_project, {"lime_samples": 150}))
    ) == {"q7_lime"}


def test_the_code_a_module_runs_is_found_by_reading_it():
    q1, q7 = (
        rel(section_files("reportgen.questions.q1_cnn")),
        rel(section_files("reportgen.questions.q7_lime")),
    )
    assert {
        "reportgen/questions/q7_lime.py",
        "reportgen/questions/shared_runs.py",
        "reportgen/measure/facts/lime.py",
    } <= q7
    assert "reportgen/measure/explain/lime_explain.py" in q7  # imported inside a function
    assert "reportgen/measure/explain/__init__.py" in q7  # a package runs its __init__ first
    assert (
        "reportgen/measure/facts/lime.py" not in q1
        and "reportgen/measure/explain/lime_explain.py" not in q1
    )
    for module in questions.MODULES:
        files = rel(section_files(f"reportgen.questions.{module}"))
        assert f"reportgen/questions/{module}.py" in files
        assert {"reportgen/words/text.py", "reportgen/questions/context.py"} <= files
        # What these packages give a section enters its key as values, not as code.
        assert not [f for f in files for v in SECTION_VALUES if f.startswith(v.replace(".", "/"))]
        # The training code reaches a section through its runs' keys; reading a run back
        # is the section's own code.
        assert not files & rel(training_modules().values())
        assert "reportgen/runs/run.py" in files
    assert rel(text_files("zh", "q7_lime")) == {
        "reportgen/words/zh/q7_lime.md.j2",
        "reportgen/words/zh/words.toml",
    }


def edited(monkeypatch, target: Path, addition: bytes, docstring: bytes = b"") -> None:
    """Reading `target` gives its bytes with addition at the end (and docstring at the start
    of its first docstring)."""
    read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        data = read(self)
        if self != target:
            return data
        return data.replace(b'"""', b'"""' + docstring, 1) + addition

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


ALL = set(questions.MODULES)


@pytest.mark.parametrize(
    ("path", "reached", "measured"),
    [
        ("reportgen/measure/facts/lime.py", {"q7_lime"}, {"q7_lime"}),
        ("reportgen/measure/explain/saliency.py", {"q5_saliency"}, {"q5_saliency"}),
        ("reportgen/plots/training.py", {"q1_cnn", "q2_dnn", "q3_augmentation"}, set()),
        ("reportgen/words/zh/q4_confusion.md.j2", {"q4_confusion"}, set()),
        ("reportgen/words/zh/words.toml", ALL, set()),  # a caption: said anew, not measured
        ("reportgen/words/en/words.toml", set(), set()),  # the report is in zh
        ("reportgen/settings/profiles.py", set(), set()),  # its values are in the key
        ("reportgen/runs/run.py", ALL, ALL),  # how a run is read back
        ("reportgen/runs/train.py", set(), set()),  # in the keys of the runs
    ],
)
def test_a_changed_file_reaches_what_reads_it(tiny_project, monkeypatch, path, reached, measured):
    base, base_measured = keys(tiny_project), measured_keys(tiny_project)
    code = path.endswith(".py")
    edited(monkeypatch, SOURCE_ROOT / path, b"\n_edited = 1\n" if code else b"\n# edited\n")
    assert changed(base, keys(tiny_project)) == reached
    assert changed(base_measured, measured_keys(tiny_project)) == measured


def test_a_question_measures_anew_only_when_what_measure_reaches_changes(tiny_project, monkeypatch):
    """Within a question module, only the definitions measure() reaches by name count."""
    q4 = SOURCE_ROOT / "reportgen/questions/q4_confusion.py"
    base, base_measured = keys(tiny_project), measured_keys(tiny_project)
    edited(monkeypatch, q4, b"\n\ndef present_helper():\n    return 1\n")
    assert changed(base, keys(tiny_project)) == {"q4_confusion"}
    assert measured_keys(tiny_project) == base_measured
    monkeypatch.undo()
    edited(monkeypatch, q4, b"\n\ndef measure(ctx):\n    return None\n")
    assert changed(base_measured, measured_keys(tiny_project)) == {"q4_confusion"}


def test_a_comment_or_a_docstring_reaches_no_section(tiny_project, monkeypatch):
    base = keys(tiny_project)
    edited(
        monkeypatch, SOURCE_ROOT / "reportgen/measure/facts/lime.py", b"\n# edited\n", b"Edited. "
    )
    assert keys(tiny_project) == base


def test_computing_the_keys_imports_no_heavy_library(tmp_path):
    """What a fully cached build does first: every key, without TensorFlow or its kin."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from reportgen import questions\n"
        "from reportgen.build import section_key\n"
        "from reportgen.settings.config import load_config\n"
        "from reportgen.project.folder import Project\n"
        f"project = Project(load_config(Path({str(tmp_path)!r}), {{'profile': 'tiny'}}))\n"
        "keys = [section_key(project, m) for m in questions.MODULES]\n"
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=SOURCE_ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert set(json.loads(out.stdout)) & set(HEAVY) == set()


TEMPLATE = """title = "Two questions"
[[questions]]
number = "1"
points = "1%"
prompt = "The confusion matrix"
answers = ["q4_confusion"]
[[questions]]
number = "2"
points = "1%"
prompt = "LIME"
answers = ["q7_lime"]
"""


def test_a_new_lime_sample_count_rebuilds_q7_alone(tiny_project, tmp_path, monkeypatch, cache_dir):
    root = tmp_path / "project"
    root.mkdir()
    tiny_project.config.runs_dir.mkdir(parents=True, exist_ok=True)  # the session's runs
    (root / "runs").symlink_to(tiny_project.config.runs_dir, target_is_directory=True)
    (root / "two.toml").write_text(TEMPLATE, encoding="utf-8")
    monkeypatch.chdir(root)
    flags = ["--student-id", "R05942017", "--profile", "tiny", "--template", "two.toml", "--quiet"]

    def build(*more: str) -> dict[str, dict[str, int]]:
        """module -> {key: mtime} of its cached sections, after a build."""
        assert main(["build", *flags, *more]) == 0
        out: dict[str, dict[str, int]] = {}
        for p in root.glob("build/sections/*/*/section.json"):
            out.setdefault(p.parent.parent.name, {})[p.parent.name] = p.stat().st_mtime_ns
        return out

    first = build()
    lime = dataclasses.replace(PROFILES["tiny"], lime_samples=PROFILES["tiny"].lime_samples // 2)
    monkeypatch.setitem(PROFILES, "tiny", lime)
    # --no-train: nothing trains (the session's runs/ is shared with other test workers,
    # so listing it would not tell).
    second = build("--no-train")
    assert second["q4_confusion"] == first["q4_confusion"]  # read back as it was
    assert first["q7_lime"].items() < second["q7_lime"].items()  # one more: a new key


def test_content_key_is_sha256_of_canonical_json_worked_by_hand():
    text = '{"a":"\\u00e9","b":[1,2],"kind":"runs"}'  # sorted keys, no spaces, ASCII escapes
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert content_key("runs", {"b": [1, 2], "a": "é"}) == digest[:16]
    assert content_key("runs", {"a": "é", "b": [1, 2]}, length=8) == digest[:8]
    assert content_key("other", {"b": [1, 2], "a": "é"}) != digest[:16]


def test_ast_text_leaves_out_empty_fields_and_joins_lists():
    node = ast.parse("f(a, *b, k=0)").body[0]
    assert ast_text(node) == (
        "Expr(value=Call(func=Name(id='f', ctx=Load()), args=[Name(id='a', ctx=Load()), "
        "Starred(value=Name(id='b', ctx=Load()), ctx=Load())], keywords=[keyword(arg='k', "
        "value=Constant(value=0))]))"
    )
    assert ast_text(ast.parse("g()").body[0]) == "Expr(value=Call(func=Name(id='g', ctx=Load())))"
    assert ast_text([]) == "[]" and ast_text(0) == "0" and ast_text("s") == "'s'"
