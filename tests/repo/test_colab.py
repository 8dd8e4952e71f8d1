"""notebooks/colab.ipynb runs, off Colab, from its first cell to its last: the parameters
given as papermill gives them (a cell after the one tagged `parameters`), the tiny profile on
the embedded faces, the runs the tests share (a project folder that kept its runs/ on Drive)."""

from __future__ import annotations

import json

import nbformat
from nbclient import NotebookClient

from reportgen import SOURCE_ROOT
from tests.helpers import read_submission, share_runs, write_test_csv

NOTEBOOK = SOURCE_ROOT / "notebooks" / "colab.ipynb"


def with_parameters(notebook, **values):
    (index,) = [
        i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])
    ]
    lines = [f"{name} = {json.dumps(value)}" for name, value in values.items()]
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell("\n".join(lines)))
    return notebook


def test_the_notebook_is_clean_and_names_its_parameters():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)  # no stored output
    (params,) = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    for name in ("STUDENT_ID", "PROJECT", "DATA", "PROFILE", "BUDGET", "SOURCE"):
        assert f"\n{name} = " in f"\n{params.source}"
    source = "\n".join(c.source for c in code)
    for colab_only in ("drive.mount", "files.upload", "files.download"):
        assert colab_only in source


def test_the_notebook_runs_off_colab(tiny_project, tmp_path, monkeypatch, cache_dir):
    project = tmp_path / "hw3"
    project.mkdir()
    share_runs(project, tiny_project)
    test_csv = tmp_path / "test.csv"
    write_test_csv(test_csv, ids=range(5))
    notebook = with_parameters(
        nbformat.read(NOTEBOOK, as_version=4),
        PROJECT=str(project),
        PROFILE="tiny",
        BUDGET="",
        TEST=str(test_csv),
    )
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()

    assert (project / "reportgen.toml").is_file() and (project / "answers").is_dir()
    header, rows = read_submission(project / "submission.csv")
    assert header == ["id", "label"] and len(rows) == 5
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    text = "".join(o.get("text", "") for o in outputs)
    assert f"{project / 'Report.pdf'}: OK" in text  # reportgen check
    assert "Report.pdf (" in text and "submission.csv (" in text  # offered for download
    shown = [o for o in outputs if "text/html" in o.get("data", {})]
    (page,) = [o["data"]["text/html"] for o in shown]
    assert 'src="data:image/png;base64,' in page and "build/sections" not in page


def test_the_repository_address_is_the_same_everywhere():
    """pyproject's Source URL (the one place it is written; reportgen reads it from the
    installed metadata) is where the README's Colab badge points and what the README and the
    notebook give for the newest commit; both install the release from PyPI first."""
    import tomllib

    source = tomllib.loads((SOURCE_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    url = source["urls"]["Source"]
    repo = url.removeprefix("https://github.com/")
    readme = (SOURCE_ROOT / "README.md").read_text("utf-8")
    assert f"colab.research.google.com/github/{repo}/blob/main/notebooks/colab.ipynb" in readme
    assert f'pip install "fer-reportgen @ git+{url}"' in readme
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    (params,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    lines = params.source.splitlines()
    assert 'SOURCE = "fer-reportgen"' in [line.split("  #")[0] for line in lines]
    assert f'SOURCE = "fer-reportgen @ git+{url}"' in params.source  # the newest commit
    assert f"[reportgen]({url})" in notebook.cells[0].source
