"""pytest plugin: `pytest --rnncheck` checks every RNN call of the session, the marker one test's.

A misuse of an RNN's results fails the test it happens in (`misuse="error"`), unless the
marker asks otherwise (`@pytest.mark.rnncheck(misuse="warn")`).

pytest loads this module in every session of anyone who installs rnncheck, so it imports
neither torch nor rnncheck's runtime until a test asks for the checks.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

MARKER = "rnncheck"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("rnncheck").addoption(
        "--rnncheck",
        action="store_true",
        help="check every torch RNN, LSTM and GRU call, and how its results are used",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): check every RNN call in this test; options as rnncheck.checking()",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    marker = item.get_closest_marker(MARKER)
    if marker is None and not item.config.getoption("rnncheck"):
        return (yield)
    from rnncheck.runtime.checking import checking

    options = {"misuse": "error", **(marker.kwargs if marker is not None else {})}
    with checking(**options):
        return (yield)
