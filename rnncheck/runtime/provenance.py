"""Where a live tensor came from: which RNN call, which part of its result, in which layout.

The side table is keyed by tensor identity and holds only weak references, so tracking keeps
nothing alive; an entry leaves with its tensor. `follow` says what an operation does to a
tracked tensor's layout: keeps it, reorders its axes, or ends it (anything not listed).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from torch import Tensor

from rnncheck.layout import Layout, output_axes, state_axes

Part = Literal["output", "h_n", "c_n"]

KEEP = frozenset(
    {
        *("contiguous", "clone", "detach", "detach_", "to", "type", "type_as", "cpu", "cuda"),
        *("float", "double", "half", "bfloat16", "requires_grad_", "index_select"),
        *("dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d"),
        *("relu", "relu_", "relu6", "tanh", "tanh_", "sigmoid", "sigmoid_", "gelu", "elu"),
        *("elu_", "selu", "celu", "silu", "mish", "leaky_relu", "leaky_relu_", "hardtanh"),
        *("softplus", "softsign", "tanhshrink", "hardswish", "hardsigmoid", "logsigmoid"),
    }
)
"""Operations that keep a layout when they keep the shape: copies, casts, dropout, activations."""

REORDER = frozenset({"transpose", "swapaxes", "swapdims", "permute", "t", "movedim"})


@dataclass(frozen=True, eq=False)
class Source:
    """A checked RNN module: its layout, and the place in user code that built it."""

    layout: Layout
    built_at: str | None

    def describe(self) -> str:
        place = f"built at {self.built_at}" if self.built_at else "built before the checks began"
        return f"{self.layout.constructor()} ({place})"


@dataclass(eq=False)
class Call:
    """One checked call's results, and what user code has taken of them so far."""

    source: Source
    batch: int | None
    taken: dict[tuple[Part, str], set[Any]] = field(default_factory=dict)
    """Per part and axis, the constant indices taken of it (rows of h_n, steps of output)."""
    live: int = 0

    def take(self, part: Part, axis: str, index: Any) -> None:
        self.taken.setdefault((part, axis), set()).add(index)

    def took(self, part: Part, axis: str, index: Any) -> bool:
        return index in self.taken.get((part, axis), ())


@dataclass(frozen=True, eq=False)
class Trace:
    """A tensor's provenance. `axes` names its axes in order; `whole` is False once its feature
    axis was sliced; `lengths` are the sequences' lengths, sample by sample, in an output padded
    by pad_packed_sequence (None for any other tensor)."""

    call: Call
    part: Part
    axes: tuple[str, ...]
    whole: bool = True
    packed: bool = False
    lengths: tuple[int, ...] | None = None

    @property
    def shortest(self) -> int | None:
        """The shortest sequence's length in a padded output."""
        return min(self.lengths) if self.lengths else None

    @property
    def layout(self) -> Layout:
        return self.call.source.layout

    @property
    def batched(self) -> bool:
        return "batch" in self.axes

    @property
    def natural(self) -> bool:
        """Whether the axes are still in the order the RNN returned them."""
        batched = self.call.batch is not None
        if self.part == "output":
            return self.axes == output_axes(self.layout.batch_first, batched)
        return self.axes == state_axes(batched)

    def but(self, **changes: Any) -> Trace:
        return replace(self, **changes)


def result_traces(call: Call, packed: bool) -> dict[Part, Trace]:
    """The traces of a call's output, h_n and c_n, as the RNN returns them."""
    batched = call.batch is not None
    axes = ("steps", "features") if packed else output_axes(call.source.layout.batch_first, batched)
    states = state_axes(batched)
    return {
        "output": Trace(call, "output", axes or (), packed=packed),
        "h_n": Trace(call, "h_n", states),
        "c_n": Trace(call, "c_n", states),
    }


class Table:
    """Traces by tensor identity; an entry goes when its tensor is freed."""

    def __init__(self, released: Callable[[Call], None]) -> None:
        self._entries: dict[int, tuple[weakref.ref[Tensor], Trace]] = {}
        self._released = released

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, value: object) -> Trace | None:
        entry = self._entries.get(id(value))
        if entry is None or entry[0]() is not value:
            return None
        return entry[1]

    def put(self, tensor: Tensor, trace: Trace) -> None:
        key = id(tensor)
        old = self._entries.get(key)
        if old is not None and old[0]() is tensor:
            old[1].call.live -= 1
        trace.call.live += 1
        self._entries[key] = (weakref.ref(tensor, lambda _, key=key: self._drop(key)), trace)

    def clear(self) -> None:
        self._entries.clear()

    def _drop(self, key: int) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            call = entry[1].call
            call.live -= 1
            if call.live == 0:
                self._released(call)


def reordered(trace: Trace, name: str, args: tuple[Any, ...], rank: int) -> Trace | None:
    """The trace after a transpose or permute, or None when the arguments are not understood."""
    axes = list(trace.axes)
    if len(axes) != rank:
        return None
    try:
        if name == "t":
            order = list(range(rank))[::-1]
        elif name == "permute":
            dims = args[0] if len(args) == 1 and isinstance(args[0], tuple | list) else args
            order = [int(d) % rank for d in dims]
        elif name == "movedim":
            source, target = int(args[0]) % rank, int(args[1]) % rank
            order = [d for d in range(rank) if d != source]
            order.insert(target, source)
        else:
            first, second = int(args[0]) % rank, int(args[1]) % rank
            order = list(range(rank))
            order[first], order[second] = second, first
    except (TypeError, ValueError, IndexError):
        return None
    if sorted(order) != list(range(rank)):
        return None
    return trace.but(axes=tuple(axes[d] for d in order))
