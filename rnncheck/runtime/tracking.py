"""The runtime twin's eyes: a torch function mode that sees what user code does with RNN results.

It is pushed only inside the checks. Every torch operation passes through it and comes back
unchanged: the same tensor objects, computed by the same call. Only when the operation's tensor
is in the side table does it look further: it follows the provenance through the operation,
and, when user code itself made the operation, asks the rules. A misuse that a later use may
excuse waits until the outermost module call (or the checks) is over. Inside compiled regions
the mode does nothing.
"""

from __future__ import annotations

import sys
import weakref
from dataclasses import replace
from typing import Any

import torch
from torch import Tensor
from torch.nn.utils.rnn import PackedSequence
from torch.overrides import TorchFunctionMode

from rnncheck.layout import output_axes
from rnncheck.runtime import reads, twin
from rnncheck.runtime.eager import eager
from rnncheck.runtime.misuse import Place, Reporter, outside
from rnncheck.runtime.provenance import (
    KEEP,
    REORDER,
    Call,
    Source,
    Table,
    Trace,
    reordered,
    result_traces,
)

RESHAPES = frozenset({"view", "reshape"})


class Tracking(TorchFunctionMode):
    """Follows RNN results through torch operations and reports their misuse."""

    def __init__(self, reporter: Reporter) -> None:
        super().__init__()
        self.reporter = reporter
        self.table = Table(self._released)
        self.depth = 0
        self._pending: list[tuple[Call, twin.Misuse, Place, bool]] = []
        """Misuses that a later use may excuse: (call, misuse, place, made inside a module call)."""
        self._watches: dict[int, reads.Watch] = {}
        """The results of reported subscripts, by identity, while their misuses wait."""
        self._follow = eager(self._follow)  # type: ignore[method-assign]
        self._released_calls: set[Call] = set()

    def __torch_function__(
        self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None
    ) -> Any:
        result = func(*args, **kwargs) if kwargs else func(*args)
        if self._watches:
            self._see_uses(func, args, kwargs or {})
        if args and self.table:
            trace = self.table.get(args[0])
            if trace is not None:
                self._follow(func.__name__, trace, args, kwargs or {}, result, sys._getframe(1))
        return result

    def built(self, source: Source, place: Place) -> None:
        """An RNN is built (or first called, when built before the checks) at `place`."""
        for misuse in twin.built(source):
            self.reporter.report(misuse.code, misuse.message, place)

    def track(self, source: Source, input: Any, result: Any) -> None:
        """Give a checked call's output, h_n and c_n their provenance."""
        self._settle_released()
        if not isinstance(result, tuple) or len(result) != 2:
            return
        output, hidden = result
        packed = isinstance(output, PackedSequence)
        if packed:
            batch: int | None = int(input.batch_sizes[0])
        else:
            batch = (
                None
                if input.dim() == 2
                else int(input.shape[0 if source.layout.batch_first else 1])
            )
        call = Call(source, batch)
        traces = result_traces(call, packed)
        states = hidden if isinstance(hidden, tuple) else (hidden,)
        for part, tensor in zip(("output", "h_n", "c_n"), (output, *states), strict=False):
            tensor = tensor.data if isinstance(tensor, PackedSequence) else tensor
            if isinstance(tensor, Tensor):
                self.table.put(tensor, traces[part])

    def entered(self) -> None:
        self.depth += 1

    def left(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self._pending:
            self.settle(inside=True)

    def settle(self, calls: set[Call] | None = None, *, inside: bool = False) -> None:
        """Report the waiting misuses that nothing since has excused: those of `calls`, or
        those made inside module calls, or all."""
        waiting = [
            entry
            for entry in self._pending
            if (calls is None or entry[0] in calls) and (entry[3] or not inside)
        ]
        self._pending = [entry for entry in self._pending if entry not in waiting]
        for _, misuse, place, _ in waiting:
            assert misuse.excused is not None
            if not misuse.excused():
                self.reporter.report(misuse.code, misuse.message, place)
        if self._watches and not self._pending:
            self._watches.clear()

    def stop(self) -> None:
        """Forget every tracked tensor (the checks are over)."""
        self.table.clear()
        self._released_calls.clear()
        self._watches.clear()

    def _see_uses(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Note how a watched result enters an operation: read for its shape, or used."""
        read = reads.shape_read(func, args, kwargs)
        for value in (*args, *kwargs.values()):
            for tensor in value if isinstance(value, list | tuple) else (value,):
                watch = self._watches.get(id(tensor)) if isinstance(tensor, Tensor) else None
                if watch is None or watch.tensor() is not tensor:
                    continue
                if read is not None and tensor is args[0]:
                    watch.reads.append(read)
                elif not watch.used:
                    watch.used = True
                    self._report_waiting(watch)

    def _report_waiting(self, watch: reads.Watch) -> None:
        """A watched result's values are used: what only a shape read could excuse is due."""
        due = [entry for entry in self._pending if any(entry[1] is m for m in watch.waiting)]
        self._pending = [entry for entry in self._pending if entry not in due]
        for _, misuse, place, _ in due:
            self.reporter.report(misuse.code, misuse.message, place)

    def _follow(
        self,
        name: str,
        trace: Trace,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        result: Any,
        frame: Any,
    ) -> None:
        tensor: Tensor = args[0]
        place = Place(frame) if outside(frame) else None
        if name == "__getitem__":
            chosen = twin.items(args[1], tensor.dim())
            if chosen is None:
                return
            if place is not None:
                shape = tuple(tensor.shape)
                found = twin.selected(trace, chosen, shape, place)
                if twin.OTHER in chosen:
                    found += twin.gathered(trace, args[1], shape, place)
                self._judge(trace.call, found, place, result)
            self._keep_slices(trace, chosen, result)
        elif name == "gather":
            given = dict(enumerate(args[1:])) | kwargs
            if place is not None:
                dim, index = given.get("dim", given.get(0)), given.get("index", given.get(1))
                misuses = twin.gathered_along(trace, dim, index, tuple(tensor.shape), place)
                self._judge(trace.call, misuses, place, result)
        elif name in RESHAPES:
            sizes = _sizes(args[1:] or tuple(kwargs.values()))
            if sizes is not None and place is not None:
                self._judge(trace.call, twin.reshaped(trace, name, sizes, place), place)
            self._keep_shape(trace, tensor, result)
        elif name == "squeeze":
            dims = _sizes(args[1:] or tuple(kwargs.values()))
            if dims == (0,) and place is not None:
                self._judge(trace.call, twin.squeezed(trace, place), place)
            self._keep_shape(trace, tensor, result)
        elif name in REORDER and isinstance(result, Tensor):
            moved = reordered(trace, name, args[1:] or tuple(kwargs.values()), tensor.dim())
            if moved is not None:
                self.table.put(result, moved)
        elif name == "_pad_packed_sequence" and trace.packed:
            batch_first = bool(args[2] if len(args) > 2 else kwargs.get("batch_first", False))
            padded, lengths = result
            axes = output_axes(batch_first) or ()
            known = tuple(int(n) for n in lengths.tolist())
            self.table.put(padded, trace.but(axes=axes, packed=False, lengths=known))
        elif name == "index_select" and trace.lengths is not None:
            self._reorder_samples(trace, args[1:] or tuple(kwargs.values()), tensor, result)
        elif name in KEEP:
            self._keep_shape(trace, tensor, result)

    def _reorder_samples(
        self, trace: Trace, args: tuple[Any, ...], tensor: Tensor, result: Any
    ) -> None:
        """`padded.index_select(batch_axis, order)`, as pad_packed_sequence itself restores the
        caller's order: the lengths follow their samples."""
        if len(args) != 2 or not isinstance(args[1], Tensor) or not isinstance(result, Tensor):
            return
        dim, order = args
        if type(dim) is not int or trace.axes[dim % tensor.dim()] != "batch":
            self._keep_shape(trace, tensor, result)
            return
        lengths = tuple(trace.lengths[int(i)] for i in order.tolist())  # type: ignore[index]
        self.table.put(result, trace.but(lengths=lengths))

    def _judge(
        self, call: Call, misuses: list[twin.Misuse], place: Place, result: Any = None
    ) -> None:
        """Report the misuses, or keep them waiting while a later use may excuse them: a row
        or step taken with them, or (for a subscript's `result` that the line reads for a shape
        or names) reading only its shape."""
        if not misuses:
            return
        watching = isinstance(result, Tensor) and reads.may_read_shape(place)
        place.release()
        for misuse in misuses:
            fix = reads.FIX_SHAPE.get(misuse.code)
            if fix is not None and watching:
                misuse = self._watched(misuse, result, fix, call.batch)
            if misuse.excused is None:
                self.reporter.report(misuse.code, misuse.message, place)
            else:
                self._pending.append((call, misuse, place, self.depth > 0))

    def _watched(
        self, misuse: twin.Misuse, result: Tensor, fix: Any, batch: int | None
    ) -> twin.Misuse:
        """The misuse, excused as well when `result` turns out to be read only for a shape
        that the fix's result shares."""
        shape = tuple(result.shape)
        watch = self._watches.get(id(result))
        if watch is None or watch.tensor() is not result:
            watch = self._watches[id(result)] = reads.Watch(weakref.ref(result), shape)
        fixed = fix(shape, batch)
        excused = misuse.excused

        def either() -> bool:
            return watch.only_shapes_alike(fixed) or (excused is not None and excused())

        waiting = replace(misuse, excused=either)
        if excused is None:
            watch.waiting.append(waiting)
        return waiting

    def _keep_shape(self, trace: Trace, tensor: Tensor, result: Any) -> None:
        if isinstance(result, Tensor) and result.shape == tensor.shape:
            self.table.put(result, trace)

    def _keep_slices(self, trace: Trace, chosen: tuple[Any, ...], result: Any) -> None:
        """A subscript of slices keeps the layout when only the features are narrowed."""
        if not isinstance(result, Tensor) or not all(isinstance(c, slice) for c in chosen):
            return
        narrowed = [axis for axis, c in zip(trace.axes, chosen, strict=False) if c != twin.WHOLE]
        if not narrowed:
            self.table.put(result, trace)
        elif narrowed == [trace.axes[-1]] and trace.part == "output":
            self.table.put(result, trace.but(whole=False))

    def _released(self, call: Call) -> None:
        """Every result of `call` is freed: nothing can excuse its waiting misuses any more."""
        self._released_calls.add(call)

    def _settle_released(self) -> None:
        if self._released_calls:
            calls, self._released_calls = self._released_calls, set()
            if self._pending:
                self.settle(calls)


def _sizes(values: tuple[Any, ...]) -> tuple[int, ...] | None:
    """Sizes given spread or as one tuple (`view(5, -1)`, `view((5, -1))`), or None."""
    if len(values) == 1 and isinstance(values[0], tuple | list | torch.Size):
        values = tuple(values[0])
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None
    return tuple(values)
