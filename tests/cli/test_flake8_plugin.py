"""The flake8 plugin reports what the command line reports, where flake8 users expect it.

flake8 runs in a subprocess with the installed entry point, as users run it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import SHARED_CASES, needs_shared_cases

SHARED = SHARED_CASES
FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<column>\d+): (?P<code>[A-Z]+\d+) ")

pytestmark = pytest.mark.integration


def flake8(*arguments: str, cwd: Path) -> set[tuple[str, int, int, str]]:
    command = [sys.executable, "-m", "flake8", "--select", "RNN", *arguments]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return {
        (Path(m["path"]).name, int(m["row"]), int(m["column"]), m["code"])
        for m in map(FLAKE8_LINE.match, done.stdout.splitlines())
        if m is not None
    }


@needs_shared_cases
def test_flake8_agrees_with_the_command_line_on_every_shared_case():
    command = [sys.executable, "-m", "rnncheck", "--output-format", "json", "--extend-exclude"]
    done = subprocess.run(
        [*command, "*.ipynb", str(SHARED)], capture_output=True, text=True, check=False
    )
    expected = {
        (Path(f["filename"]).name, f["location"]["row"], f["location"]["column"], f["code"])
        for f in json.loads(done.stdout)
    }
    assert len(expected) > 30
    assert flake8(".", cwd=SHARED) == expected


def test_flake8_applies_its_own_noqa_and_leaves_syntax_errors_to_e999(tmp_path):
    (tmp_path / "model.py").write_text(
        "import torch.nn as nn\n"
        "a = nn.LSTM(4, 8, dropout=0.3)\n"
        "b = nn.LSTM(4, 8, dropout=0.3)  # noqa: RNN401\n"
        "c = nn.LSTM(4, 8, dropout=0.3)  # noqa: E501\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.py").write_text("import torch.nn as nn\nlstm = (\n", encoding="utf-8")
    found = flake8("--select", "RNN,E999", ".", cwd=tmp_path)
    assert {(name, row, code) for name, row, _, code in found} == {
        ("model.py", 2, "RNN401"),
        ("model.py", 4, "RNN401"),
        ("broken.py", 2, "E999"),
    }
