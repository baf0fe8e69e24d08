"""Applying fixes: the machinery on synthetic findings, then `--fix`, `--unsafe-fixes` and
`--diff` on every shared case that has a fix.

Each shared case is copied into a temporary folder at run time; its expected fixed text is the
hand-checked diff under fixtures/fixes/ (`X.diff` for the safe fixes, `X.unsafe.diff` with the
unsafe ones; no file means nothing to fix in that mode).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Literal

import pytest

from rnncheck import cli, fixes, notebook, rules
from rnncheck.finding import Edit, Finding, Fix
from tests.helpers import SHARED_CASES, needs_shared_cases

SHARED = SHARED_CASES
EXPECTED = Path(__file__).parent / "fixtures" / "fixes"
REAL_RULES = rules.ALL_RULES
CASES = sorted(
    path.name for path in [*SHARED.glob("*.py"), *SHARED.glob("*.ipynb")] if path.name != "check.py"
)


def fixable(
    row: int,
    column: int,
    end: int,
    content: str,
    applicability: Literal["safe", "unsafe"] = "safe",
    cell: int | None = None,
) -> Finding:
    fix = Fix(applicability, "m", (Edit(content, row, column, row, end),))
    return Finding("m.py", row, column, "RNN101", "m", row, end, cell, fix)


def test_edits_apply_from_the_end_backwards():
    text = "a = x[-1]\nb = y[-1]\r\nc = 1\n"
    edits = [Edit("[:, -1]", 1, 6, 1, 10), Edit("[:, -1]", 2, 6, 2, 10)]
    assert fixes.apply_edits(text, edits) == "a = x[:, -1]\nb = y[:, -1]\r\nc = 1\n"


def test_overlapping_fixes_keep_the_first_and_unsafe_ones_wait_for_the_flag():
    first, overlapping = fixable(1, 1, 5, "A"), fixable(1, 3, 8, "B")
    later, unsafe = fixable(2, 1, 2, "C"), fixable(3, 1, 2, "D", applicability="unsafe")
    findings = [later, overlapping, first, unsafe]
    assert fixes.applicable(findings, unsafe=False) == [first, later]
    assert fixes.applicable(findings, unsafe=True) == [first, later, unsafe]


def test_cells_do_not_overlap_each_other():
    one, two = fixable(1, 1, 5, "A", cell=2), fixable(1, 1, 5, "B", cell=3)
    assert fixes.applicable([two, one], unsafe=False) == [one, two]


def test_passes_repeat_until_nothing_applies():
    """A fix whose result has a fix of its own (x → y → z) is followed to the end."""
    chain = {"x": "y", "y": "z"}

    def check(text: str) -> list[Finding]:
        name = text[0]
        return [fixable(1, 1, 2, chain[name])] if name in chain else []

    done = fixes.fix_text("x = 1\n", "m.py", check, unsafe=False)
    assert done.text == "z = 1\n"
    assert len(done.fixed) == 2 and done.findings == []


def test_a_fix_that_breaks_parsing_is_not_applied_but_reported():
    breaking, fine = fixable(1, 5, 6, "(("), fixable(2, 5, 6, "2")

    def check(text: str) -> list[Finding]:
        return [f for f, old in ((breaking, "a = 1"), (fine, "b = 1")) if old in text]

    done = fixes.fix_text("a = 1\nb = 1\n", "m.py", check, unsafe=False)
    assert done.text == "a = 1\nb = 2\n"
    assert done.broken == [breaking] and done.fixed == [fine]


NOTEBOOK = """{
  "cells": [
    {"cell_type": "markdown", "metadata": {}, "source": ["# out[-1]\\n"]},
    {
      "cell_type": "code",
      "execution_count": 3,
      "metadata": {"tags": ["keep"]},
      "outputs": [{"name": "stdout", "output_type": "stream", "text": ["x\\n"]}],
      "source": [
        "import torch.nn as nn\\n",
        "last = out[-1]"
      ]
    },
    {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": "y = out[-1]  # \\u00e9"}
  ],
  "metadata": {"kernelspec": {"name": "python3"}},
  "nbformat": 4,
  "nbformat_minor": 5
}
"""


def test_a_notebook_round_trip_changes_only_the_fixed_cell():
    finding = fixable(2, 11, 15, "[:, -1]", cell=2)
    done = fixes.fix_text(
        NOTEBOOK, "n.ipynb", lambda text: [finding] if 'out[-1]"\n' in text else [], False
    )
    assert done.text == NOTEBOOK.replace('"last = out[-1]"', '"last = out[:, -1]"')
    cells = notebook.read(done.text).cells
    assert [c.source for c in cells][1] == "y = out[-1]  # \u00e9"
    assert (
        json.loads(done.text)["cells"][1]["outputs"] == json.loads(NOTEBOOK)["cells"][1]["outputs"]
    )


def expected_diff(case: str, unsafe: bool) -> str:
    stem = Path(case).stem
    candidates = [f"{stem}.unsafe.diff", f"{stem}.diff"] if unsafe else [f"{stem}.diff"]
    for name in candidates:
        if (EXPECTED / name).exists():
            return (EXPECTED / name).read_text(encoding="utf-8")
    return ""


@pytest.fixture
def real_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "ALL_RULES", REAL_RULES)


@pytest.mark.usefixtures("real_rules")
@pytest.mark.parametrize(
    ("first", "codec"), [("# -*- coding: latin-1 -*-\n", "latin-1"), ("\ufeff", "utf-8")]
)
def test_a_fixed_file_keeps_its_encoding(rnncheck, project, first, codec):
    before = f"{first}import torch.nn as nn\nname = 'café'; lstm = nn.LSTM(4, 8, dropout=0.3)\n"
    (project / "model.py").write_bytes(before.encode(codec))
    rnncheck("--fix", "model.py")
    after = f"{first}import torch.nn as nn\nname = 'café'; lstm = nn.LSTM(4, 8)\n"
    assert (project / "model.py").read_bytes() == after.encode(codec)


@needs_shared_cases
@pytest.mark.usefixtures("real_rules")
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("case", CASES)
def test_shared_case_fixes(rnncheck, project, case, unsafe):
    shutil.copy(SHARED / case, project / case)
    original = (project / case).read_bytes()
    flags = ["--unsafe-fixes"] if unsafe else []
    want = expected_diff(case, unsafe)

    preview = rnncheck("--diff", *flags, case)
    assert (preview.code, preview.out) == ((1, want) if want else (0, ""))
    assert (project / case).read_bytes() == original  # --diff writes nothing

    fixed = rnncheck("--fix", *flags, "--output-format", "concise", case)
    after = (project / case).read_bytes()
    if want:
        assert cli._diff(str(project / case), original, after) == want
        assert "fixed, " in fixed.out.splitlines()[-1]
    else:
        assert after == original

    again = rnncheck("--fix", *flags, case)  # a second pass changes nothing
    assert (project / case).read_bytes() == after
    assert "fixed" not in again.out
    assert rnncheck("--diff", *flags, case).code == 0
