"""Exclusion globs as ruff matches them.

A pattern is tried twice, as written and anchored at the project root, against both a path's
absolute form and its file name: `build` drops every folder named build, `tests/*.py` only those
under the root's tests folder. As in ruff (globset without `literal_separator`), `*` also
crosses `/`.
"""

from __future__ import annotations

import os
import re


class GlobError(ValueError):
    """A pattern that is not a valid glob."""


class FilePattern:
    """One `exclude` or `per-file-ignores` pattern, relative to the project root."""

    def __init__(self, pattern: str, root: str) -> None:
        self.pattern = pattern
        anchored = os.path.normpath(os.path.join(root, os.path.expanduser(pattern)))
        self._regexes = [re.compile(_regex(pattern)), re.compile(_regex(anchored))]

    def matches(self, path: str) -> bool:
        """Whether the absolute `path` (a file or a folder) matches."""
        name = os.path.basename(path)
        return any(regex.fullmatch(path) or regex.fullmatch(name) for regex in self._regexes)

    def __repr__(self) -> str:
        return f"FilePattern({self.pattern!r})"


class FilePatterns:
    """Several patterns tried at once, as one regular expression (ruff's `GlobSet`): a walk
    asks about every entry it meets."""

    def __init__(self, patterns: list[FilePattern]) -> None:
        self.patterns = patterns
        alternatives = [regex.pattern for pattern in patterns for regex in pattern._regexes]
        self._regex = re.compile("|".join(f"(?:{a})" for a in alternatives)) if patterns else None

    def matches(self, path: str) -> bool:
        """Whether any of the patterns matches the absolute `path`."""
        regex = self._regex
        if regex is None:
            return False
        return bool(regex.fullmatch(path) or regex.fullmatch(os.path.basename(path)))


def _regex(glob: str) -> str:
    """The regular expression for a glob: `*`, `**`, `?`, `[...]`, `[!...]`, `{a,b}`, `\\x`."""
    parts: list[str] = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        elif char == "\\" and index + 1 < len(glob):
            index += 1
            parts.append(re.escape(glob[index]))
        elif char == "[":
            end = glob.find("]", index + 2)
            if end < 0:
                raise GlobError(f"unclosed character class in glob {glob!r}")
            members = glob[index + 1 : end]
            negated = members.startswith("!")
            body = re.escape(members[1:] if negated else members).replace(r"\-", "-")
            parts.append(f"[{'^' if negated else ''}{body}]")
            index = end
        elif char == "{":
            end = glob.find("}", index)
            if end < 0:
                raise GlobError(f"unclosed alternation in glob {glob!r}")
            options = glob[index + 1 : end].split(",")
            parts.append("(?:" + "|".join(_regex(option) for option in options) + ")")
            index = end
        else:
            parts.append(re.escape(char))
        index += 1
    return "".join(parts)
