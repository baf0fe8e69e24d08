"""How findings print: one function per `--output-format`, in ruff's shapes, and `--statistics`.

Text formats show paths relative to the current folder when they lie under it; JSON shows them
absolute, as ruff does. Rows and columns are 1-based everywhere.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from rnncheck import source
from rnncheck.finding import Finding
from rnncheck.rules import by_code

CONTEXT = 2
"""Source lines shown before and after the lines a finding spans, as in ruff."""

UNCHECKED = "unchecked-file"
"""The name of `RNN000`: a file that could not be parsed, decoded, read or checked."""


def full(findings: Sequence[Finding]) -> str:
    """Each finding with the source around it and a caret under its span."""
    texts: dict[str, list[str]] = {}
    shown = []
    for finding in findings:
        if finding.path not in texts:
            texts[finding.path] = _lines(finding.path)
        shown.append(
            f"{finding.code} {finding.message}\n{_snippet(finding, texts[finding.path])}\n"
        )
    return "".join(shown)


def concise(findings: Sequence[Finding]) -> str:
    """`path:row:col: CODE message`, one line each."""
    return "".join(
        f"{display_path(f.path)}:{f.row}:{f.column}: {f.code} {f.message}\n" for f in findings
    )


def json_list(findings: Sequence[Finding]) -> str:
    """A JSON list in ruff's shape (keys sorted as ruff prints them, no final newline)."""
    return _dump([_json_object(finding) for finding in findings])


def github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands, so findings show on the pull request's lines."""
    return "".join(
        f"::error title=rnncheck ({f.code}),file={f.path},line={f.row},col={f.column},"
        f"endLine={f.end_row},endColumn={f.end_column}::"
        f"{display_path(f.path)}:{f.row}:{f.column}: {f.code} {f.message}\n"
        for f in findings
    )


FORMATS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "full": full,
    "concise": concise,
    "json": json_list,
    "github": github,
}
"""`--output-format` choices; the first is the default."""

SUMMARISED = frozenset({"full", "concise"})
"""Formats that end with ruff's `Found N errors.` line (unless `--quiet`)."""


def summary(findings: Sequence[Finding]) -> str:
    count = len(findings)
    if not count:
        return "All checks passed!\n"
    return f"Found {count} error{'' if count == 1 else 's'}.\n"


def statistics(findings: Sequence[Finding], as_json: bool) -> str:
    """The number of findings per code, most frequent first, as `ruff --statistics` prints it."""
    counts = sorted(Counter(f.code for f in findings).items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        return _dump(
            [
                {
                    "code": code,
                    "name": rule_name(code),
                    "count": count,
                    "fixable": False,
                    "fixable_count": 0,
                }
                for code, count in counts
            ],
            sort_keys=False,
        )
    return "".join(f"{count}\t{code}\t{rule_name(code)}\n" for code, count in counts)


def rule_name(code: str) -> str:
    rule = by_code().get(code)
    return rule.name if rule is not None else UNCHECKED


def display_path(path: str) -> str:
    """`path` relative to the current folder if it lies under it, else as it is (like ruff)."""
    here = os.getcwd() + os.sep
    return path[len(here) :] if path.startswith(here) else path


def _json_object(finding: Finding) -> dict[str, Any]:
    rule = by_code().get(finding.code)
    return {
        "cell": None,
        "code": finding.code,
        "end_location": {"column": finding.end_column, "row": finding.end_row},
        "filename": finding.path,
        "fix": None,
        "location": {"column": finding.column, "row": finding.row},
        "message": finding.message,
        "name": rule_name(finding.code),
        "noqa_row": finding.row,
        "severity": "error",
        "url": getattr(rule, "url", None),
    }


def _dump(value: object, sort_keys: bool = True) -> str:
    return json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=False)


def _snippet(finding: Finding, lines: list[str]) -> str:
    """The ` --> path:row:col` line and the annotated source, drawn as ruff draws them."""
    end_row = max(finding.end_row, finding.row)
    first, last = max(1, finding.row - CONTEXT), min(len(lines), end_row + CONTEXT)
    while first < finding.row and not lines[first - 1]:
        first += 1
    while last > end_row and not lines[last - 1]:
        last -= 1
    gutter = " " * len(str(max(last, finding.row)))
    head = [
        f"{gutter}--> {display_path(finding.path)}:{finding.row}:{finding.column}",
        f"{gutter} |",
    ]
    if finding.row > len(lines):
        return "\n".join(head) + "\n"
    body = (_multiline if end_row > finding.row else _one_line)(finding, lines, first, last, gutter)
    if not body[-1].startswith(f"{gutter} |"):
        body.append(f"{gutter} |")
    return "\n".join(head + body) + "\n"


def _one_line(finding: Finding, lines: list[str], first: int, last: int, gutter: str) -> list[str]:
    out = []
    for row in range(first, last + 1):
        text = lines[row - 1]
        out.append(_source_line(row, gutter, "", text))
        if row == finding.row:
            before = _shown(text[: finding.column - 1])
            span = _shown(text[finding.column - 1 : finding.end_column - 1])
            out.append(f"{gutter} | {' ' * len(before)}{'^' * max(1, len(span))}")
    return out


def _multiline(finding: Finding, lines: list[str], first: int, last: int, gutter: str) -> list[str]:
    """A span over several lines: a bar in the margin joins its start to its end."""
    out = []
    for row in range(first, last + 1):
        text = lines[row - 1]
        if row == finding.row:
            before = text[: finding.column - 1]
            if before.strip():
                out.append(_source_line(row, gutter, "  ", text))
                out.append(f"{gutter} |  {'_' * (len(_shown(before)) + 1)}^")
            else:
                out.append(_source_line(row, gutter, "/ ", text))
        elif finding.row < row <= finding.end_row:
            out.append(_source_line(row, gutter, "| ", text))
            if row == finding.end_row:
                end = _shown(text[: max(0, finding.end_column - 2)])
                out.append(f"{gutter} | |{'_' * (len(end) + 1)}^")
        else:
            out.append(_source_line(row, gutter, "  ", text))
    return out


def _source_line(row: int, gutter: str, margin: str, text: str) -> str:
    line = f"{row:>{len(gutter)}} | {margin}{_shown(text)}"
    return line if text else line.rstrip()


def _shown(text: str) -> str:
    """Text as ruff shows it: a tab is four spaces."""
    return text.replace("\t", "    ")


def _lines(path: str) -> list[str]:
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8-sig", errors="replace")
    except OSError:
        return []
    lines = source.lines(text)
    return lines[:-1] if len(lines) > 1 and not lines[-1] else lines
