"""The command line: each option, the exit status, subcommands, and files that cannot be checked."""

from __future__ import annotations

import gc
import json
import sys
import types
from pathlib import Path

import pytest

from rnncheck import __version__, cli, runner

from .conftest import CLEAN, FINDING, write


def test_clean_files_exit_0(rnncheck, project):
    write(project, {"clean.py": CLEAN})
    run = rnncheck()
    assert (run.code, run.out) == (0, "All checks passed!\n")


def test_findings_exit_1(rnncheck, project):
    write(project, {"model.py": FINDING})
    run = rnncheck("--output-format", "concise")
    assert run.code == 1
    assert run.out == "model.py:2:8: RNN101 An nn.LSTM is built.\nFound 1 error.\n"


def test_exit_zero_keeps_the_report(rnncheck, project):
    write(project, {"model.py": FINDING})
    run = rnncheck("--exit-zero", "--output-format", "concise")
    assert run.code == 0
    assert "RNN101" in run.out


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--select", "RNN3"], "Unknown rule selector `RNN3` in `select` from the command line"),
        (["--ignore", "XYZ1"], "Unknown rule selector `XYZ1` in `ignore` from the command line"),
        (["missing.py"], "path does not exist: missing.py"),
        (["--config", "absent.toml"], "cannot read"),
    ],
)
def test_usage_errors_exit_2_with_one_line(rnncheck, project, arguments, message):
    write(project, {"model.py": FINDING})
    run = rnncheck(*arguments)
    assert run.code == 2
    assert message in run.err
    assert run.out == ""


@pytest.mark.parametrize("arguments", [["--output-format", "xml"], ["--jobs", "0"], ["--bogus"]])
def test_bad_options_exit_2(rnncheck, arguments):
    with pytest.raises(SystemExit) as stopped:
        rnncheck(*arguments)
    assert stopped.value.code == 2


def test_version(rnncheck, capsys):
    with pytest.raises(SystemExit) as stopped:
        rnncheck("--version")
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"rnncheck {__version__}\n"


def test_default_path_is_the_current_folder(rnncheck, project):
    write(project, {"a/model.py": FINDING, "b/model.py": FINDING})
    run = rnncheck("--output-format", "concise", "--quiet")
    assert run.out == "a/model.py:2:8: RNN101 An nn.LSTM is built.\n" + (
        "b/model.py:2:8: RNN101 An nn.LSTM is built.\n"
    )


def test_select_ignore_and_extend_select(rnncheck, project):
    write(project, {"model.py": FINDING + "gru = nn.GRU(8, 16)\ncell = nn.RNN(8, 16)\n"})

    def codes(*arguments: str) -> list[str]:
        run = rnncheck("--output-format", "json", *arguments)
        return [finding["code"] for finding in json.loads(run.out)]

    assert codes() == ["RNN101", "RNN201", "RNN202"]
    assert codes("--select", "RNN2") == ["RNN201", "RNN202"]
    assert codes("--select", "RNN101", "--extend-select", "RNN202") == ["RNN101", "RNN202"]
    assert codes("--ignore", "RNN2,RNN101") == []
    assert codes("--select", "RNN201", "--ignore", "RNN2") == ["RNN201"]
    assert codes("--select", "ALL", "--ignore", "RNN201") == ["RNN101", "RNN202"]
    assert codes("--select", "RNN1", "--select", "RNN202") == ["RNN101", "RNN202"]


def test_quiet_prints_findings_only(rnncheck, project):
    write(project, {"clean.py": CLEAN})
    assert rnncheck("--quiet").out == ""


def test_verbose_reports_on_stderr(rnncheck, project):
    write(project, {"clean.py": CLEAN})
    run = rnncheck("--verbose")
    assert run.out == "All checks passed!\n"
    assert "checked 1 files" in run.err


def test_no_python_files_is_a_warning_not_an_error(rnncheck, project):
    write(project, {"notes.txt": "lstm"})
    run = rnncheck()
    assert run.code == 0
    assert "No Python files found" in run.err


def test_statistics_count_per_code(rnncheck, project):
    write(project, {"a.py": FINDING * 2, "b.py": FINDING})
    run = rnncheck("--statistics")
    assert run.code == 1
    assert run.out == "3\tRNN101\tfake-lstm\nFound 3 errors.\n"


def test_statistics_as_json(rnncheck, project):
    write(project, {"a.py": FINDING})
    run = rnncheck("--statistics", "--output-format", "json")
    assert json.loads(run.out) == [
        {"code": "RNN101", "name": "fake-lstm", "count": 1, "fixable": False, "fixable_count": 0}
    ]


def test_github_format(rnncheck, project):
    write(project, {"model.py": FINDING})
    run = rnncheck("--output-format", "github")
    path = project / "model.py"
    assert run.out == (
        f"::error title=rnncheck (RNN101),file={path},line=2,col=8,endLine=2,endColumn=22::"
        "model.py:2:8: RNN101 An nn.LSTM is built.\n"
    )


def test_syntax_error_is_reported_and_the_run_goes_on(rnncheck, project):
    write(project, {"broken.py": "lstm = (\n", "model.py": FINDING})
    run = rnncheck("--output-format", "json")
    found = json.loads(run.out)
    assert run.code == 1
    assert [(Path(f["filename"]).name, f["code"]) for f in found] == [
        ("broken.py", "RNN000"),
        ("model.py", "RNN101"),
    ]
    assert found[0]["message"].startswith("SyntaxError")
    assert found[0]["name"] == "unchecked-file"


def test_undecodable_file_is_reported(rnncheck, project):
    write(project, {"latin.py": "lstm = 'caf\xe9'\n".encode("latin-1")})
    run = rnncheck("--output-format", "concise", "--quiet")
    assert run.code == 1
    assert run.out.startswith("latin.py:1:1: RNN000 File is not valid UTF-8")


def test_a_coding_cookie_decodes_the_file_and_columns_count_its_characters(rnncheck, project):
    text = "# -*- coding: latin-1 -*-\nimport torch.nn as nn\né = 1; lstm = nn.LSTM(8, 16)\n"
    write(project, {"latin.py": text.encode("latin-1")})
    run = rnncheck("--output-format", "concise", "--quiet")
    assert run.out == "latin.py:3:15: RNN101 An nn.LSTM is built.\n"


def test_an_unknown_coding_cookie_is_reported(rnncheck, project):
    write(project, {"klingon.py": b"# coding: klingon\nlstm = 1\n"})
    run = rnncheck("--output-format", "concise", "--quiet")
    assert run.out == "klingon.py:1:1: RNN000 Unknown encoding in the coding cookie: `klingon`\n"


def test_empty_file_is_clean(rnncheck, project):
    write(project, {"empty.py": "", "blank.pyi": "\n"})
    run = rnncheck()
    assert (run.code, run.out) == (0, "All checks passed!\n")


def test_byte_order_mark_keeps_columns(rnncheck, project):
    write(project, {"bom.py": b"\xef\xbb\xbf" + FINDING.encode()})
    run = rnncheck("--output-format", "concise", "--quiet")
    assert run.out == "bom.py:2:8: RNN101 An nn.LSTM is built.\n"


def test_byte_order_mark_in_full_output(rnncheck, project):
    write(project, {"bom.py": b"\xef\xbb\xbf" + FINDING.encode()})
    assert rnncheck().out.splitlines()[1:4] == [
        " --> bom.py:2:8",
        "  |",
        "1 | import torch.nn as nn",
    ]


def test_unreadable_file_is_reported(rnncheck, project):
    write(project, {"model.py": FINDING})
    (project / "dangling.py").symlink_to(project / "nowhere.py")
    run = rnncheck("--output-format", "concise", "--quiet")
    assert run.code == 1
    assert run.out.splitlines() == [
        "dangling.py:1:1: RNN000 Cannot read file: No such file or directory",
        "model.py:2:8: RNN101 An nn.LSTM is built.",
    ]


def test_internal_error_is_a_finding_and_exit_2(rnncheck, project):
    write(project, {"a.py": FINDING + "explode = nn.RNN(1, 2)\n", "b.py": FINDING})
    run = rnncheck("--output-format", "concise", "--quiet")
    assert run.code == 2
    assert run.out.splitlines() == [
        "a.py:1:1: RNN000 internal error while checking this file: RuntimeError: boom",
        "b.py:2:8: RNN101 An nn.LSTM is built.",
    ]


def test_internal_error_is_exit_2_even_with_exit_zero(rnncheck, project):
    write(project, {"a.py": FINDING + "explode = nn.RNN(1, 2)\n"})
    assert rnncheck("--exit-zero").code == 2


def test_rule_page(rnncheck):
    from .fake_rules import GruBuilt

    run = rnncheck("rule", "RNN201")
    assert (run.code, run.out) == (0, GruBuilt.page())


def test_rule_all_prints_every_page_in_order(rnncheck):
    run = rnncheck("rule", "--all")
    titles = [line for line in run.out.splitlines() if line.startswith("# ")]
    assert titles == [
        "# unused-noqa (RNN100)",
        "# fake-lstm (RNN101)",
        "# fake-gru (RNN201)",
        "# fake-rnn (RNN202)",
        "# fake-crash (RNN901)",
    ]


def test_rule_unknown_code_exit_2(rnncheck):
    run = rnncheck("rule", "RNN999")
    assert run.code == 2
    assert "unknown rule code `RNN999`" in run.err


def test_explain_is_handed_its_arguments(rnncheck, monkeypatch):
    received = []
    fake = types.ModuleType("rnncheck.explain")
    fake.main = lambda argv: received.append(argv) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rnncheck.explain", fake)
    monkeypatch.setattr("rnncheck.explain", fake, raising=False)
    assert rnncheck("explain", "nn.LSTM(8, 16)", "--x").code == 0
    assert received == [["nn.LSTM(8, 16)", "--x"]]


def test_a_file_named_rule_is_a_path(rnncheck, project):
    write(project, {"rule.py": FINDING, "rule/model.py": FINDING})
    assert "rule.py:2:8: RNN101" in rnncheck("--output-format", "concise", "rule.py").out
    assert "rule/model.py:2:8" in rnncheck("--output-format", "concise", "./rule").out


def test_a_check_collects_cycles_rarely_and_leaves_the_collector_as_it_was(
    rnncheck, project, monkeypatch
):
    seen: list[tuple[int, ...]] = []
    check_files = runner.check_files
    monkeypatch.setattr(
        runner,
        "check_files",
        lambda *a, **k: seen.append(gc.get_threshold()) or check_files(*a, **k),
    )
    before = gc.get_threshold()
    write(project, {"model.py": FINDING})
    assert rnncheck("--no-cache").code == 1
    assert seen == [(runner.YOUNG_OBJECTS, *before[1:])]
    assert gc.get_threshold() == before


@pytest.mark.parametrize(
    ("arguments", "walks"), [((), 1), (("pkg",), 2), (("--force-exclude", "."), 2)]
)
def test_the_project_is_walked_once_when_its_root_is_the_folder_checked(
    rnncheck, project, monkeypatch, arguments, walks
):
    write(project, {"pyproject.toml": "", "pkg/model.py": FINDING, "train.py": CLEAN})
    walked: list[tuple[str, ...]] = []
    found = cli.python_files
    monkeypatch.setattr(
        cli, "python_files", lambda paths, *rest: walked.append(tuple(paths)) or found(paths, *rest)
    )
    seen: list[list[str]] = []
    check_files = runner.check_files
    monkeypatch.setattr(
        runner, "check_files", lambda *a, **k: seen.append(sorted(a[5])) or check_files(*a, **k)
    )
    assert rnncheck("--no-cache", *arguments).code == 1
    assert len(walked) == walks
    assert seen == [[str(project / "pkg" / "model.py"), str(project / "train.py")]]
