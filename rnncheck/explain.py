"""`rnncheck explain "nn.LSTM(...)"`: what an RNN returns, and which slices are the same thing.

Written for someone learning RNNs: the shapes of output, h_n and c_n with every axis named, what
each row of h_n holds, the slices that are equal bit for bit, and the tempting ones that are not.
Every fact comes from `Layout`, the model the checker and the runtime contracts use; this module
only words it. It needs neither torch nor a module: the constructor text is enough.
"""

from __future__ import annotations

import argparse
import sys

from rnncheck.facts import layout_from_text
from rnncheck.layout import CELL_AXES, STATE_AXES, Equivalence, Layout, named_shape
from rnncheck.rules import ALL_RULES


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="rnncheck explain",
        description="Show the shapes an RNN constructor gives and which slices are equal.",
    )
    parser.add_argument("constructor", help='e.g. "nn.LSTM(10, 20, bidirectional=True)"')
    parser.add_argument("--batch", type=_positive, default=3, help="batch size B (default 3)")
    parser.add_argument("--time", type=_positive, default=5, help="sequence length T (default 5)")
    try:
        options = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    try:
        layout = layout_from_text(options.constructor)
    except ValueError as error:
        print(f"rnncheck explain: {error}", file=sys.stderr)
        return 2
    print(explain(layout, options.batch, options.time))
    return 0


def explain(layout: Layout, batch: int, time: int) -> str:
    """The whole explanation of `layout` for a batch of `batch` sequences of `time` steps."""
    sections = [
        _header(layout, batch, time),
        _shapes(layout, batch, time),
        _rows(layout),
        _equal(layout, batch),
        _not_equal(layout),
        _at_run_time(),
    ]
    return "\n\n".join(sections)


def _header(layout: Layout, batch: int, time: int) -> str:
    axes = layout.output_axes() or ()
    sizes = {"batch": batch, "time": time, "features": layout.input_size}
    shape = ", ".join(f"{axis}={sizes[axis]}" for axis in axes)
    returns = "(output, (h_n, c_n))" if layout.has_cell else "(output, h_n)"
    return f"{layout.constructor()}\ncalled on input ({shape}) returns {returns}."


def _shapes(layout: Layout, batch: int, time: int) -> str:
    shapes = layout.shapes(batch, time)
    axes = layout.output_axes() or ()
    width = shapes.h_n[-1]
    directions = layout.directions or 1
    lines = [
        f"  output  {named_shape(shapes.output, axes)}",
        f"          every time step, of the last layer only; features = {directions}"
        f" direction{'s' if directions > 1 else ''} x {width}",
        f"  h_n     {named_shape(shapes.h_n, STATE_AXES)}",
        "          the final state of every layer and direction"
        + ("; not batch-first, whatever batch_first says" if layout.batch_first else ""),
    ]
    if shapes.c_n is not None:
        lines += [
            f"  c_n     {named_shape(shapes.c_n, CELL_AXES)}",
            "          the final cell state, rows as in h_n"
            + (f"; hidden_size wide, not proj_size ({width})" if layout.proj_size else ""),
        ]
    lines.append("  (2-D input without a batch axis gives the same shapes without batch.)")
    return "Shapes:\n" + "\n".join(lines)


def _rows(layout: Layout) -> str:
    rows = layout.shapes(1, 1).h_n[0]
    lines = []
    for index in range(rows):
        alias = f"  (= h_n[{index - rows}])" if index - rows >= -(layout.directions or 1) else ""
        lines.append(f"  h_n[{index}]  {layout.describe_row(index)}{alias}")
    return f"Rows of h_n{' and c_n' if layout.has_cell else ''}:\n" + "\n".join(lines)


def _equal(layout: Layout, batch: int) -> str:
    layers, directions = layout.num_layers, layout.directions
    width = layout.shapes(1, 1).h_n[-1]
    pairs = [
        (f"{_output_slice(layout, relation)}  ==  h_n[{relation.row}]", _ends(layout, relation))
        for relation in layout.equivalences()
    ]
    pairs.append(
        (
            f"h_n.view({layers}, {directions}, {batch}, {width})[-1]  ==  h_n[-{directions}:]",
            "view's axes are (layers, directions, batch, hidden): [-1] is the last layer",
        )
    )
    return (
        "Equal, bit for bit:\n"
        + _table(pairs)
        + (
            "\n  With a PackedSequence, the last step is each sequence's own last valid step"
            " (lengths - 1)."
        )
    )


def _ends(layout: Layout, relation: Equivalence) -> str:
    if not layout.bidirectional:
        return "the last layer's final state is its output at the last step"
    if relation.step == "last":
        return "the forward direction ends at the last step"
    return "the backward direction reads the sequence in reverse and ends at step 0"


def _not_equal(layout: Layout) -> str:
    width = layout.shapes(1, 1).h_n[-1]
    last = _step(layout, "-1")
    lines = []
    if layout.bidirectional:
        lines += [
            f"  output{last}  !=  torch.cat([h_n[-2], h_n[-1]], dim=-1):"
            f" the backward half [{width}:] of the last step has read only the last element",
            f"  h_n[-1] is only {layout.describe_row(-1).removeprefix('only ')}, not"
            " the whole final state",
        ]
    if layout.batch_first:
        lines.append(
            "  h_n[0] is not sample 0: h_n's first axis is layers*directions even with"
            " batch_first=True; sample 0's states are h_n[:, 0]"
        )
    else:
        lines.append(
            "  output[:, -1] is the last sample of the batch, not the last step:"
            " without batch_first the first axis is time"
        )
    if (layout.state_rows or 1) > 1:
        lines.append(
            f"  h_n.squeeze(0) keeps all {layout.state_rows} rows; it drops nothing unless"
            " num_layers * directions == 1"
        )
    lines.append(
        "  with a PackedSequence, output at the last padded step != h_n:"
        " shorter sequences have zeros there"
    )
    return "Not equal, though tempting:\n" + "\n".join(lines)


def _at_run_time() -> str:
    """Which rules the runtime twin also checks, where this module's settings are all known."""
    lines = [f"  {rule.code} {rule.name}" for rule in ALL_RULES if rule.runtime]
    return (
        "Also checked while the program runs (`rnncheck run SCRIPT`, `rnncheck.checking()`,"
        " `pytest --rnncheck`), with every setting known:\n" + "\n".join(lines)
    )


def _table(pairs: list[tuple[str, str]]) -> str:
    column = max(len(left) for left, _ in pairs)
    return "\n".join(f"  {left.ljust(column)}    {right}" for left, right in pairs)


def _output_slice(layout: Layout, relation: Equivalence) -> str:
    width = layout.output_width
    features = f"{relation.start or ''}:{'' if relation.stop == width else relation.stop}"
    step = "-1" if relation.step == "last" else "0"
    return f"output{_step(layout, step, features)}"


def _step(layout: Layout, step: str, features: str = "") -> str:
    """`[...]` picking time step `step` (and `features`) of output, by its axis order."""
    picks = {"time": step, "batch": ":", "features": features or ":"}
    index = [picks[axis] for axis in layout.output_axes() or ()]
    while index and index[-1] == ":":
        index.pop()
    return f"[{', '.join(index)}]"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
