"""Shared set-up for the command-line tests: the stand-in rules, a project folder, a runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from rnncheck import cli, rules

from .fake_rules import FAKE_RULES

FINDING = "import torch.nn as nn\nlstm = nn.LSTM(8, 16)\n"
"""A file with one finding of the stand-in rules: RNN101 at 2:8, ending at 2:22."""

CLEAN = "import torch.nn as nn\nlayer = nn.Linear(8, 16)  # no rnn here\n"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "integration: builds the pre-commit hook from a clean clone (needs an index)"
    )


@pytest.fixture(autouse=True)
def fake_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "ALL_RULES", FAKE_RULES)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is the current folder, with no configuration above it that counts."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def rnncheck(project: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the command line in-process in `project`, capturing what it prints."""

    def run(*arguments: str) -> Run:
        code = cli.main(list(arguments))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Create `files` (relative path: text or bytes) under `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def relative(paths: list[str]) -> list[str]:
    return [os.path.relpath(path) for path in paths]
