"""The rule catalogue, in code order."""

from __future__ import annotations

from rnncheck.rules.base import Rule
from rnncheck.rules.bidirectional import BidirectionalFinalState, BidirectionalLastStep
from rnncheck.rules.dropout import DropoutSingleLayer
from rnncheck.rules.initial_state import InitialStateBatchFirst
from rnncheck.rules.linear_width import LinearWidthMismatch
from rnncheck.rules.lstm_state import LstmStateTupleIndexed
from rnncheck.rules.padding import PaddedLastStep
from rnncheck.rules.stacked_width import StackedWidthMismatch
from rnncheck.rules.state_index import StateIndexedBatchFirst, StateSlicedByLayers
from rnncheck.rules.state_reshape import (
    StateFlattenedPerSample,
    StateSqueezedWithSeveralRows,
    StateViewedDirectionsFirst,
)
from rnncheck.rules.time_axis import TimeIndexOnBatchAxis
from rnncheck.rules.unused_noqa import UnusedNoqa

ALL_RULES: tuple[type[Rule], ...] = (
    UnusedNoqa,
    TimeIndexOnBatchAxis,
    BidirectionalLastStep,
    PaddedLastStep,
    BidirectionalFinalState,
    LstmStateTupleIndexed,
    StateIndexedBatchFirst,
    StateFlattenedPerSample,
    StateViewedDirectionsFirst,
    StateSqueezedWithSeveralRows,
    StateSlicedByLayers,
    LinearWidthMismatch,
    StackedWidthMismatch,
    DropoutSingleLayer,
    InitialStateBatchFirst,
)


def by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in ALL_RULES}
