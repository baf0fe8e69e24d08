"""`rnncheck run`: a program under the checks, its misuses printed as the static checker prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROGRAM = """
import sys
import torch
from torch import nn

gru = nn.GRU(3, 5, batch_first=True)
out, h = gru(torch.randn(4, 6, 3))
for _ in range(int(sys.argv[1])):
    summary = out[-1]
print("ran with", sys.argv[1:])
sys.exit(int(sys.argv[2]))
"""


def run(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rnncheck", "run", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_a_misuse_prints_as_json_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(PROGRAM)
    done = run("--output-format", "json", "train.py", "3", "0", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    printed, report = done.stdout.split("\n", 1)
    assert printed == "ran with ['3', '0']"
    (finding,) = json.loads(report)
    assert finding["code"] == "RNN101"
    assert finding["filename"] == str(tmp_path / "train.py")
    assert finding["location"] == {"row": 9, "column": 15}
    assert finding["message"].startswith("`out[-1]` takes the last sample of the batch")


def test_the_concise_format_and_a_module(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(PROGRAM)
    done = run("--output-format", "concise", "-m", "train", "1", "0", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "train.py:9:15: RNN101 `out[-1]`" in done.stdout
    assert done.stdout.endswith("Found 1 error.\n")


def test_without_a_misuse_the_programs_own_status_is_kept(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(PROGRAM)
    done = run("train.py", "0", "7", cwd=tmp_path)
    assert done.returncode == 7, done.stderr
    assert "All checks passed!" in done.stdout
