"""Notebooks: code cells as one program, IPython syntax neutralised, cells rewritten in place."""

from __future__ import annotations

import json

import pytest

from rnncheck import notebook
from rnncheck.engine import check_source


def _notebook(*cells: tuple[str, str], indent: int = 1) -> str:
    document = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
            | ({"outputs": [], "execution_count": None} if kind == "code" else {})
            for kind, source in cells
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


def test_cells_form_one_program_and_rows_map_back() -> None:
    text = _notebook(("markdown", "# t"), ("code", "a = 1\nb = 2"), ("code", "c = 3"))
    book = notebook.read(text)
    assert book.program == "a = 1\nb = 2\nc = 3\n"
    assert [c.number for c in book.cells] == [2, 3]
    assert book.locate(2) == (2, 2) and book.locate(3) == (3, 1)


def test_ipython_syntax_keeps_every_position() -> None:
    text = _notebook(
        ("code", "%matplotlib inline\n!pip install x\nfiles = !ls\nif True:\n    %time f()\nlen?"),
        ("code", "%%bash\necho out[-1]"),
        ("code", "%%time\nx = 1"),
    )
    assert notebook.read(text).program.split("\n") == [
        "pass",
        "pass",
        "files = ...",
        "if True:",
        "    pass",
        "pass",
        "",
        "",
        "",
        "x = 1",
        "",
    ]


def test_findings_carry_the_cell_and_the_row_within_it() -> None:
    text = _notebook(
        ("code", "import torch.nn as nn\nrnn = nn.GRU(4, 8, batch_first=True)"),
        ("markdown", "use it"),
        ("code", "%%time\nout, h = rnn(x)\nlast = out[-1]\nkept = out[-1]  # noqa: RNN101"),
    )
    (finding,) = check_source(text.encode(), "n.ipynb")
    assert (finding.code, finding.cell, finding.row, finding.column) == ("RNN101", 3, 3, 8)


def test_lines_a_message_names_are_cells_and_lines() -> None:
    text = _notebook(
        (
            "code",
            "from torch import nn\n\n\ndef step(gru, x):\n    out, _ = gru(x)\n    return out[-1]",
        ),
        ("markdown", "call it"),
        ("code", "gru = nn.GRU(4, 8, bidirectional=True)\nlast = step(gru, x)"),
    )
    (finding,) = check_source(text.encode(), "n.ipynb")
    assert (finding.code, finding.cell, finding.row) == ("RNN102", 1, 6)
    assert "(nn.GRU(4, 8, bidirectional=True), cell 3, line 1)" in finding.message
    assert finding.message.endswith("(when called from cell 3, line 2)")


@pytest.mark.parametrize(
    "content", [b"{not json, lstm", b'{"nbformat": 3, "cells": [], "lstm": 1}', b'["lstm"]']
)
def test_a_broken_notebook_is_one_clean_rnn000(content: bytes) -> None:
    (finding,) = check_source(content, "b.ipynb")
    assert finding.code == "RNN000" and finding.row == 1 and "Notebook" in finding.message


def test_a_syntax_error_points_into_its_cell() -> None:
    text = _notebook(("code", "import torch.nn as nn"), ("code", "lstm = nn.LSTM(4,\n"))
    (finding,) = check_source(text.encode(), "s.ipynb")
    assert finding.code == "RNN000" and finding.cell == 2


def test_rewrite_changes_only_the_given_cells_byte_for_byte() -> None:
    for indent in (1, 2):
        text = _notebook(
            ("code", "a = 1\nb = 2"), ("markdown", "m"), ("code", "c = [3]"), indent=indent
        )
        changed = notebook.rewrite(text, {3: "c = [4]\nd = 5"})
        before, after = json.loads(text), json.loads(changed)
        assert after["cells"][2]["source"] == ["c = [4]\n", "d = 5"]
        assert after["cells"][:2] == before["cells"][:2]
        untouched = text.split('"c = [3]"')[0]
        assert changed.startswith(untouched)
        assert notebook.rewrite(text, {}) == text
        assert notebook.rewrite(text, {3: "c = [3]"}) == text


def test_a_shell_escape_continued_with_a_backslash_takes_its_next_lines() -> None:
    text = _notebook(("code", "! cd /tmp && \\\n    echo hi\nout = !ls \\\n  -l\nx = (1 +\n  2)"))
    assert notebook.read(text).program.split("\n") == [
        "pass",
        "",
        "out = ...",
        "",
        "x = (1 +",
        "  2)",
        "",
    ]
