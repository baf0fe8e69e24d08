"""`# noqa`: which comments silence which findings, and the law that noqa never adds one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rnncheck.finding import Finding
from rnncheck.noqa import codes_on, suppress

from .conftest import write


def finding(row: int, code: str = "RNN201") -> Finding:
    return Finding("m.py", row, 1, code, "message", row, 2)


def test_comment_forms():
    assert codes_on("x = 1") is None
    assert codes_on("x = 1  # noqa") == frozenset()
    assert codes_on("x = 1  #noqa") == frozenset()
    assert codes_on("x = 1  # NoQA") == frozenset()
    assert codes_on("x = 1  # noqa: RNN201") == {"RNN201"}
    assert codes_on("x = 1  # noqa:RNN201,RNN101") == {"RNN201", "RNN101"}
    assert codes_on("x = 1  # noqa: RNN201 RNN101, RNN102") == {"RNN201", "RNN101", "RNN102"}
    assert codes_on("x = 1  # noqa: rnn201") == {"RNN201"}
    assert codes_on("x = 1  # noqa: RNN201 because the layout is checked") == {"RNN201"}


def test_an_unreadable_code_list_is_a_bare_noqa_as_in_flake8():
    assert codes_on("x = 1  # noqa: see below") == frozenset()


def test_bare_noqa_silences_every_code_on_its_line_only():
    text = "a = 1  # noqa\nb = 2\n"
    kept = suppress([finding(1, "RNN101"), finding(1, "RNN201"), finding(2)], text)
    assert kept == [finding(2)]


def test_coded_noqa_silences_only_its_codes():
    text = "a = 1  # noqa: RNN101, RNN202\n"
    assert suppress([finding(1, "RNN101"), finding(1, "RNN201")], text) == [finding(1, "RNN201")]


def test_multiline_finding_is_silenced_from_its_first_line():
    text = "x = f(  # noqa: RNN201\n    1,\n)\ny = g(\n    2,\n)  # noqa: RNN201\n"
    first = Finding("m.py", 1, 5, "RNN201", "m", 3, 2)
    second = Finding("m.py", 4, 5, "RNN201", "m", 6, 2)
    assert suppress([first, second], text) == [second]


def test_rows_count_as_the_parser_counts_them():
    text = "a = 1\x0c  # form feed is not a line break\nb = 2  # noqa\n"
    assert suppress([finding(2)], text) == []
    assert suppress([finding(1)], text) == [finding(1)]


def test_noqa_through_the_command_line(rnncheck, project):
    write(
        project,
        {
            "m.py": "import torch.nn as nn\n"
            "a = nn.LSTM(1, 2)  # noqa\n"
            "b = nn.LSTM(1, 2)  # noqa: RNN201\n"
            "c = nn.LSTM(1, 2)  # NOQA:RNN101\n"
        },
    )
    run = rnncheck("--output-format", "concise", "--quiet")
    assert run.out == "m.py:3:5: RNN101 An nn.LSTM is built.\n"


lines = st.lists(
    st.sampled_from(
        ["x = 1", "# noqa", "y  # noqa: RNN101", "z  # NOQA:RNN201,RNN101", "w  #noqa: bad", ""]
    )
    | st.text(alphabet=st.sampled_from("#noqa: RNN0123,\t\r\n\x0cx"), max_size=20),
    max_size=8,
)
findings = st.lists(
    st.builds(
        Finding,
        path=st.just("m.py"),
        row=st.integers(1, 10),
        column=st.integers(1, 5),
        code=st.sampled_from(["RNN101", "RNN201", "RNN202"]),
        message=st.just("m"),
        end_row=st.integers(1, 12),
        end_column=st.integers(1, 6),
    ),
    max_size=10,
)


@given(lines, findings)
def test_noqa_never_adds_a_finding(text_lines, found):
    text = "\n".join(text_lines)
    kept = suppress(found, text)
    remaining = list(found)
    for item in kept:  # kept is a subsequence of found: same findings, same order
        while remaining and remaining[0] is not item:
            remaining.pop(0)
        assert remaining, f"{item} was not among the findings"
        remaining.pop(0)
    assert len(kept) <= len(found)
    assert suppress(found, "") == found


UNUSED_NOQA = (
    "import torch.nn as nn\n"
    "a = nn.LSTM(1, 2)  # noqa: RNN101, RNN202\n"
    "b = nn.GRU(1, 2)  # noqa: RNN201, E501\n"
    "c = nn.GRU(1, 2)  # NOQA:RNN999 because\n"
    "# noqa: RNN101\n"
    "d = nn.LSTM(1, 2)  # noqa\n"
)


def test_unused_noqa_codes_are_reported_only_when_selected(rnncheck, project):
    write(project, {"m.py": UNUSED_NOQA})
    assert "RNN100" not in rnncheck("--output-format", "concise").out
    run = rnncheck("--output-format", "concise", "-q", "--extend-select", "RNN100")
    assert run.out.splitlines() == [
        "m.py:2:20: RNN100 [*] Unused `noqa` directive (unused: `RNN202`)",
        "m.py:4:5: RNN201 An nn.GRU is built.",
        "m.py:4:19: RNN100 [*] Unused `noqa` directive (unknown: `RNN999`)",
        "m.py:5:1: RNN100 [*] Unused `noqa` directive (unused: `RNN101`)",
    ]
    assert "non-enabled: `RNN101`" in rnncheck("--select", "RNN100,RNN2").out


def test_fixing_unused_noqa_keeps_the_rest_of_each_comment(rnncheck, project):
    write(project, {"m.py": UNUSED_NOQA})
    rnncheck("--fix", "--select", "RNN100")
    assert (project / "m.py").read_text() == (
        "import torch.nn as nn\n"
        "a = nn.LSTM(1, 2)\n"
        "b = nn.GRU(1, 2)  # noqa: E501\n"
        "c = nn.GRU(1, 2)  # because\n"
        "d = nn.LSTM(1, 2)  # noqa\n"
    )
