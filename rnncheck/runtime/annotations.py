"""jaxtyping annotations for one RNN's tensors, for rnncheck's strict mode and your own signatures.

`batch` and `time` are named dimensions, so a jaxtyped function binds them once across all its
arguments; the sizes the module fixes are written `name=value`, which jaxtyping reads as the
value and prints with its name. `Float`, not `Float32`: under autocast the result is bfloat16.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jaxtyping import Float
from torch import Tensor, nn

from rnncheck.layout import STATE_AXES, Layout
from rnncheck.runtime.batch import Form


@dataclass(frozen=True)
class Annotations:
    """The types of a module's input, output, h (h_0 and h_n) and c (c_0 and c_n, LSTM only).

    For the "packed" form, `input` and `output` describe the PackedSequence's `.data`.
    """

    input: Any
    output: Any
    h: Any
    c: Any | None


def annotations(module: nn.Module, form: Form = "batched") -> Annotations:
    """The jaxtyping annotations of `module`'s tensors, built once per layout and form."""
    return annotations_of(Layout.of(module), form)


@cache
def annotations_of(layout: Layout, form: Form) -> Annotations:
    shapes = layout.shapes(None if form == "unbatched" else 1, 1)
    features = f"features={shapes.output[-1]}"
    inputs = f"input_size={layout.input_size}"
    if form == "packed":
        input_axes, output_axes = f"steps {inputs}", f"steps {features}"
    else:
        axes = " ".join(layout.output_axes(batched=form != "unbatched") or ())
        input_axes = axes.replace("features", inputs)
        output_axes = axes.replace("features", features)
    rows, *_, width = shapes.h_n
    batch = "" if form == "unbatched" else f" {STATE_AXES[1]}"
    h = f"{STATE_AXES[0]}={rows}{batch} {STATE_AXES[2]}={width}"
    c = None if shapes.c_n is None else f"{STATE_AXES[0]}={rows}{batch} cell={shapes.c_n[-1]}"
    return Annotations(
        input=Float[Tensor, input_axes],
        output=Float[Tensor, output_axes],
        h=Float[Tensor, h],
        c=None if c is None else Float[Tensor, c],
    )
