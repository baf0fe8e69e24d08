"""`-` reads one file from standard input, named by `--stdin-filename`, as editors use it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

DROPOUT = "import torch.nn as nn\nlstm = nn.LSTM(4, 8, dropout=0.3)  # keep this comment\n"

pytestmark = pytest.mark.integration


def rnncheck(*arguments: str, given: str, cwd) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "rnncheck", *arguments]
    return subprocess.run(command, input=given, capture_output=True, text=True, cwd=cwd)


def test_standard_input_is_checked_under_its_given_name(tmp_path):
    done = rnncheck(
        "--output-format",
        "json",
        "--stdin-filename",
        "pkg/model.py",
        "-",
        given=DROPOUT,
        cwd=tmp_path,
    )
    (found,) = json.loads(done.stdout)
    assert done.returncode == 1
    assert (found["code"], found["filename"]) == ("RNN401", str(tmp_path / "pkg" / "model.py"))
    assert found["fix"]["applicability"] == "safe"


def test_fix_on_standard_input_prints_the_fixed_source(tmp_path):
    done = rnncheck("--fix", "--stdin-filename", "model.py", "-", given=DROPOUT, cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout == DROPOUT.replace(", dropout=0.3", "")
    assert "Found 1 error (1 fixed, 0 remaining)." in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_full_format_shows_standard_input_lines(tmp_path):
    done = rnncheck("--stdin-filename", "model.py", "-", given=DROPOUT, cwd=tmp_path)
    assert "2 | lstm = nn.LSTM(4, 8, dropout=0.3)  # keep this comment" in done.stdout
