"""`# noqa` comments: a bare one silences every finding on its line, a coded one only its codes.

The comment is read as ruff and flake8 read it: `# noqa`, `#noqa:RNN201`, `# NOQA: RNN101, RNN201`
(codes separated by commas or spaces). A finding that spans several lines is silenced from its
first line. Codes after an unreadable list (`# noqa: bad`) make the comment a bare one, as in
flake8.
"""

from __future__ import annotations

import re

from rnncheck import source
from rnncheck.finding import Finding

NOQA = re.compile(r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
CODE_SEPARATOR = re.compile(r"[,\s]+")


def suppress(findings: list[Finding], text: str) -> list[Finding]:
    """The findings that no `# noqa` comment in `text` silences, in their order."""
    if not findings:
        return findings
    lines = source.lines(text)
    return [finding for finding in findings if not _silenced(finding, lines)]


def codes_on(line: str) -> frozenset[str] | None:
    """The codes a line's `# noqa` names; empty for a bare `# noqa`; None without one."""
    match = NOQA.search(line)
    if match is None:
        return None
    listed = match["codes"]
    return frozenset(CODE_SEPARATOR.split(listed.upper())) if listed else frozenset()


def _silenced(finding: Finding, lines: list[str]) -> bool:
    if not 1 <= finding.row <= len(lines):
        return False
    named = codes_on(lines[finding.row - 1])
    return named is not None and (not named or finding.code in named)
