"""A finding: one reported misuse, with its place in the file and, later, its fix."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Finding:
    """Ordered as reports print: file, line, column, code. Rows and columns are 1-based."""

    path: str
    row: int
    column: int
    code: str
    message: str = field(compare=False)
    end_row: int = field(compare=False)
    end_column: int = field(compare=False)
