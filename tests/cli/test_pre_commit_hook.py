"""The pre-commit hook, end to end: `pre-commit try-repo` on a clean clone of this repository's HEAD.

pre-commit builds the hook's environment from the committed code (with `pip install .`), so this
tests what a user gets: it needs git, pre-commit and a package index, and takes some seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import write

REPOSITORY = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration

BIDIRECTIONAL_LAST = """import torch.nn as nn
gru = nn.GRU(8, 16, bidirectional=True)
out, h_n = gru(x)
last = h_n[-1]
"""


def git(*arguments: str, cwd: Path) -> None:
    subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    clone = tmp_path_factory.mktemp("clone") / "rnncheck"
    git("clone", "--quiet", str(REPOSITORY), str(clone), cwd=REPOSITORY)
    return clone


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(
    files: dict[str, str], source: Path, home: Path, work: Path, hook: str = "rnncheck"
) -> subprocess.CompletedProcess:
    git("init", "--quiet", cwd=work)
    write(work, files)
    git("add", "--all", cwd=work)
    command = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(source),
        hook,
        "--all-files",
    ]
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(command, cwd=work, env=environment, capture_output=True, text=True)


def test_hook_fails_on_a_finding(hook_source, pre_commit_home, tmp_path):
    done = try_repo({"model.py": BIDIRECTIONAL_LAST}, hook_source, pre_commit_home, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "model.py:4:8" in done.stdout and "RNN201" in done.stdout


def test_hook_passes_clean_files(hook_source, pre_commit_home, tmp_path):
    done = try_repo(
        {"clean.py": "x = 1\n", "stub.pyi": "y: int\n"}, hook_source, pre_commit_home, tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rnncheck" in done.stdout and "Passed" in done.stdout


def test_hook_without_python_files_is_skipped(hook_source, pre_commit_home, tmp_path):
    done = try_repo({"README.md": "# lstm notes\n"}, hook_source, pre_commit_home, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Skipped" in done.stdout


def test_fix_hook_writes_the_safe_fixes(hook_source, pre_commit_home, tmp_path):
    dropout = "import torch.nn as nn\nlstm = nn.LSTM(4, 8, dropout=0.3)\n"
    done = try_repo({"model.py": dropout}, hook_source, pre_commit_home, tmp_path, "rnncheck-fix")
    assert done.returncode == 1, done.stdout + done.stderr  # pre-commit fails when files change
    assert (tmp_path / "model.py").read_text() == "import torch.nn as nn\nlstm = nn.LSTM(4, 8)\n"
