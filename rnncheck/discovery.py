"""Which files a run checks: the Python sources and notebooks under the given paths, less the
excluded ones.

A path named on the command line is checked even when excluded (pre-commit and editors name
files one by one), unless `--force-exclude` asks for the exclusions to hold there too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from rnncheck.globs import FilePattern

SUFFIXES = (".py", ".pyi", ".ipynb")
"""Checked by default: sources, stubs and Jupyter notebooks (as ruff does)."""

DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    "*.egg-info",
)
"""The default `exclude`, as in ruff: setting `exclude` replaces it, `extend-exclude` adds to it."""

VENV_MARKER = "pyvenv.cfg"
"""A folder holding this is a virtual environment, whatever its name: never walked into."""


class Exclusion:
    """The `exclude` and `extend-exclude` patterns, rooted at the project folder."""

    def __init__(self, patterns: Iterable[str], root: str) -> None:
        self.root = os.path.abspath(root)
        self.patterns = [FilePattern(pattern, self.root) for pattern in patterns]

    def excludes(self, path: str) -> bool:
        return any(pattern.matches(path) for pattern in self.patterns)

    def excludes_named(self, path: str) -> bool:
        """For `--force-exclude`: whether `path`, or a folder above it in the root, is excluded."""
        folder = os.path.dirname(path)
        while folder.startswith(self.root + os.sep):
            if self.excludes(folder):
                return True
            folder = os.path.dirname(folder)
        return self.excludes(path)


def python_files(
    paths: Sequence[str], exclusion: Exclusion, force_exclude: bool = False
) -> list[str]:
    """The absolute paths to check, sorted. Raises FileNotFoundError for a path that is missing."""
    found: set[str] = set()
    for given in paths:
        path = os.path.abspath(given)
        if not os.path.exists(path):
            raise FileNotFoundError(given)
        if force_exclude and exclusion.excludes_named(path):
            continue
        if os.path.isdir(path):
            found.update(_walk(path, exclusion))
        else:
            found.add(path)
    return sorted(found)


def _walk(top: str, exclusion: Exclusion) -> Iterable[str]:
    for folder, subfolders, files in os.walk(top):
        subfolders[:] = [
            name
            for name in subfolders
            if not exclusion.excludes(os.path.join(folder, name))
            and not os.path.isfile(os.path.join(folder, name, VENV_MARKER))
        ]
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(SUFFIXES) and not exclusion.excludes(path):
                yield path
