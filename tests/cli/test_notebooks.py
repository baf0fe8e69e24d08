"""Notebooks through the command line: found by default, positions per cell, broken ones
reported, and the shared notebook case scored by its own `# expect:` comments."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import SHARED_CASES, needs_shared_cases

from .conftest import FINDING, write


def notebook(*sources: str, markdown_first: bool = True) -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# LSTM notes"]}]
    cells = cells if markdown_first else []
    cells += [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": source.splitlines(keepends=True),
        }
        for source in sources
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


BOOK = notebook("import torch.nn as nn\n%matplotlib inline", "x = 1\nlstm = nn.LSTM(8, 16)\n")


def test_notebooks_are_checked_with_cell_positions(rnncheck, project):
    write(project, {"book.ipynb": BOOK})
    concise = rnncheck("--output-format", "concise", "-q")
    assert concise.out == "book.ipynb:cell 3:2:8: RNN101 An nn.LSTM is built.\n"
    (found,) = json.loads(rnncheck("--output-format", "json").out)
    assert (found["cell"], found["location"], found["end_location"]) == (
        3,
        {"column": 8, "row": 2},
        {"column": 22, "row": 2},
    )


def test_full_shows_the_cells_own_lines(rnncheck, project):
    write(project, {"book.ipynb": BOOK})
    assert rnncheck("-q").out == (
        "RNN101 An nn.LSTM is built.\n"
        " --> book.ipynb:cell 3:2:8\n"
        "  |\n"
        "1 | x = 1\n"
        "2 | lstm = nn.LSTM(8, 16)\n"
        "  |        ^^^^^^^^^^^^^^\n"
        "\n"
    )


def test_exclusions_apply_to_notebooks(rnncheck, project):
    write(project, {"book.ipynb": BOOK, "model.py": FINDING})
    run = rnncheck("--output-format", "concise", "-q", "--extend-exclude", "*.ipynb")
    assert run.out == "model.py:2:8: RNN101 An nn.LSTM is built.\n"


def test_a_broken_notebook_is_reported_and_the_run_goes_on(rnncheck, project):
    write(
        project,
        {
            "broken.ipynb": '{"cells": [lstm',
            "old.ipynb": json.dumps({"nbformat": 3, "worksheets": [], "rnn": 1}),
            "model.py": FINDING,
        },
    )
    run = rnncheck("--output-format", "concise", "-q")
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith("broken.ipynb:1:1: RNN000 Notebook cannot be read: not valid JSON")
    assert lines[1] == "model.py:2:8: RNN101 An nn.LSTM is built."
    assert lines[2] == "old.ipynb:1:1: RNN000 Notebook cannot be read: not an nbformat 4 notebook"


def test_noqa_works_inside_cells(rnncheck, project):
    write(project, {"book.ipynb": notebook("import torch.nn as nn\nl = nn.LSTM(1, 2)  # noqa")})
    assert rnncheck("-q").out == ""


@needs_shared_cases
def test_the_shared_notebook_case_reports_every_expectation_and_nothing_else():
    shared = SHARED_CASES
    command = f"{sys.executable} -m rnncheck --output-format json"
    done = subprocess.run(
        [
            sys.executable,
            str(shared / "check.py"),
            "--cmd",
            command,
            str(shared / "notebook_cells.ipynb"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 found, 0 missed, 0 extra" in done.stdout
