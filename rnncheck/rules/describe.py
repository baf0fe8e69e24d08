"""Phrases every rule's message shares: how to spell a subscript, and what a tensor's width is."""

from __future__ import annotations

from rnncheck.events import WHOLE, Item, Span, Value
from rnncheck.layout import Layout


def subscript(base: str, items: list[Item | str]) -> str:
    """`base[items]` with trailing `:` dropped, as a person would write it."""
    words = [_word(item) for item in items]
    while words and words[-1] == ":":
        words.pop()
    return f"{base}[{', '.join(words)}]" if words else base


def _word(item: Item | str) -> str:
    if isinstance(item, str):
        return item
    if item is WHOLE:
        return ":"
    if isinstance(item, Span):
        return item.text
    return str(item)


def width_reason(value: Value, layout: Layout) -> str:
    """Why an RNN result is as wide as it is, from the layout's facts."""
    if layout.proj_size and value.width == layout.proj_size:
        return "an LSTM with proj_size returns proj_size features in output and h_n"
    if layout.bidirectional and value.width == layout.output_width:
        return "a bidirectional output concatenates both directions"
    return "one direction holds hidden_size features"
