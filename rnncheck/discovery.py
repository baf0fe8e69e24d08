"""Which files a run checks: the Python sources and notebooks under the given paths, less the
excluded ones and those git ignores.

A path named on the command line is checked even when excluded or ignored (pre-commit and editors
name files one by one), unless `--force-exclude` asks for the exclusions to hold there too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence

from rnncheck.gitignore import GitIgnore
from rnncheck.globs import FilePattern, FilePatterns

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
    """What a run skips: the `exclude` and `extend-exclude` patterns, rooted at the project
    folder, and what git ignores unless `respect_gitignore` is off."""

    def __init__(self, patterns: Iterable[str], root: str, respect_gitignore: bool = True) -> None:
        self.root = os.path.abspath(root)
        self.patterns = FilePatterns([FilePattern(pattern, self.root) for pattern in patterns])
        self.gitignore = GitIgnore() if respect_gitignore else None

    def excludes(self, path: str, is_folder: bool) -> bool:
        """Whether a walk skips `path`, an entry of a folder it has entered."""
        return self._matches(path) or (
            self.gitignore is not None and self.gitignore.ignores(path, is_folder)
        )

    def excludes_named(self, path: str) -> bool:
        """For `--force-exclude`: whether `path`, or a folder above it in the root, is excluded,
        or git ignores it."""
        if self.gitignore is not None and self.gitignore.ignores_named(path):
            return True
        folder = os.path.dirname(path)
        while folder.startswith(self.root + os.sep):
            if self._matches(folder):
                return True
            folder = os.path.dirname(folder)
        return self._matches(path)

    def _matches(self, path: str) -> bool:
        return self.patterns.matches(path)


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
            found.update(walk(path, exclusion))
        else:
            found.add(path)
    return sorted(found)


def walk(top: str, exclusion: Exclusion) -> Iterator[str]:
    """The absolute paths of the sources and notebooks under the folder `top` (itself not
    tested), less what `exclusion` skips; a skipped folder is not entered."""
    for folder, subfolders, files in os.walk(os.path.abspath(top)):
        subfolders[:] = [
            name
            for name in subfolders
            if not exclusion.excludes(os.path.join(folder, name), is_folder=True)
            and not os.path.isfile(os.path.join(folder, name, VENV_MARKER))
        ]
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(SUFFIXES) and not exclusion.excludes(path, is_folder=False):
                yield path
