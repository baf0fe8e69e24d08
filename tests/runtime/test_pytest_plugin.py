"""The pytest plugin: --rnncheck for a whole session, the rnncheck marker for single tests.

Each inner session runs in a subprocess, as a user's would: in-process, pytester unloads the
modules an inner session imported first, and torch cannot be imported twice in one process.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = """
import pytest
import torch
from torch import nn


class SwappedGRU(nn.GRU):
    def forward(self, input, hx=None):
        output, h_n = super().forward(input, hx)
        return output.flip(-1), h_n


def run_broken():
    SwappedGRU(3, 4, bidirectional=True)(torch.randn(5, 2, 3))


def test_fine():
    nn.LSTM(3, 4, bidirectional=True)(torch.randn(5, 2, 3))


def test_broken():
    run_broken()


@pytest.mark.rnncheck
def test_marked():
    run_broken()


@pytest.mark.rnncheck(equivalences=False)
def test_marked_without_equivalences():
    run_broken()
"""


def test_the_option_checks_every_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_rnns=TESTS)
    result = pytester.runpytest_subprocess("--rnncheck", "--strict-markers")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "FAILED test_rnns.py::test_broken - rnncheck.runtime.contracts.RNNContract*",
            "FAILED test_rnns.py::test_marked - rnncheck.runtime.contracts.RNNContract*",
        ]
    )
    assert "h_n[-2]" in result.stdout.str()


def test_the_marker_checks_one_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_rnns=TESTS)
    result = pytester.runpytest_subprocess("--strict-markers")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["FAILED test_rnns.py::test_marked - *RNNContract*"])


def test_the_marker_is_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.rnncheck(**options): check every RNN call*"])
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--rnncheck*"])


def test_loading_the_plugin_does_not_import_torch(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_light="""
        import sys

        def test_torch_is_not_loaded(request):
            assert request.config.pluginmanager.has_plugin("rnncheck")
            assert "torch" not in sys.modules
        """
    )
    pytester.runpytest_subprocess("-p", "no:pytester").assert_outcomes(passed=1)
