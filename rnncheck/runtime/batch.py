"""One frame for every form an RNN input takes: plain, batch-first, unbatched or packed.

The reference, the contracts and `verify` all work on tensors brought to the same frame —
time-major, batched, padded, samples in the caller's order — so each of them is written once
instead of once per input form. `Batch` knows how to bring a tensor into the frame and back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import torch
from torch import Tensor
from torch.nn.utils.rnn import PackedSequence

from rnncheck.layout import Layout, Shapes

Form = Literal["batched", "unbatched", "packed"]


@dataclass(frozen=True, eq=False)
class Batch:
    """One call's input as the frame sees it.

    `batch` is None for unbatched 2-D input. For a PackedSequence, `lengths` holds each
    sample's number of valid steps, in the caller's order; padding steps are zero in the frame.
    """

    layout: Layout
    batch: int | None
    time: int
    packed: PackedSequence | None = None

    @classmethod
    def of(cls, layout: Layout, input: Tensor | PackedSequence) -> Batch:
        if isinstance(input, PackedSequence):
            return cls(layout, int(input.batch_sizes[0]), len(input.batch_sizes), input)
        if input.dim() == 2:
            return cls(layout, None, int(input.shape[0]))
        batch_axis, time_axis = (0, 1) if layout.batch_first else (1, 0)
        return cls(layout, int(input.shape[batch_axis]), int(input.shape[time_axis]))

    @property
    def form(self) -> Form:
        if self.packed is not None:
            return "packed"
        return "unbatched" if self.batch is None else "batched"

    @property
    def samples(self) -> int:
        """The batch axis of the frame: 1 for unbatched input."""
        return 1 if self.batch is None else self.batch

    @cached_property
    def shapes(self) -> Shapes:
        return self.layout.shapes(self.batch, self.time)

    @cached_property
    def _sorted_valid(self) -> Tensor:
        assert self.packed is not None
        steps = torch.arange(self.samples).unsqueeze(0)
        return steps < self.packed.batch_sizes.unsqueeze(1)

    @cached_property
    def valid(self) -> Tensor | None:
        """(time, batch) booleans: which steps are real. None when every step is."""
        if self.packed is None:
            return None
        return self._in_caller_order(self._sorted_valid.to(self.packed.data.device), axis=1)

    @cached_property
    def lengths(self) -> Tensor | None:
        """Each sample's number of valid steps (caller's order), or None when all are `time`."""
        valid = self.valid
        return None if valid is None else valid.sum(0)

    def frame(self, sequence: Tensor | PackedSequence) -> Tensor:
        """The input or an output of this call as (time, batch, features), padding zeroed."""
        if isinstance(sequence, PackedSequence):
            sorted_valid = self._sorted_valid.to(sequence.data.device)
            padded = sequence.data.new_zeros(*sorted_valid.shape, sequence.data.shape[-1])
            padded[sorted_valid] = sequence.data
            return self._in_caller_order(padded, axis=1)
        if self.batch is None:
            return sequence.unsqueeze(1)
        return sequence.transpose(0, 1) if self.layout.batch_first else sequence

    def unframe(self, frame: Tensor) -> Tensor | PackedSequence:
        """An output in the frame, returned to the form torch gives it for this input."""
        if self.packed is not None:
            sorted_frame = self._in_sorted_order(frame, axis=1)
            data = sorted_frame[self._sorted_valid.to(frame.device)]
            packed = self.packed
            return PackedSequence(
                data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices
            )
        if self.batch is None:
            return frame.squeeze(1)
        return frame.transpose(0, 1) if self.layout.batch_first else frame

    def state_frame(self, state: Tensor) -> Tensor:
        """h or c as (layers*directions, batch, width)."""
        return state.unsqueeze(1) if self.batch is None else state

    def unframe_state(self, state: Tensor) -> Tensor:
        return state.squeeze(1) if self.batch is None else state

    def last_steps(self, frame: Tensor) -> Tensor:
        """(batch, features): each sample's last valid step of an output in the frame."""
        lengths = self.lengths
        if lengths is None:
            return frame[-1]
        return frame[lengths - 1, torch.arange(frame.shape[1], device=frame.device)]

    def _in_caller_order(self, tensor: Tensor, axis: int) -> Tensor:
        indices = None if self.packed is None else self.packed.unsorted_indices
        return tensor if indices is None else tensor.index_select(axis, indices)

    def _in_sorted_order(self, tensor: Tensor, axis: int) -> Tensor:
        indices = None if self.packed is None else self.packed.sorted_indices
        return tensor if indices is None else tensor.index_select(axis, indices)
