"""Run the engine on a snippet, the way every static test does."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rnncheck.engine import check_source
from rnncheck.finding import Finding
from rnncheck.project import Project
from rnncheck.rules import ALL_RULES

SHARED_CASES = Path(__file__).resolve().parents[1].parent / "shared" / "cases"
"""The rules' specification by example, beside the checkout (as in CI)."""

SHARED_REACH = SHARED_CASES.parent / "reach"
"""The whole-program reach specification: a small project whose facts live in other files."""

needs_shared_cases = pytest.mark.skipif(
    not SHARED_CASES.is_dir(), reason="../shared/cases is not beside this checkout"
)


def check(source: str, code: str | None = None) -> list[Finding]:
    """The findings in `source` (dedented), only those of `code` when given."""
    found = check_source(textwrap.dedent(source).encode(), "snippet.py", ALL_RULES)
    return [f for f in found if code is None or f.code == code]


def rows(source: str, code: str) -> list[int]:
    return [f.row for f in check(source, code)]


def fixed(source: str, finding: Finding) -> str:
    """`source` with the finding's fix applied (edits from the end backwards)."""
    assert finding.fix is not None
    lines = textwrap.dedent(source).splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    text = "".join(lines)
    for edit in sorted(finding.fix.edits, key=lambda e: (e.row, e.column), reverse=True):
        begin = starts[edit.row - 1] + edit.column - 1
        end = starts[edit.end_row - 1] + edit.end_column - 1
        text = text[:begin] + edit.content + text[end:]
    return text


def check_files(
    tmp_path: Path, names: list[str], files: dict[str, str]
) -> dict[str, list[Finding]]:
    """The findings of the named files of a small project written to `tmp_path`, checked in
    that order with one project model."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = {name: str(tmp_path / name) for name in files}
    project = Project.of([(p, Path(p).read_bytes()) for p in paths.values()], (str(tmp_path),))
    return {
        name: check_source(files[name].encode(), paths[name], project=project) for name in names
    }
