"""The rule catalogue, in code order."""

from __future__ import annotations

from rnncheck.rules.base import Rule
from rnncheck.rules.bidirectional import BidirectionalFinalState, BidirectionalLastStep
from rnncheck.rules.dropout import DropoutSingleLayer
from rnncheck.rules.linear_width import LinearWidthMismatch
from rnncheck.rules.lstm_state import LstmStateTupleIndexed
from rnncheck.rules.time_axis import TimeIndexOnBatchAxis

ALL_RULES: tuple[type[Rule], ...] = (
    TimeIndexOnBatchAxis,
    BidirectionalLastStep,
    BidirectionalFinalState,
    LstmStateTupleIndexed,
    LinearWidthMismatch,
    DropoutSingleLayer,
)


def by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in ALL_RULES}
