"""The rules at run time: what a live operation on an RNN result means, with every fact known.

Each function looks at one kind of operation (a subscript, a view or reshape, a squeeze, a
construction) and answers the misuses it makes, worded by the static rules' own messages. A
misuse that the rest of the call may still excuse (`h[-1]` before `h[-2]`) comes back with the
condition that decides it once the call is over.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from rnncheck.rules import bidirectional, dropout, padding, state_index, state_reshape, time_axis
from rnncheck.rules.describe import spelled
from rnncheck.runtime.misuse import Place
from rnncheck.runtime.provenance import Source, Trace

WHOLE = slice(None)
OTHER = object()
"""A subscript element the rules do not read: a tensor, a list, a name-dependent value."""


@dataclass(frozen=True)
class Misuse:
    code: str
    message: str
    excused: Callable[[], bool] | None = None
    """Checked when the call is over: True when what came later makes this use right."""


def items(key: Any, rank: int) -> tuple[Any, ...] | None:
    """A subscript's elements, one per axis (an ellipsis spread); None when one adds an axis."""
    elements = key if isinstance(key, tuple) else (key,)
    read = []
    for element in elements:
        if element is None:
            return None
        readable = element is Ellipsis or isinstance(element, slice) or type(element) is int
        read.append(element if readable else OTHER)
    if Ellipsis in read:
        at = read.index(Ellipsis)
        read[at : at + 1] = [WHOLE] * max(rank - len(read) + 1, 0)
    return tuple(read)


def along(trace: Trace, chosen: tuple[Any, ...], axis: str) -> Any:
    """The element that selects on `axis` (`WHOLE` past the end), or None without that axis."""
    if axis not in trace.axes:
        return None
    position = trace.axes.index(axis)
    return chosen[position] if position < len(chosen) else WHOLE


def selected(
    trace: Trace, chosen: tuple[Any, ...], shape: tuple[int, ...], place: Place
) -> list[Misuse]:
    """The misuses of `base[chosen]` on a tracked tensor of `shape`; notes the rows and steps
    it takes, which may excuse another use when the call is over."""
    layout = trace.layout
    found = []
    time, batch = along(trace, chosen, "time"), along(trace, chosen, "batch")
    _note(trace, chosen, shape, time)
    if trace.part == "output" and batch == -1 and time == WHOLE:
        text, base, where = _texts(place, trace)
        fixed = _respell(place, trace, base, {"time": "-1", "batch": ":"})
        batch_first = trace.axes[0] == "batch"
        message = time_axis.message(text, base, where, batch_first, fixed)
        found.append(Misuse("RNN101", message))
    others = [along(trace, chosen, axis) for axis in trace.axes if axis != "time"]
    if (
        trace.part == "output"
        and trace.shortest is None
        and layout.bidirectional
        and trace.whole
        and time == -1
        and all(item == WHOLE for item in others)
    ):
        half = layout.state_width
        text, base, where = _texts(place, trace)
        forward = _respell(place, trace, base, {"time": "-1", "features": f":{half}"})
        backward = _respell(place, trace, base, {"time": "0", "features": f"{half}:"})
        both = f"torch.cat(({forward}, {backward}), dim=-1)"
        call = trace.call
        found.append(
            Misuse(
                "RNN102",
                bidirectional.last_step_message(text, where, both),
                lambda: call.took("output", "time", 0),
            )
        )
    if trace.part == "output" and trace.shortest is not None and time == -1:
        steps = shape[trace.axes.index("time")]
        if batch == WHOLE and trace.shortest < steps:
            text, base, where = _texts(place, trace)
            half = str(layout.state_width) if layout.bidirectional else None
            gather = padding.last_valid_steps(
                lambda changes: _respell(place, trace, base, changes), half
            )
            found.append(
                Misuse("RNN103", padding.message(text, base, where, gather, layout.bidirectional))
            )
    if trace.part in ("h_n", "c_n") and trace.natural and chosen:
        found += _state_selected(trace, chosen, place)
    return found


def gathered(trace: Trace, key: Any, shape: tuple[int, ...], place: Place) -> list[Misuse]:
    """`out[torch.arange(B), lengths - 1]` of a bidirectional output at full width: one index
    per sample in order on the batch axis, each sequence's last valid step on the time axis
    (`-1` when every sequence is as long as the batch)."""
    layout = trace.layout
    if trace.part != "output" or not layout.bidirectional or not trace.whole:
        return []
    if set(trace.axes[:2]) != {"batch", "time"} or not isinstance(key, tuple):
        return []
    if not 2 <= len(key) <= 3 or any(k not in (WHOLE, Ellipsis) for k in key[2:]):
        return []
    samples, steps = (key[trace.axes.index(axis)] for axis in ("batch", "time"))
    batch, time = (shape[trace.axes.index(axis)] for axis in ("batch", "time"))
    lengths = trace.lengths or (time,) * batch
    rows = _indices(samples)
    taken = [steps] * batch if type(steps) is int else _indices(steps)
    if rows != list(range(batch)) or taken is None:
        return []
    if [step % time for step in taken] != [n - 1 for n in lengths]:
        return []
    half = layout.state_width
    text, base, where = _texts(place, trace)
    forward = _respell(place, trace, base, {"features": f":{half}"})
    backward = _respell(place, trace, base, {"time": "0", "features": f"{half}:"})
    both = f"torch.cat(({forward}, {backward}), dim=-1)"
    call = trace.call
    message = bidirectional.gathered_message(text, where, both)
    return [Misuse("RNN102", message, lambda: call.took("output", "time", 0))]


def gathered_along(
    trace: Trace, dim: Any, index: Any, shape: tuple[int, ...], place: Place
) -> list[Misuse]:
    """`out.gather(time_axis, index)` of a bidirectional output at full width, whose index
    holds each sequence's last valid step for every feature."""
    layout = trace.layout
    if trace.part != "output" or not layout.bidirectional or not trace.whole or len(shape) != 3:
        return []
    if set(trace.axes[:2]) != {"batch", "time"} or type(dim) is not int or not -3 <= dim < 3:
        return []
    batch_axis, time_axis = trace.axes.index("batch"), trace.axes.index("time")
    wanted = list(shape)
    wanted[time_axis] = 1
    if trace.axes[dim] != "time" or not isinstance(index, Tensor) or list(index.shape) != wanted:
        return []
    batch = shape[batch_axis]
    lengths = trace.lengths or (shape[time_axis],) * batch
    steps = index.movedim(batch_axis, 0).reshape(batch, -1).tolist()
    if any(set(row) != {n - 1} for row, n in zip(steps, lengths, strict=True)):
        return []
    half = str(layout.state_width)
    text, subject, written, postfix = _gather_texts(place, trace)
    head, _, tail = text.rpartition(written)
    forward = f"{head}{written if postfix else f'({written})'}[..., :{half}]{tail}"
    both = bidirectional.gather_halves(forward, subject, trace.axes, half, "torch")
    message = bidirectional.gathered_message(text, trace.call.source.describe(), both)
    call = trace.call
    return [Misuse("RNN102", message, lambda: call.took("output", "time", 0))]


def _gather_texts(place: Place, trace: Trace) -> tuple[str, str, str, bool]:
    """A gather's text, its input's and its index's as written (else named by the part), and
    whether the index can be subscripted without parentheses."""
    node = place.node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        given = dict(enumerate(node.args)) | {k.arg: k.value for k in node.keywords}
        function = "input" in given or len(node.args) >= 3
        subject = given.get("input", given.get(0)) if function else node.func.value
        index = given.get("index", given.get(2 if function else 1))
        texts = [place.text(part) if part is not None else None for part in (node, subject, index)]
        if None not in texts:
            text, input, written = texts
            postfix = isinstance(index, ast.Name | ast.Attribute | ast.Call | ast.Subscript)
            return text, input, written, postfix  # type: ignore[return-value]
    return f"{trace.part}.gather(dim, index)", trace.part, "index", True


def _indices(value: Any) -> list[int] | None:
    """A 1-D integer tensor's values, else None."""
    if not isinstance(value, Tensor) or value.dim() != 1:
        return None
    if value.dtype.is_floating_point or value.dtype == torch.bool:
        return None
    return [int(v) for v in value.tolist()]


def _note(trace: Trace, chosen: tuple[Any, ...], shape: tuple[int, ...], time: Any) -> None:
    """Remember the constant step or row taken, counted from the end for rows, the start for steps."""
    if trace.part == "output" and type(time) is int:
        steps = shape[trace.axes.index("time")]
        trace.call.take("output", "time", time % steps)
    elif trace.part == "h_n" and trace.natural and chosen and type(chosen[0]) is int:
        rows = shape[0]
        trace.call.take("h_n", "rows", chosen[0] % rows - rows)


def _state_selected(trace: Trace, chosen: tuple[Any, ...], place: Place) -> list[Misuse]:
    layout, call, first = trace.layout, trace.call, chosen[0]
    found = []
    if trace.part == "h_n" and layout.bidirectional and type(first) is int and first == -1:
        text, base, where = _texts(place, trace)
        other = _respell(place, trace, base, {trace.axes[0]: "-2"})
        both = f"torch.cat(({other}, {text}), dim=-1)"
        found.append(
            Misuse(
                "RNN201",
                bidirectional.final_state_message(text, base, where, layout, both),
                lambda: call.took("h_n", "rows", -2),
            )
        )
    if (
        layout.batch_first
        and trace.batched
        and len(chosen) >= 2
        and first == WHOLE
        and type(chosen[1]) is int
    ):
        text, base, where = _texts(place, trace)
        rest = [_written(place, i, len(chosen)) or _shown(chosen[i]) for i in range(1, len(chosen))]
        while rest and rest[-1] == ":":
            rest.pop()
        fixed = f"{base}[{', '.join(rest)}]"
        found.append(
            Misuse("RNN203", state_index.batch_first_message(text, base, where, chosen[1], fixed))
        )
    layers = layout.num_layers
    if layout.bidirectional and isinstance(first, slice) and first.step is None and layers > 1:
        prefix = first.start in (None, 0) and first.stop is not None and 0 < first.stop < 2 * layers
        # `h[-2:]` of two layers is the last layer's two directions
        suffix = first.start == -layers != -2 and first.stop is None
        if prefix or suffix:
            text, base, where = _texts(place, trace)
            count = first.stop if prefix else layers
            forward = state_index.forward_rows(base, None if count == layers else str(count))
            end = "first" if prefix else "last"
            message = state_index.layers_message(text, base, where, count, forward, end)
            found.append(Misuse("RNN207", message))
    return found


def reshaped(trace: Trace, method: str, shape: tuple[int, ...], place: Place) -> list[Misuse]:
    """The misuses of `h_n.view(*shape)` / `reshape`: samples mixed, directions before layers."""
    layout, batch = trace.layout, trace.call.batch
    if trace.part not in ("h_n", "c_n") or not trace.natural or batch is None:
        return []
    rows = layout.state_rows
    width = layout.state_width if trace.part == "h_n" else layout.cell_width
    found = []
    if len(shape) >= 2 and rows != 1 and batch > 1:
        per_sample = shape[0] == batch != rows
        too_wide = shape[0] == -1 and all(s == 1 for s in shape[2:]) and shape[1] != width
        if per_sample or too_wide:
            base, receiver, arguments, where = _call_texts(place, trace, shape)
            fixed = f"{receiver}.permute(1, 0, 2).reshape({', '.join(arguments)})"
            message = state_reshape.flattened_message(base, method, where, layout, fixed)
            found.append(Misuse("RNN204", message))
    layers = layout.num_layers
    if len(shape) == 4 and layout.bidirectional and layers != 2 and shape[:2] == (2, layers):
        base, receiver, arguments, where = _call_texts(place, trace, shape)
        fixed = state_reshape.swapped(receiver, method, arguments)
        found.append(Misuse("RNN205", state_reshape.directions_message(base, method, where, fixed)))
    return found


def squeezed(trace: Trace, place: Place) -> list[Misuse]:
    """`h_n.squeeze(0)` when h_n has several rows."""
    layout = trace.layout
    if trace.part not in ("h_n", "c_n") or not trace.natural or not trace.batched:
        return []
    if not layout.several_state_rows:
        return []
    base, receiver, _, where = _call_texts(place, trace, ())
    message = state_reshape.squeezed_message(base, where, layout, receiver)
    return [Misuse("RNN206", message)]


def built(source: Source) -> list[Misuse]:
    """Dropout that a one-layer RNN never applies."""
    layout = source.layout
    if not layout.dropout or layout.num_layers != 1:
        return []
    return [Misuse("RNN401", dropout.message(layout.dropout, source.describe()))]


def _texts(place: Place, trace: Trace) -> tuple[str, str, str]:
    """The subscript and the subscripted expression as written (else named by the part), and
    the RNN they come from."""
    where = trace.call.source.describe()
    node = place.node
    if isinstance(node, ast.Subscript):
        return place.text() or trace.part, place.text(node.value) or trace.part, where
    return trace.part, trace.part, where


def _call_texts(
    place: Place, trace: Trace, shape: tuple[int, ...]
) -> tuple[str, str, list[str], str]:
    """The tensor's text, the receiver's and the arguments' of `receiver.method(arguments)` as
    written (else named by the part and the sizes), and the RNN they come from."""
    where = trace.call.source.describe()
    node = place.node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver = place.text(node.func.value) or trace.part
        return receiver, receiver, [place.text(arg) or "?" for arg in node.args], where
    return trace.part, trace.part, [str(size) for size in shape], where


def _written(place: Place, position: int, rank: int) -> str | None:
    """Subscript element `position` as written (`...` read as the `:`s it spans)."""
    node = place.node
    if not isinstance(node, ast.Subscript):
        return None
    elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    texts = [(place.text(element) or "?").strip() for element in elements]
    if "..." in texts:
        at = texts.index("...")
        texts[at : at + 1] = [":"] * max(rank - len(texts) + 1, 0)
    return texts[position] if position < len(texts) else ":"


def _respell(place: Place, trace: Trace, base: str, changes: dict[str, str]) -> str:
    return spelled(
        base,
        trace.axes,
        lambda i: _written(place, i, len(trace.axes)) or ":",
        changes,
    )


def _shown(item: Any) -> str:
    if isinstance(item, slice):
        parts = ["" if part is None else str(part) for part in (item.start, item.stop, item.step)]
        return ":".join(parts[:2]) + (f":{parts[2]}" if item.step is not None else "")
    return str(item)
