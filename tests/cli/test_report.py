"""Rendered output, snapshot-style: fixtures/X.py must print exactly the hand-written X.<format>.

The expected files were written from ruff's rules for each format (context lines, gutters, the
bar joining a multi-line span), not dumped from rnncheck. Absolute paths read `<FIXTURES>`, the
version `<VERSION>`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnncheck import __version__, cli, report
from rnncheck.finding import Finding

FIXTURES = Path(__file__).parent / "fixtures"

SNAPSHOTS = {
    "findings.full.txt": ["--output-format", "full"],
    "findings.concise.txt": ["--output-format", "concise"],
    "findings.json": ["--output-format", "json"],
    "findings.statistics.txt": ["--statistics"],
    "findings.json-lines": ["--output-format", "json-lines"],
    "findings.junit.xml": ["--output-format", "junit"],
    "findings.sarif": ["--output-format", "sarif"],
}
"""Expected output file: the options that print it for fixtures/findings.py."""


@pytest.mark.parametrize("snapshot", sorted(SNAPSHOTS))
def test_fixture_renders_as_written(snapshot, monkeypatch, capsys):
    monkeypatch.chdir(FIXTURES)
    assert cli.main([*SNAPSHOTS[snapshot], "findings.py"]) == 1
    expected = (FIXTURES / snapshot).read_text(encoding="utf-8")
    expected = expected.replace("<FIXTURES>", str(FIXTURES)).replace("<VERSION>", __version__)
    assert capsys.readouterr().out == expected


def test_tabs_show_as_four_spaces_and_carets_follow(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tabs.py").write_text("def f():\n\t(1 +\n\t\t2)\n", encoding="utf-8")
    finding = Finding(str(tmp_path / "tabs.py"), 2, 2, "RNN101", "Spans lines.", 3, 5)
    assert report.full([finding]) == (
        "RNN101 Spans lines.\n"
        " --> tabs.py:2:2\n"
        "  |\n"
        "1 |   def f():\n"
        "2 | /     (1 +\n"
        "3 | |         2)\n"
        "  | |__________^\n"
        "\n"
    )


def test_an_empty_span_gets_one_caret(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "end.py").write_text("lstm = (\n", encoding="utf-8")
    finding = Finding(str(tmp_path / "end.py"), 1, 9, "RNN000", "SyntaxError.", 1, 9)
    assert report.full([finding]).splitlines()[3:5] == ["1 | lstm = (", "  |         ^"]


def test_paths_outside_the_current_folder_stay_absolute(tmp_path, monkeypatch):
    (tmp_path / "inside").mkdir()
    monkeypatch.chdir(tmp_path / "inside")
    outside = str(tmp_path / "model.py")
    finding = Finding(outside, 1, 1, "RNN101", "m", 1, 2)
    assert report.concise([finding]) == f"{outside}:1:1: RNN101 m\n"


def test_summary_counts():
    finding = Finding("a.py", 1, 1, "RNN101", "m", 1, 2)
    assert report.summary([]) == "All checks passed!\n"
    assert report.summary([finding]) == "Found 1 error.\n"
    assert report.summary([finding, finding]) == "Found 2 errors.\n"
