"""What an `if` test tells each of its arms about values the code never fixes.

A test is read into a `Test`: its verdict when the code makes it certain, and the facts that
hold in the arm where it is true and in the arm where it is false. A fact is a flag's truth
(`if self.bidirectional:`, `if self.bidirectional == True:`), bounds on a size (`if
self.num_layers > 1:`, torch's own `num_layers >= 1` included), or, for `or`, that one of
several sets of facts holds. `refined`
turns the facts into what they settle about one RNN's layout: `if self.bidirectional or
self.num_layers > 1:` means several state rows, and its `else` one.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable
from dataclasses import replace

from rnncheck.layout import FEWEST_LAYERS, Layout

Facts = dict[Hashable, object]
"""A flag's key -> its truth; (BOUND, key) -> (lowest, highest) (None: open); (OTHER, key) ->
a number the size is not; (ANY, facts...) -> True: one of those sets of facts holds."""
Test = tuple[bool | None, Facts, Facts]
"""The verdict, the facts where the test is true, the facts where it is false."""

BOUND = "bound"
OTHER = "other"
ANY = "any"
UNDECIDED: Test = (None, {}, {})

COMPARE: dict[str, Callable[[int, int], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def known(verdict: bool) -> Test:
    return verdict, {}, {}


def flag(key: str, facts: Facts) -> Test:
    """A value named by `key` tested for truth, decided when the enclosing tests settle it."""
    if key in facts:
        return known(bool(facts[key]))
    return None, {key: True}, {key: False}


def negated(test: Test) -> Test:
    verdict, yes, no = test
    return (None if verdict is None else not verdict), no, yes


def either(left: Test, right: Test) -> Test:
    """`left or right`."""
    return negated(both(negated(left), negated(right)))


def both(left: Test, right: Test) -> Test:
    """`left and right`: where it is false, one of the two is."""
    (first, first_yes, first_no), (second, second_yes, second_no) = left, right
    if first is False or second is False:
        return known(False)
    if first is True:
        return right
    if second is True:
        return left
    return None, _conjunction(first_yes, second_yes), _disjunction(first_no, second_no)


def bounded(key: str, comparison: str, constant: int, facts: Facts) -> Test:
    """`key <comparison> constant` for a size named by `key`, decided when its known bounds
    settle it."""
    low, high = _bounds(facts, key)
    if comparison in ("==", "!="):
        same = {(BOUND, key): (constant, constant)}
        other = {(OTHER, key): constant}
        if _empty(_meet((low, high), (constant, constant))):
            return known(comparison == "!=")
        return (None, same, other) if comparison == "==" else (None, other, same)
    else:
        lowest = constant + 1 if comparison in (">", "<=") else constant  # of the upper side
        upper, lower = (lowest, None), (None, lowest - 1)
        yes, no = (upper, lower) if comparison[0] == ">" else (lower, upper)
    if _empty(_meet((low, high), yes)):
        return known(False)
    if _empty(_meet((low, high), no)):
        return known(True)
    return None, {(BOUND, key): yes}, {(BOUND, key): no}


def flag_equals(key: str, value: bool, facts: Facts) -> Test:
    """`key == value` (or `key is value`) for a flag named by `key` and a bool: where it holds,
    the flag has that truth; where it fails, nothing is sure (`2 == True` fails, and 2 is
    true). Decided false when the enclosing tests give the flag the other truth."""
    if key in facts and bool(facts[key]) is not value:
        return known(False)
    return None, {key: value}, {}


def refine(facts: Facts, learnt: Facts) -> Facts:
    """The facts of an arm: those around it and those its test adds (bounds intersected)."""
    merged = dict(facts)
    for key, value in learnt.items():
        known_value = merged.get(key)
        if isinstance(key, tuple) and key[0] == BOUND and known_value is not None:
            value = _meet(known_value, value)  # type: ignore[arg-type]
        merged[key] = value
    return merged


def refined(layout: Layout, facts: Facts, key: Callable[[str], str]) -> Layout:
    """The layout with what the facts settle: flags, the layer count, several rows."""
    if not facts:
        return layout
    changes: dict[str, object] = {
        name: facts[key(name)]
        for name in ("bidirectional", "batch_first")
        if getattr(layout, name) is None and key(name) in facts
    }
    if not isinstance(layout.num_layers, int):
        low, high = _bounds(facts, key("num_layers"))
        least = FEWEST_LAYERS
        if facts.get((OTHER, key("num_layers"))) == least and (low or least) == least:
            low = least + 1
        if (high is not None and high <= least) or (low is not None and low == high):
            changes["num_layers"] = max(high or least, least)
        elif low is not None and low > 1:
            changes["rows_at_least"] = 2
    settled = replace(layout, **changes) if changes else layout  # type: ignore[arg-type]
    if settled.several_state_rows is None and _several_either_way(settled, facts, key):
        settled = replace(settled, rows_at_least=2)
    return settled


def _several_either_way(layout: Layout, facts: Facts, key: Callable[[str], str]) -> bool:
    """Whether some `or` the arm rests on has several rows whichever of its sides holds."""
    for name, value in facts.items():
        if (
            isinstance(name, tuple)
            and name[0] == ANY
            and value is True
            and all(
                refined(layout, dict(alternative), key).several_state_rows
                for alternative in name[1:]
            )
        ):
            return True
    return False


def _bounds(facts: Facts, key: str) -> tuple[int | None, int | None]:
    return facts.get((BOUND, key), (None, None))  # type: ignore[return-value]


def _meet(
    first: tuple[int | None, int | None], second: tuple[int | None, int | None]
) -> tuple[int | None, int | None]:
    lows = [b for b in (first[0], second[0]) if b is not None]
    highs = [b for b in (first[1], second[1]) if b is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _empty(bounds: tuple[int | None, int | None]) -> bool:
    low, high = bounds
    return low is not None and high is not None and low > high


def _conjunction(first: Facts, second: Facts) -> Facts:
    return refine(first, second)


def _disjunction(first: Facts, second: Facts) -> Facts:
    """What holds where one of two sets of facts does: what both say alike, and the choice."""
    shared = {k: v for k, v in first.items() if second.get(k) == v}
    if first and second:
        shared[(ANY, tuple(first.items()), tuple(second.items()))] = True
    return shared
