"""`# noqa` comments: a bare one silences every finding on its line, a coded one only its codes.

The comment is read as ruff and flake8 read it: `# noqa`, `#noqa:RNN201`, `# NOQA: RNN101, RNN201`
(codes separated by commas or spaces). A finding that spans several lines is silenced from its
first line. Codes after an unreadable list (`# noqa: bad`) make the comment a bare one, as in
flake8. When RNN100 is selected, an rnncheck code that silences nothing is reported, with a fix
that removes it (ruff's RUF100); other tools' codes and bare comments are theirs to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rnncheck import source
from rnncheck.finding import Edit, Finding, Fix
from rnncheck.rules import by_code
from rnncheck.rules.base import Rule
from rnncheck.rules.unused_noqa import UnusedNoqa

NOQA = re.compile(r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
CODE_SEPARATOR = re.compile(r"[,\s]+")
OWN_PREFIX = "RNN"


def suppress(findings: list[Finding], text: str) -> list[Finding]:
    """The findings that no `# noqa` comment in `text` silences, in their order."""
    if not findings:
        return findings
    lines = source.lines(text)
    return [finding for finding in findings if not _silenced(finding, lines)]


def apply(
    findings: list[Finding], text: str, path: str, rules: Iterable[type[Rule]]
) -> list[Finding]:
    """`suppress`, and RNN100 for each comment naming codes that silence nothing, if selected."""
    kept = suppress(findings, text)
    enabled = {rule.code for rule in rules}
    if UnusedNoqa.code not in enabled:
        return kept
    return kept + unused(findings, text, path, enabled)


def unused(findings: Sequence[Finding], text: str, path: str, enabled: set[str]) -> list[Finding]:
    """RNN100 findings: the rnncheck codes in `# noqa` comments that no finding of `findings`
    (before suppression) on their line needed, as unused, non-enabled or unknown codes."""
    reported: dict[int, set[str]] = {}
    for finding in findings:
        reported.setdefault(finding.row, set()).add(finding.code)
    lines = source.lines(text)
    known = by_code()
    found = []
    for row, line in enumerate(lines, 1):
        match = NOQA.search(line)
        if match is None or match["codes"] is None:
            continue
        named = CODE_SEPARATOR.split(match["codes"])
        ours = [code for code in named if code.upper().startswith(OWN_PREFIX)]
        if UnusedNoqa.code in (code.upper() for code in ours):
            continue  # the comment silences RNN100 itself
        needless = [code for code in ours if code.upper() not in reported.get(row, ())]
        if not needless:
            continue
        kinds = {"unused": [], "non-enabled": [], "unknown": []}
        for code in needless:
            upper = code.upper()
            kind = (
                "unknown" if upper not in known else "unused" if upper in enabled else "non-enabled"
            )
            kinds[kind].append(f"`{upper}`")
        detail = "; ".join(f"{kind}: {', '.join(codes)}" for kind, codes in kinds.items() if codes)
        kept = [code for code in named if code not in needless]
        found.append(
            Finding(
                path,
                row,
                match.start() + 1,
                UnusedNoqa.code,
                f"Unused `noqa` directive ({detail})",
                row,
                match.end() + 1,
                fix=Fix("safe", _fix_message(kept), (_edit(match, row, lines, kept),)),
            )
        )
    return found


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


def _fix_message(kept: list[str]) -> str:
    return (
        "Remove unused codes from the `noqa` directive" if kept else "Remove the `noqa` directive"
    )


def _edit(match: re.Match[str], row: int, lines: list[str], kept: list[str]) -> Edit:
    """Rewrite the code list; or delete the comment (the whole line when it holds nothing else)."""
    line = lines[row - 1]
    if kept:
        return Edit(", ".join(kept), row, match.start("codes") + 1, row, match.end("codes") + 1)
    before, after = line[: match.start()], line[match.end() :]
    if after.strip():  # other words follow: keep them a comment
        if after.lstrip().startswith("#"):
            return Edit("", row, match.start() + 1, row, len(line) - len(after.lstrip()) + 1)
        return Edit("#", row, match.start() + 1, row, match.end() + 1)
    if not before.strip():
        if row < len(lines):
            return Edit("", row, 1, row + 1, 1)
        return Edit("", row, 1, row, len(line) + 1)
    return Edit("", row, len(before.rstrip()) + 1, row, len(line) + 1)
