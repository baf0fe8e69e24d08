"""A finding: one reported misuse, with its place in the file and the fix it may carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Edit:
    """Replace the text from (row, column) up to (end_row, end_column) with `content` (1-based)."""

    content: str
    row: int
    column: int
    end_row: int
    end_column: int


@dataclass(frozen=True)
class Fix:
    """A correction. `safe` when nothing else must change with it; `unsafe` when a width or
    shape downstream must change too (ruff's applicability)."""

    applicability: Literal["safe", "unsafe"]
    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    """Rows and columns are 1-based; in a notebook they count within cell `cell` (1-based over
    all cells, markdown included, as ruff counts them), and so do a fix's edits."""

    path: str
    row: int
    column: int
    code: str
    message: str
    end_row: int
    end_column: int
    cell: int | None = None
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.row, self.column, self.code)

    def __lt__(self, other: Finding) -> bool:
        """Reports print in a stable order: file, cell, line, column, code."""
        return self.sort_key() < other.sort_key()
