"""Run the engine on a snippet, the way every static test does."""

from __future__ import annotations

import textwrap

from rnncheck.engine import check_source
from rnncheck.finding import Finding
from rnncheck.rules import ALL_RULES


def check(source: str, code: str | None = None) -> list[Finding]:
    """The findings in `source` (dedented), only those of `code` when given."""
    found = check_source(textwrap.dedent(source).encode(), "snippet.py", ALL_RULES)
    return [f for f in found if code is None or f.code == code]


def rows(source: str, code: str) -> list[int]:
    return [f.row for f in check(source, code)]
