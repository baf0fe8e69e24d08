"""Check one file: decode, skip what cannot involve an RNN, parse once, run every rule, suppress."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import replace

import libcst as cst

from rnncheck import noqa, notebook, shape_reads, syntax
from rnncheck.driver import Driver, forget_foreign
from rnncheck.events import CHECKED, Application, MethodCall, Rnn, RnnCall, Selection, rnn_of
from rnncheck.finding import Edit, Finding, Fix
from rnncheck.positions import Positions
from rnncheck.project import Project
from rnncheck.rules import ALL_RULES
from rnncheck.rules.base import Correction, Rule
from rnncheck.source import DecodeError, mentions_rnn
from rnncheck.source import text as decoded
from rnncheck.syntax import forget_module

PARSE_ERROR = "RNN000"


def check_source(
    source: bytes,
    path: str,
    rules: Iterable[type[Rule]] = ALL_RULES,
    project: Project | None = None,
    suppress: bool = True,
) -> list[Finding]:
    """The findings in one file's bytes, sorted, with `# noqa` applied unless `suppress` is
    false (flake8 applies its own).

    `project` tells what the other checked files define and construct; without it the file is
    read on its own.
    """
    if not mentions_rnn(source) and (project is None or not project.receives_rnn(path)):
        return []
    try:
        text = decoded(source)
    except DecodeError as error:
        return [problem(path, str(error))]
    project = project if project is not None else Project.of([(path, source)])
    if path.endswith(".ipynb"):
        return _check_notebook(text, path, list(rules), project, suppress)
    return _check_program(text, path, list(rules), project, suppress)


def _check_program(
    text: str, path: str, rules: list[type[Rule]], project: Project, suppress: bool
) -> list[Finding]:
    module = syntax.parsed(text)
    if module is None:
        try:
            module = cst.parse_module(text)  # again, to say why not
        except cst.ParserSyntaxError as error:
            row, column, message = _syntax_error(error, text)
            return [problem(path, f"SyntaxError: {message}", row, column)]
    try:
        findings = _analyse(module, path, [rule() for rule in rules], project)
    except RecursionError:
        return [problem(path, "File is nested too deeply for rnncheck to follow: not checked")]
    return sorted(noqa.apply(findings, text, path, rules) if suppress else findings)


def _check_notebook(
    text: str, path: str, rules: list[type[Rule]], project: Project, suppress: bool
) -> list[Finding]:
    """A notebook's code cells as one program; positions reported per cell, as ruff does."""
    try:
        book = notebook.read(text)
    except notebook.NotebookError as error:
        return [problem(path, f"Notebook cannot be read: {error}")]
    if not book.cells:
        return []
    return sorted(
        _in_cell(book, f) for f in _check_program(book.program, path, rules, project, suppress)
    )


def _in_cell(book: notebook.Notebook, finding: Finding) -> Finding:
    cell, row = book.locate(finding.row)
    _, end_row = book.locate(finding.end_row)
    shift = finding.row - row
    fix = finding.fix
    if fix is not None:
        edits = tuple(replace(e, row=e.row - shift, end_row=e.end_row - shift) for e in fix.edits)
        fix = replace(fix, edits=edits)
    message = _cells_named(book, finding.message)
    return replace(finding, row=row, end_row=end_row, cell=cell, fix=fix, message=message)


PROGRAM_LINE = re.compile(r"\bline (\d+)\b")


def _cells_named(book: notebook.Notebook, message: str) -> str:
    """A message's lines of the notebook (`line 625` of its program) as its reader finds
    them: `cell 53, line 13`. Code quoted in backticks is left as it is."""

    def named(found: re.Match[str]) -> str:
        cell, row = book.locate(int(found.group(1)))
        return f"cell {cell}, line {row}"

    parts = message.split("`")
    parts[::2] = [PROGRAM_LINE.sub(named, prose) for prose in parts[::2]]
    return "`".join(parts)


def _analyse(module: cst.Module, path: str, rules: list[Rule], project: Project) -> list[Finding]:
    """Read the module once, handing each event to every rule that listens for it."""
    reported: dict[tuple[int, str], tuple[cst.CSTNode, str, str, Correction | None]] = {}
    positions = Positions(module)
    tree = shape_reads.Tree(module)

    def dispatch(event: object) -> None:
        handler = _HANDLERS[type(event)]
        for rule in rules:
            code = rule.code

            def report(
                node: cst.CSTNode,
                message: str,
                fix: Correction | None = None,
                instead: shape_reads.Pick | None = None,
                code: str = code,
            ) -> None:
                if (
                    instead is not None
                    and isinstance(event, Selection | MethodCall)
                    and node is event.node
                ):
                    shape = shape_reads.verdict(event, instead, tree)
                    if shape is None:
                        return
                    message += shape
                configuration = driver.configuration
                if configuration is not None:
                    # The code is shared by every construction: a fix for one would break others.
                    message += f" ({configuration.describe(path)})"
                    fix = None
                rnn = rnn_of(event)
                if rnn is not None and rnn.assumptions:
                    message += f" (with the default arguments: {', '.join(rnn.assumptions)})"
                    fix = None
                reported.setdefault((id(node), code), (node, code, message, fix))

            getattr(rule, handler)(event, report)

    driver = Driver(module, dispatch, positions.line, path, project)
    checked = CHECKED.set(path)
    try:
        driver.run()
    finally:
        CHECKED.reset(checked)
        forget_module()
        forget_foreign()
    findings = []
    for node, code, message, correction in reported.values():
        span = positions.of(node)
        findings.append(
            Finding(
                path,
                span.start.line,
                span.start.column + 1,
                code,
                message,
                span.end.line,
                span.end.column + 1,
                fix=_edits(correction, positions) if correction is not None else None,
            )
        )
    return findings


def _edits(correction: Correction, positions: Positions) -> Fix:
    edits = []
    for node, content in correction.replacements:
        span = positions.of(node)
        start, end = span.start, span.end
        edits.append(Edit(content, start.line, start.column + 1, end.line, end.column + 1))
    return Fix(correction.applicability, correction.message, tuple(edits))


_HANDLERS = {
    Rnn: "built",
    Selection: "selected",
    MethodCall: "method",
    Application: "applied",
    RnnCall: "called",
}


def _syntax_error(error: cst.ParserSyntaxError, text: str) -> tuple[int, int, str]:
    """Where and why the file does not parse, in Python's own words when Python agrees."""
    try:
        ast.parse(text)
    except SyntaxError as python:
        return python.lineno or 1, python.offset or 1, python.msg
    except (ValueError, RecursionError):
        pass
    return error.editor_line, error.editor_column, error.message


def problem(path: str, message: str, row: int = 1, column: int = 1) -> Finding:
    """An RNN000 finding: the file could not be read, parsed or followed."""
    return Finding(
        path, max(row, 1), max(column, 1), PARSE_ERROR, message, max(row, 1), max(column, 1)
    )
