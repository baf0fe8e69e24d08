"""What an `if` test tells each arm: `not`, `and`, `or` and comparisons of sizes with numbers."""

from __future__ import annotations

import pytest

from rnncheck import conditions
from tests.helpers import check, rows

MODEL = """\
from torch import nn


class M(nn.Module):
    def __init__(self, layers, bidirectional):
        super().__init__()
        self.num_layers = layers
        self.bidirectional = bidirectional
        self.rnn = nn.GRU(8, 16, layers, bidirectional=bidirectional)

    def forward(self, x):
        _, h = self.rnn(x)
        if {test}:
            return h.squeeze(0)
        return h.squeeze(0)
"""
"""The arm's `squeeze(0)` is line 14, the one after it line 15."""


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        ("self.bidirectional or self.num_layers > 1", [14]),
        ("self.num_layers > 1 or self.bidirectional", [14]),
        ("self.rnn.bidirectional or self.rnn.num_layers >= 2", [14]),
        ("self.num_layers != 1 and self.bidirectional", [14]),
        ("not (self.bidirectional or self.num_layers > 1)", [15]),
        ("not self.bidirectional and self.num_layers == 1", [15]),
        ("self.num_layers < 2 and not self.bidirectional", [15]),
        ("1 >= self.num_layers and not self.bidirectional", [15]),
        ("self.num_layers == 1", [15]),  # num_layers != 1 is two layers or more
        ("self.num_layers == 3", [14]),
        ("self.bidirectional == True", [14]),
        ("True is self.bidirectional or self.num_layers > 1", [14]),
        ("self.bidirectional != True", [15]),
        ("self.bidirectional is not True", [15]),
    ],
)
def test_a_test_that_means_several_rows_or_one(test: str, expected: list[int]) -> None:
    assert rows(MODEL.format(test=test), "RNN206") == expected


@pytest.mark.parametrize(
    ("test", "fixed"),
    [
        ("self.bidirectional or self.num_layers > 1", False),  # either may hold
        ("self.num_layers > 1 and not self.bidirectional", True),
        ("self.bidirectional", False),
    ],
)
def test_an_arm_is_fixed_only_when_each_case_it_allows_has_the_same_fix(
    test: str, fixed: bool
) -> None:
    """`h[-1]` is the last layer only of a unidirectional RNN: in an `or` arm that allows a
    bidirectional one, the finding stays (several rows either way) but carries no fix."""
    (finding,) = check(MODEL.format(test=test), "RNN206")
    assert finding.row == 14
    assert (finding.fix is not None) is fixed


@pytest.mark.parametrize(
    "test",
    [
        "self.bidirectional or other",
        "self.num_layers > 0",
        "self.bidirectional and self.num_layers > 1 or flag",
        "self.num_layers > self.depth",
        "self.bidirectional != False",
        "self.bidirectional == False and self.num_layers == 1",  # failing: None is not False
        "self.bidirectional == 2",
    ],
)
def test_a_test_that_leaves_the_rows_open_stays_quiet(test: str) -> None:
    assert check(MODEL.format(test=test)) == []


def test_tests_of_known_values_choose_the_arm() -> None:
    source = """\
    from torch import nn

    LAYERS = 2
    gru = nn.GRU(4, 8, LAYERS)
    _, h = gru(x)
    if LAYERS > 1 and not False:
        y = h[-1]
    else:
        y = h.squeeze(0)
    z = h.squeeze(0) if LAYERS == 1 else h[-1]
    """
    assert check(source) == []


def test_bounds_meet_and_decide_inner_tests() -> None:
    facts = conditions.refine({}, {(conditions.BOUND, "k"): (2, None)})
    facts = conditions.refine(facts, {(conditions.BOUND, "k"): (None, 5)})
    assert facts == {(conditions.BOUND, "k"): (2, 5)}
    assert conditions.bounded("k", "<", 2, facts)[0] is False
    assert conditions.bounded("k", ">", 1, facts)[0] is True
    assert conditions.bounded("k", ">", 3, facts)[0] is None


def test_a_flag_compared_with_the_other_bool_inside_its_own_test_is_decided() -> None:
    source = MODEL.format(test="self.bidirectional").replace(
        "            return h.squeeze(0)\n        return",
        "            if self.bidirectional == False:\n                return h.squeeze(0)\n"
        "            return h[-1]\n        return",
    )
    assert rows(source, "RNN206") == []  # the inner arm is dead: the flag is true there
    assert rows(source, "RNN201") == [16]
