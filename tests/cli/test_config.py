"""Configuration: where it is found, what each key does, and a bad file's exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnncheck import config

from .conftest import FINDING, write

THREE_KINDS = FINDING + "gru = nn.GRU(8, 16)\ncell = nn.RNN(8, 16)\n"


def codes(run) -> list[tuple[str, str]]:
    return [(Path(f["filename"]).name, f["code"]) for f in json.loads(run.out)]


def test_pyproject_is_found_by_walking_up(rnncheck, project, monkeypatch):
    write(
        project,
        {
            "pyproject.toml": '[tool.rnncheck]\nselect = ["RNN2"]\n',
            "pkg/sub/m.py": THREE_KINDS,
        },
    )
    monkeypatch.chdir(project / "pkg" / "sub")
    assert codes(rnncheck("--output-format", "json")) == [("m.py", "RNN201"), ("m.py", "RNN202")]


def test_a_pyproject_without_the_table_is_passed_over(rnncheck, project, monkeypatch):
    write(
        project,
        {
            "pyproject.toml": '[tool.rnncheck]\nignore = ["RNN101"]\n',
            "pkg/pyproject.toml": '[project]\nname = "pkg"\n',
            "pkg/m.py": THREE_KINDS,
        },
    )
    monkeypatch.chdir(project / "pkg")
    assert codes(rnncheck("--output-format", "json")) == [("m.py", "RNN201"), ("m.py", "RNN202")]


def test_rnncheck_toml_wins_over_pyproject_in_the_same_folder(rnncheck, project):
    write(
        project,
        {
            "pyproject.toml": '[tool.rnncheck]\nselect = ["RNN101"]\n',
            "rnncheck.toml": 'select = ["RNN202"]\n',
            "m.py": THREE_KINDS,
        },
    )
    assert codes(rnncheck("--output-format", "json")) == [("m.py", "RNN202")]


def test_explicit_config(rnncheck, project):
    write(project, {"conf/strict.toml": 'select = ["RNN201"]\n', "m.py": THREE_KINDS})
    run = rnncheck("--output-format", "json", "--config", "conf/strict.toml")
    assert codes(run) == [("m.py", "RNN201")]


def test_command_line_select_replaces_the_configured_one(rnncheck, project):
    write(
        project,
        {"rnncheck.toml": 'select = ["RNN101"]\nignore = ["RNN202"]\n', "m.py": THREE_KINDS},
    )
    assert codes(rnncheck("--output-format", "json", "--select", "RNN2")) == [
        ("m.py", "RNN201"),
        ("m.py", "RNN202"),
    ]
    assert codes(rnncheck("--output-format", "json", "--extend-select", "RNN201")) == [
        ("m.py", "RNN101"),
        ("m.py", "RNN201"),
    ]


def test_exclude_and_extend_exclude(rnncheck, project):
    files = {"a/m.py": FINDING, "b/m.py": FINDING, "build/m.py": FINDING, "c.py": FINDING}
    write(project, {**files, "rnncheck.toml": 'extend-exclude = ["a", "*.py"]\n'})
    assert codes(rnncheck("--output-format", "json")) == []
    (project / "rnncheck.toml").write_text('extend-exclude = ["a/*"]\n')
    assert codes(rnncheck("--output-format", "json")) == [("m.py", "RNN101"), ("c.py", "RNN101")]
    (project / "rnncheck.toml").write_text('exclude = ["b"]\n')
    found = [f["filename"] for f in json.loads(rnncheck("--output-format", "json").out)]
    assert [str(Path(f).relative_to(project)) for f in found] == ["a/m.py", "build/m.py", "c.py"]


def test_command_line_exclude(rnncheck, project):
    write(project, {"a/m.py": FINDING, "b/m.py": FINDING})
    run = rnncheck("--output-format", "concise", "--quiet", "--extend-exclude", "b")
    assert run.out == "a/m.py:2:8: RNN101 An nn.LSTM is built.\n"


def test_per_file_ignores(rnncheck, project):
    write(
        project,
        {
            "pyproject.toml": '[tool.rnncheck.per-file-ignores]\n"tests/*" = ["RNN1"]\n'
            '"legacy.py" = ["RNN201", "RNN202"]\n',
            "tests/t.py": THREE_KINDS,
            "legacy.py": THREE_KINDS,
            "m.py": FINDING,
        },
    )
    assert codes(rnncheck("--output-format", "json")) == [
        ("legacy.py", "RNN101"),
        ("m.py", "RNN101"),
        ("t.py", "RNN201"),
        ("t.py", "RNN202"),
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        ("select = [", "is not valid TOML"),
        ('selekt = ["RNN1"]\n', "unknown option `selekt`"),
        ('select = "RNN1"\n', "`select` in the file must be a list of strings"),
        ('select = ["RNN7"]\n', "Unknown rule selector `RNN7` in `select` from"),
        ('[per-file-ignores]\n"x.py" = ["NOPE1"]\n', "`per-file-ignores` from"),
        ('exclude = ["[abc"]\n', "unclosed character class"),
    ],
)
def test_bad_configuration_exits_2(rnncheck, project, content, message):
    write(project, {"rnncheck.toml": content, "m.py": FINDING})
    run = rnncheck()
    assert run.code == 2
    assert message in run.err


def test_bad_pyproject_table_exits_2(rnncheck, project):
    write(project, {"pyproject.toml": "[tool]\nrnncheck = 3\n", "m.py": FINDING})
    run = rnncheck()
    assert run.code == 2
    assert "`tool.rnncheck` must be a table" in run.err


def test_defaults_without_a_file(tmp_path):
    found = config.find(str(tmp_path))
    assert (found.path, found.root, found.select, found.exclude) == (
        None,
        str(tmp_path),
        None,
        None,
    )
