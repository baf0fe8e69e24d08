"""How findings print: one function per `--output-format`, in ruff's shapes, and `--statistics`.

Text formats show paths relative to the current folder when they lie under it; JSON shows them
absolute, as ruff does. Rows and columns are 1-based everywhere; in a notebook they count within
the cell, which text formats name as `path:cell N:row:col` and JSON as `"cell": N`.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnncheck import __version__, notebook, source
from rnncheck.finding import Finding, Fix
from rnncheck.rules import by_code

CONTEXT = 2
"""Source lines shown before and after the lines a finding spans, as in ruff."""

UNCHECKED = "unchecked-file"
"""The name of `RNN000`: a file that could not be parsed, decoded, read or checked."""

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass(frozen=True)
class View:
    """What a report needs besides the findings."""

    unsafe_fixes: bool = False
    """Whether unsafe fixes count as applicable (`--unsafe-fixes`): they then show `[*]`."""
    texts: Mapping[str, str] = field(default_factory=dict)
    """File texts that are not on disk, by path (standard input)."""

    def applicable(self, fix: Fix | None) -> bool:
        return fix is not None and (fix.applicability == "safe" or self.unsafe_fixes)


def full(findings: Sequence[Finding], view: View = View()) -> str:
    """Each finding with the source around it, a caret under its span, and its fix's help."""
    sources = _Sources(view.texts)
    shown = []
    for finding in findings:
        help_line = f"help: {finding.fix.message}\n" if finding.fix is not None else ""
        shown.append(
            f"{finding.code} {_marker(finding, view)}{finding.message}\n"
            f"{_snippet(finding, sources.lines(finding.path, finding.cell))}{help_line}\n"
        )
    return "".join(shown)


def concise(findings: Sequence[Finding], view: View = View()) -> str:
    """`path:row:col: CODE message`, one line each; `[*]` before a message whose fix applies."""
    return "".join(f"{place(f)}: {f.code} {_marker(f, view)}{f.message}\n" for f in findings)


def json_list(findings: Sequence[Finding], view: View = View()) -> str:
    """A JSON list in ruff's shape (keys sorted as ruff prints them, no final newline)."""
    return _dump([_json_object(finding) for finding in findings])


def json_lines(findings: Sequence[Finding], view: View = View()) -> str:
    """The objects of `json`, one compact object per line."""
    return "".join(
        json.dumps(_json_object(f), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        + "\n"
        for f in findings
    )


def github(findings: Sequence[Finding], view: View = View()) -> str:
    """GitHub Actions workflow commands, so findings show on the pull request's lines."""
    return "".join(
        f"::error title=rnncheck ({f.code}),file={f.path},line={f.row},col={f.column},"
        f"endLine={f.end_row},endColumn={f.end_column}::"
        f"{place(f)}: {f.code} {f.message}\n"
        for f in findings
    )


def junit(findings: Sequence[Finding], view: View = View()) -> str:
    """JUnit XML as ruff writes it: a test suite per file, a failing test case per finding."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    if not findings:
        out += [
            '<testsuites name="rnncheck" tests="1" failures="0" errors="0">',
            '    <testsuite name="rnncheck" tests="1" disabled="0" errors="0" failures="0"'
            ' package="org.rnncheck">',
            '        <testcase name="No errors found" classname="rnncheck"/>',
            "    </testsuite>",
        ]
    else:
        count = len(findings)
        out.append(f'<testsuites name="rnncheck" tests="{count}" failures="{count}" errors="0">')
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            by_path.setdefault(finding.path, []).append(finding)
        for path, found in by_path.items():
            shown, n = _attribute(display_path(path)), len(found)
            out.append(
                f'    <testsuite name="{shown}" tests="{n}" disabled="0" errors="0"'
                f' failures="{n}" package="org.rnncheck">'
            )
            classname = _attribute(os.path.splitext(display_path(path))[0])
            for f in found:
                where = f"cell {f.cell}, " if f.cell is not None else ""
                out += [
                    f'        <testcase name="org.rnncheck.{f.code}" classname="{classname}"'
                    f' line="{f.row}" column="{f.column}">',
                    f'            <failure message="{_attribute(f.message)}">{where}line {f.row},'
                    f" col {f.column}, {_escaped(f.message)}</failure>",
                    "        </testcase>",
                ]
            out.append("    </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def sarif(findings: Sequence[Finding], view: View = View()) -> str:
    """SARIF 2.1.0: the rules that fired with their pages as help, the results with their fixes."""
    catalogue = by_code()
    used = sorted({f.code for f in findings if f.code in catalogue})
    rules = []
    for code in used:
        rule = catalogue[code]
        descriptor: dict[str, Any] = {
            "id": code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.what.strip()},
            "help": {"text": rule.page(), "markdown": rule.page()},
            "properties": {"id": code, "name": rule.name, "problem.severity": "error"},
        }
        url = getattr(rule, "url", None)
        if url is not None:
            descriptor["helpUri"] = url
        rules.append(descriptor)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rnncheck",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/rnncheck/",
                        "rules": rules,
                    }
                },
                "results": [_sarif_result(f) for f in findings],
            }
        ],
    }
    return _dump(document, sort_keys=False) + "\n"


FORMATS: dict[str, Callable[[Sequence[Finding], View], str]] = {
    "full": full,
    "concise": concise,
    "json": json_list,
    "json-lines": json_lines,
    "github": github,
    "junit": junit,
    "sarif": sarif,
}
"""`--output-format` choices; the first is the default."""

SUMMARISED = frozenset({"full", "concise"})
"""Formats that end with ruff's `Found N errors.` line (unless `--quiet`)."""


def summary(findings: Sequence[Finding], fixed: int = 0, view: View | None = None) -> str:
    """ruff's last lines: how many were found (and fixed), and, given a `view`, the fixes that
    `--fix` (or `--unsafe-fixes`) would apply."""
    remaining = len(findings)
    total = remaining + fixed
    if not total:
        return "All checks passed!\n"
    plural = "" if total == 1 else "s"
    if fixed:
        lines = [f"Found {total} error{plural} ({fixed} fixed, {remaining} remaining)."]
    else:
        lines = [f"Found {total} error{plural}."]
    if view is not None:
        applicable = sum(view.applicable(f.fix) for f in findings)
        hidden = sum(f.fix is not None for f in findings) - applicable
        hint = f"{hidden} unsafe fix{'' if hidden == 1 else 'es'} available with "
        hint += "`--fix --unsafe-fixes`"
        if applicable and hidden:
            lines.append(f"[*] {applicable} fixable with `--fix` ({hint}).")
        elif applicable:
            lines.append(f"[*] {applicable} fixable with `--fix`.")
        elif hidden:
            lines.append(f"{hint}.")
    return "\n".join(lines) + "\n"


def fixed_summary(fixed: Sequence[Finding]) -> str:
    """`--show-fixes`: the fixes applied, per file and code, as ruff lists them."""
    if not fixed:
        return ""
    per_file: dict[str, Counter[str]] = {}
    for finding in fixed:
        per_file.setdefault(finding.path, Counter())[finding.code] += 1
    width = len(str(max(max(counts.values()) for counts in per_file.values())))
    plural = "" if len(fixed) == 1 else "s"
    lines = [f"Fixed {len(fixed)} error{plural}:"]
    for path in sorted(per_file):
        lines.append(f"- {display_path(path)}:")
        lines += [
            f"    {count:>{width}} \u00d7 {code} ({rule_name(code)})"
            for code, count in sorted(per_file[path].items())
        ]
    return "\n".join(lines) + "\n"


def statistics(findings: Sequence[Finding], as_json: bool, view: View = View()) -> str:
    """The number of findings per code, most frequent first, as `ruff --statistics` prints it."""
    counts = sorted(Counter(f.code for f in findings).items(), key=lambda item: (-item[1], item[0]))
    fixable = Counter(f.code for f in findings if view.applicable(f.fix))
    if as_json:
        return _dump(
            [
                {
                    "code": code,
                    "name": rule_name(code),
                    "count": count,
                    "fixable": fixable[code] > 0,
                    "fixable_count": fixable[code],
                }
                for code, count in counts
            ],
            sort_keys=False,
        )
    if not counts:
        return ""
    count_width = max(len(str(count)) for _, count in counts)
    code_width = max(len(code) for code, _ in counts)
    markers = {code: ("[*] " if fixable[code] else "[ ] ") if fixable else "" for code, _ in counts}
    return "".join(
        f"{count:>{count_width}}\t{code:<{code_width}}\t{markers[code]}{rule_name(code)}\n"
        for code, count in counts
    )


def rule_name(code: str) -> str:
    rule = by_code().get(code)
    return rule.name if rule is not None else UNCHECKED


def display_path(path: str) -> str:
    """`path` relative to the current folder if it lies under it, else as it is (like ruff)."""
    here = os.getcwd() + os.sep
    return path[len(here) :] if path.startswith(here) else path


def place(finding: Finding) -> str:
    """`path:row:col`, or `path:cell N:row:col` in a notebook, as ruff names places."""
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{display_path(finding.path)}:{cell}{finding.row}:{finding.column}"


def _marker(finding: Finding, view: View) -> str:
    return "[*] " if view.applicable(finding.fix) else ""


def _json_object(finding: Finding) -> dict[str, Any]:
    rule = by_code().get(finding.code)
    fix = finding.fix
    return {
        "cell": finding.cell,
        "code": finding.code,
        "end_location": {"column": finding.end_column, "row": finding.end_row},
        "filename": finding.path,
        "fix": None
        if fix is None
        else {
            "applicability": fix.applicability,
            "edits": [
                {
                    "content": edit.content,
                    "end_location": {"column": edit.end_column, "row": edit.end_row},
                    "location": {"column": edit.column, "row": edit.row},
                }
                for edit in fix.edits
            ],
            "message": fix.message,
        },
        "location": {"column": finding.column, "row": finding.row},
        "message": finding.message,
        "name": rule_name(finding.code),
        "noqa_row": finding.row,
        "severity": "error",
        "url": getattr(rule, "url", None),
    }


def _sarif_result(finding: Finding) -> dict[str, Any]:
    uri = Path(os.path.abspath(finding.path)).as_uri()
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": "error",
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": _region(
                        finding.row, finding.column, finding.end_row, finding.end_column
                    ),
                }
            }
        ],
    }
    if finding.cell is not None:  # SARIF has no cells: rows count within this one
        result["properties"] = {"cell": finding.cell}
    if finding.fix is not None:
        result["fixes"] = [
            {
                "description": {"text": finding.fix.message},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": uri},
                        "replacements": [
                            {
                                "deletedRegion": _region(e.row, e.column, e.end_row, e.end_column),
                                "insertedContent": {"text": e.content},
                            }
                            for e in finding.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def _region(row: int, column: int, end_row: int, end_column: int) -> dict[str, int]:
    return {"startLine": row, "startColumn": column, "endLine": end_row, "endColumn": end_column}


def _attribute(text: str) -> str:
    return _escaped(text).replace('"', "&quot;")


def _escaped(text: str) -> str:
    from html import escape  # only for JUnit's XML: every run would pay for it

    return escape(text, quote=False)


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
        f"{gutter}--> {place(finding)}",
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


class _Sources:
    """The lines findings point into, each file read once: a file's, or a notebook cell's."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts: dict[str, str | None] = dict(texts)
        self._books: dict[str, notebook.Notebook | None] = {}

    def lines(self, path: str, cell: int | None) -> list[str]:
        text = self._text(path)
        if text is None:
            return []
        if cell is None:
            return _trimmed(source.lines(text))
        if path not in self._books:
            try:
                self._books[path] = notebook.read(text)
            except notebook.NotebookError:
                self._books[path] = None
        book = self._books[path]
        cells = {c.number: c.source for c in book.cells} if book is not None else {}
        return _trimmed(source.lines(cells.get(cell, "")))

    def _text(self, path: str) -> str | None:
        if path not in self._texts:
            try:
                with open(path, "rb") as handle:
                    self._texts[path] = source.shown(handle.read())
            except OSError:
                self._texts[path] = None
        return self._texts[path]


def _trimmed(lines: list[str]) -> list[str]:
    return lines[:-1] if len(lines) > 1 and not lines[-1] else lines
