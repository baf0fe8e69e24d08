"""Apply the fixes findings carry, to a file's text, as `ruff --fix` does.

Edits replace text between positions of the file as it was checked, so comments and formatting
outside them stay. Fixes are taken in the order of their first edit; one that overlaps a fix
already taken waits for the next pass, in which the fixed text is checked again. A fix whose
result would not parse is not applied and is reported instead. In a notebook, edits count
within their cell, and only the changed cells' sources are rewritten.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rnncheck import notebook, source
from rnncheck.finding import Edit, Finding

MAX_PASSES = 10
"""Passes of check-and-fix before giving up on a file whose fixes keep making work."""

Check = Callable[[str], list[Finding]]


@dataclass
class Fixed:
    """A file after fixing: its text, the findings left in it, and what was or was not done."""

    text: str
    findings: list[Finding]
    fixed: list[Finding] = field(default_factory=list)
    broken: list[Finding] = field(default_factory=list)
    """Findings whose fix would have left the file unparsable: not applied."""


def fix_text(text: str, path: str, check: Check, unsafe: bool) -> Fixed:
    """Check `text`, apply the applicable fixes, check again, until nothing more applies."""
    result = Fixed(text, check(text))
    for _ in range(MAX_PASSES):
        chosen = applicable(result.findings, unsafe, exclude=result.broken)
        if not chosen:
            break
        applied, text = _apply_parsing(result.text, path, chosen, result.broken)
        if not applied:
            break
        result.text, result.fixed = text, result.fixed + applied
        result.findings = check(text)
    return result


def applicable(
    findings: Sequence[Finding], unsafe: bool, exclude: Sequence[Finding] = ()
) -> list[Finding]:
    """The findings whose fixes one pass applies: safe ones (and unsafe ones if `unsafe`),
    in order of their first edit, each starting after the fixes taken before it in its cell."""
    candidates = sorted(
        (
            (f, sorted(f.fix.edits, key=_start))
            for f in findings
            if f.fix is not None
            and f.fix.edits
            and (f.fix.applicability == "safe" or unsafe)
            and f not in exclude
        ),
        key=lambda pair: (pair[0].cell or 0, _start(pair[1][0])),
    )
    taken: list[Finding] = []
    last_end: dict[int | None, tuple[int, int]] = {}
    for finding, edits in candidates:
        previous = last_end.get(finding.cell)
        if previous is not None and _start(edits[0]) <= previous:
            continue
        if any(_end(a) > _start(b) for a, b in pairwise(edits)):
            continue  # a fix whose own edits overlap cannot be applied
        taken.append(finding)
        last_end[finding.cell] = max(_end(e) for e in edits)
    return taken


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with non-overlapping `edits` applied, from the last backwards."""
    starts = _line_starts(text)

    def offset(row: int, column: int) -> int:
        if row > len(starts):
            return len(text)
        return min(starts[row - 1] + column - 1, len(text))

    for edit in sorted(edits, key=_start, reverse=True):
        begin, end = offset(edit.row, edit.column), offset(edit.end_row, edit.end_column)
        text = text[:begin] + edit.content + text[end:]
    return text


def _apply_parsing(
    text: str, path: str, chosen: list[Finding], broken: list[Finding]
) -> tuple[list[Finding], str]:
    """Apply `chosen` together; if the result does not parse, one by one, leaving out (and
    adding to `broken`) each fix that breaks parsing."""
    fixed = _apply(text, path, chosen)
    if _parses(fixed, path):
        return chosen, fixed
    applied: list[Finding] = []
    for finding in chosen:
        attempt = _apply(text, path, [*applied, finding])
        if _parses(attempt, path):
            applied.append(finding)
        else:
            broken.append(finding)
    return applied, _apply(text, path, applied)


def _apply(text: str, path: str, findings: Sequence[Finding]) -> str:
    edits: dict[int | None, list[Edit]] = {}
    for finding in findings:
        if finding.fix is not None:
            edits.setdefault(finding.cell, []).extend(finding.fix.edits)
    if not path.endswith(".ipynb"):
        return apply_edits(text, edits.get(None, []))
    cells = {cell.number: cell.source for cell in notebook.read(text).cells}
    sources = {
        number: apply_edits(cells[number], cell_edits)
        for number, cell_edits in edits.items()
        if number in cells
    }
    return notebook.rewrite(text, sources)


def _parses(text: str, path: str) -> bool:
    try:
        ast.parse(notebook.read(text).program if path.endswith(".ipynb") else text)
    except (SyntaxError, ValueError, RecursionError, notebook.NotebookError):
        return False
    return True


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in source.LINE_BREAK.finditer(text))]


def _start(edit: Edit) -> tuple[int, int]:
    return (edit.row, edit.column)


def _end(edit: Edit) -> tuple[int, int]:
    return (edit.end_row, edit.end_column)
