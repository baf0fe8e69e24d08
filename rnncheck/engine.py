"""Check one file: decode, skip what cannot involve an RNN, parse once, run every rule, suppress."""

from __future__ import annotations

import re
from collections.abc import Iterable

import libcst as cst

from rnncheck.finding import Finding
from rnncheck.rules import ALL_RULES
from rnncheck.rules.base import Rule

MENTIONS_RNN = re.compile(rb"rnn|lstm|gru", re.IGNORECASE)
"""Files without these letters cannot build or use an RNN: they are never parsed."""

PARSE_ERROR = "RNN000"


def check_source(
    source: bytes, path: str, rules: Iterable[type[Rule]] = ALL_RULES
) -> list[Finding]:
    """The findings in one file's bytes, sorted, with `# noqa` applied."""
    if not MENTIONS_RNN.search(source):
        return []
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [_problem(path, 1, 1, f"File is not valid UTF-8: {error.reason} at byte {error.start}")]
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return [_problem(path, error.raw_line, error.raw_column + 1, f"SyntaxError: {error.message}")]
    from rnncheck import flow, noqa

    findings = flow.run(module, path, [rule() for rule in rules])
    return sorted(noqa.suppress(findings, text))


def _problem(path: str, row: int, column: int, message: str) -> Finding:
    return Finding(path, max(row, 1), max(column, 1), PARSE_ERROR, message, max(row, 1), max(column, 1))
