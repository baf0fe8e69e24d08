"""Under `pytest --rnncheck` or the marker, a misuse fails the test it happens in."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = """
import pytest
import torch
from torch import nn


def last_sample():
    out, _ = nn.GRU(3, 4, batch_first=True)(torch.randn(2, 5, 3))
    return out[-1]


def test_misuse():
    last_sample()


def test_right():
    out, _ = nn.GRU(3, 4, batch_first=True)(torch.randn(2, 5, 3))
    out[:, -1]


@pytest.mark.rnncheck
def test_marked():
    last_sample()


@pytest.mark.rnncheck(misuse="warn")
def test_marked_to_warn():
    with pytest.warns(UserWarning, match="RNN101"):
        last_sample()
"""


def test_the_option_fails_each_test_with_a_misuse(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_twin=TESTS)
    result = pytester.runpytest_subprocess("--rnncheck", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "FAILED test_twin.py::test_misuse - rnncheck.runtime.misuse.RNNMisuseError: RN*",
            "FAILED test_twin.py::test_marked - rnncheck.runtime.misuse.RNNMisuseError: RN*",
        ]
    )
    message = "RNNMisuseError: RNN101 `out[-1]` takes the last sample"
    # the failures' own lines ("E   ..."): the short summary is cut to the terminal's width unless CI is set
    assert sum(line.startswith("E ") and message in line for line in result.outlines) == 2


def test_without_the_option_only_the_marker_checks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_twin=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["FAILED test_twin.py::test_marked - *RNNMisuseError*"])
    assert "RNNMisuseError: RNN101 `out[-1]`" in result.stdout.str()
