"""What git ignores, read as git reads it: a `.gitignore` in any folder (its patterns relative to
that folder), the repository's `.git/info/exclude`, and the user's global excludes file.

The patterns are compiled by pathspec's `GitIgnoreSpec`, each ignore file once. As in ruff, whose
walker requires a repository, nothing is ignored outside one: an unpacked archive with a stray
`.gitignore` is checked in full.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable

from pathspec import GitIgnoreSpec, RegexPattern

GITIGNORE = ".gitignore"


class IgnoreFile:
    """The patterns of one ignore file, which are relative to `folder`."""

    def __init__(self, folder: str, lines: Iterable[str]) -> None:
        self.folder = folder
        self._spec = GitIgnoreSpec(pattern for line in lines for pattern in _compiled(line))
        self._patterns = [
            (pattern, pattern.pattern.rstrip().endswith("/"))
            for pattern in self._spec.patterns
            if pattern.include is not None
        ]
        # Most files match no pattern: one search of them all together says so, four times faster
        # than trying each (pathspec's regexes, less the group names they share).
        self._any = re.compile(
            "|".join(f"(?:{_unnamed(pattern.regex.pattern)})" for pattern, _ in self._patterns)
            or "(?!)"
        )

    @classmethod
    def read(cls, path: str, folder: str) -> IgnoreFile | None:
        """The file at `path`, or None when there is none (or it cannot be read)."""
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                return cls(folder, handle.read().splitlines())
        except OSError:
            return None

    def verdict(self, path: str, is_folder: bool) -> bool | None:
        """True when the last pattern matching `path` ignores it, False when it re-includes it
        (`!name`), None when none matches and the files above decide."""
        relative = path[len(self.folder) :].lstrip(os.sep).replace(os.sep, "/")
        if not is_folder:
            return self._spec.check_file(relative).include if self._any.search(relative) else None
        # Git matches a folder by its own path, and a pattern that ends in `/` only a folder;
        # pathspec's check_file would read the folder `data` as inside `data/**`, which git does not.
        verdict = None
        for pattern, folders_only in self._patterns:
            if pattern.match_file(relative + "/" if folders_only else relative) is not None:
                verdict = pattern.include
        return verdict


def _compiled(line: str) -> list[RegexPattern]:
    """The line's pattern, or none for a pattern pathspec cannot read: git skips those too."""
    try:
        return list(GitIgnoreSpec.from_lines([line]).patterns)
    except (ValueError, re.error):
        return []


def _unnamed(regex: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", regex)


class GitIgnore:
    """Whether git ignores a path, for one run: the ignore files and repositories found are kept."""

    def __init__(self) -> None:
        self._roots: dict[str, str | None] = {}
        self._chains: dict[str, tuple[IgnoreFile, ...]] = {}

    def ignores(self, path: str, is_folder: bool) -> bool:
        """Whether git ignores `path`, an absolute path whose folders above are not ignored
        (the walker never enters an ignored folder)."""
        for ignore_file in self._chain(os.path.dirname(path)):
            verdict = ignore_file.verdict(path, is_folder)
            if verdict is not None:
                return verdict
        return False

    def ignores_named(self, path: str) -> bool:
        """For `--force-exclude`: whether `path`, or a folder above it in its repository, is
        ignored."""
        root = self._root(os.path.dirname(path))
        if root is None:
            return False
        folder = os.path.dirname(path)
        while folder.startswith(root + os.sep):
            if self.ignores(folder, is_folder=True):
                return True
            folder = os.path.dirname(folder)
        return self.ignores(path, os.path.isdir(path))

    def _root(self, folder: str) -> str | None:
        """The top of the work tree that holds `folder`, or None outside any repository."""
        if folder not in self._roots:
            parent = os.path.dirname(folder)
            if os.path.exists(os.path.join(folder, ".git")):
                self._roots[folder] = folder
            else:
                self._roots[folder] = None if parent == folder else self._root(parent)
        return self._roots[folder]

    def _chain(self, folder: str) -> tuple[IgnoreFile, ...]:
        """The ignore files that speak for entries of `folder`, the one that decides first:
        `.gitignore` files from `folder` up to the top, then info/exclude, then the global file."""
        if folder not in self._chains:
            root = self._root(folder)
            if root is None:
                chain: tuple[IgnoreFile, ...] = ()
            elif folder == root:
                chain = _repository_files(root)
            else:
                chain = self._chain(os.path.dirname(folder))
            own = IgnoreFile.read(os.path.join(folder, GITIGNORE), folder) if root else None
            self._chains[folder] = chain if own is None else (own, *chain)
        return self._chains[folder]


def _repository_files(root: str) -> tuple[IgnoreFile, ...]:
    """The repository's own excludes and the user's global excludes file, relative to `root`."""
    found = (
        IgnoreFile.read(os.path.join(_git_dir(root), "info", "exclude"), root),
        IgnoreFile.read(_global_excludes(root), root),
    )
    return tuple(ignore_file for ignore_file in found if ignore_file is not None)


def _git_dir(root: str) -> str:
    """The repository's shared git folder: `.git`, or where a worktree's or submodule's `.git`
    file points (and, for a worktree, the main repository it names in `commondir`)."""
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as handle:
            pointer = handle.read().strip()
    except OSError:
        return dot_git
    git_dir = os.path.join(root, pointer.removeprefix("gitdir:").strip())
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            return os.path.normpath(os.path.join(git_dir, handle.read().strip()))
    except OSError:
        return git_dir


def _global_excludes(root: str) -> str:
    """`core.excludesFile` as git reads it in `root`, else git's default place for it."""
    try:
        named = subprocess.run(
            ["git", "config", "--path", "--get", "core.excludesFile"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:  # git is not installed: its default place still holds
        named = ""
    if named:
        return os.path.join(root, os.path.expanduser(named))
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(config_home, "git", "ignore")
