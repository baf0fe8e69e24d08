"""What every rule's message and fix share: how to respell the code, and why a width is what it is."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rnncheck.events import MethodCall, Selection, Value
from rnncheck.layout import Dim, Layout
from rnncheck.lazy import cst, syntax
from rnncheck.sizes import Size


def respelled(selection: Selection, changes: dict[str, str]) -> str:
    """The subscript written again with some axes' elements changed and the others as written."""
    axes = selection.axes or ()
    return spelled(selection.value_text, axes, selection.written, changes)


def spelled(
    value: str, axes: Sequence[str], written: Callable[[int], str], changes: dict[str, str]
) -> str:
    """`value[...]` with the element for each of `axes` from `changes`, else as `written`.

    The static rules and their runtime twins both respell subscripts with it.
    """
    words = [changes.get(axis, written(i)) for i, axis in enumerate(axes)]
    while words and words[-1] == ":":
        words.pop()
    return f"{value}[{', '.join(words)}]" if words else value


def receiver(call: MethodCall) -> str:
    """The expression a method is called on, as written (`h` in `h.view(b, -1)`, `out` in
    `torch.gather(out, 1, index)`)."""
    return syntax.text(call.subject or call.node.func.value)  # type: ignore[attr-defined]


def arguments(call: MethodCall) -> list[str]:
    """The call's arguments as written, without their separators."""
    return [
        syntax.text(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for arg in call.node.args
    ]


def width_reason(value: Value, layout: Layout) -> str:
    """Why an RNN result is as wide as it is, from the layout's facts."""
    if layout.proj_size and value.width == layout.proj_size:
        return "an LSTM with proj_size returns proj_size features in output and h_n"
    if layout.bidirectional and value.width == layout.output_width:
        return "a bidirectional output concatenates both directions"
    return "one direction holds hidden_size features"


def differs(first: Dim, second: Dim, *layouts: Layout) -> str | None:
    """Whether two widths provably differ: "" from the sizes alone, a note naming the check of
    torch's that makes it certain (`proj_size < hidden_size`), None when they may be equal."""
    if Size.of(first).provably_differs(second):
        return ""
    for layout in layouts:
        for fact, check in layout.constraints:
            if Size.of(first).provably_differs(second, (fact,)):
                return f"; torch requires {check}"
    return None
