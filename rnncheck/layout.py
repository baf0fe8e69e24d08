"""What torch's RNN, LSTM and GRU return: the one source of layout facts in rnncheck.

The static rules, the runtime contracts, `explain` and every message ask this module what
`output`, `h_n` and `c_n` look like and which of their slices are equal; none works it out alone.
A fact may be unknown (`None`) or symbolic (a `Size`) when it comes from reading code, and is
always concrete when it comes from a module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from rnncheck.sizes import Size

Dim = int | Size

Part = Literal["output", "h_n", "c_n"]
"""The tensors an RNN returns."""

STATE_AXES = ("layers*directions", "batch", "hidden")


def output_axes(batch_first: bool | None, batched: bool = True) -> tuple[str, ...] | None:
    """The axes of an output laid out batch_first or not (a transpose flips it), or None."""
    if not batched:
        return ("time", "features")
    if batch_first is None:
        return None
    return ("batch", "time", "features") if batch_first else ("time", "batch", "features")


def state_axes(batched: bool = True) -> tuple[str, ...]:
    """The axes of h_n and c_n: never batch-first."""
    return STATE_AXES if batched else (STATE_AXES[0], STATE_AXES[2])


class Kind(str, Enum):
    RNN = "RNN"
    LSTM = "LSTM"
    GRU = "GRU"


FEWEST_LAYERS = 1
"""torch's constructor raises for fewer layers: a layer count the code leaves open is still at
least this (`constraints`, and the conditions that compare it)."""
_SHARED = ("input_size", "hidden_size", "num_layers")
_TAIL = ("bias", "batch_first", "dropout", "bidirectional")
POSITIONAL: dict[Kind, tuple[str, ...]] = {
    Kind.RNN: (*_SHARED, "nonlinearity", *_TAIL),
    Kind.LSTM: (*_SHARED, *_TAIL, "proj_size"),
    Kind.GRU: (*_SHARED, *_TAIL, "proj_size"),
}
"""Torch's positional order of each kind's constructor arguments (nn.RNN puts nonlinearity 4th)."""

DEFAULTS: dict[str, object] = {
    "num_layers": 1,
    "bias": True,
    "batch_first": False,
    "dropout": 0.0,
    "bidirectional": False,
    "proj_size": 0,
    "nonlinearity": "tanh",
}


@dataclass(frozen=True)
class Shapes:
    output: tuple[int, ...]
    h_n: tuple[int, ...]
    c_n: tuple[int, ...] | None


@dataclass(frozen=True)
class Equivalence:
    """`output` at `step`, features `[start:stop]`, equals row `row` of h_n, for every sample.

    `step` is "last" (each sequence's last valid step, which is the last step when nothing is
    packed) or "first" (step 0, where the backward direction finishes).
    """

    direction: int
    step: Literal["last", "first"]
    start: int
    stop: int
    row: int

    def describe(self) -> str:
        half = "forward" if self.direction == 0 else "backward"
        when = "the last step" if self.step == "last" else "step 0"
        return (
            f"output at {when}, features [{self.start}:{self.stop}] (the {half} direction)"
            f" == h_n[{self.row}] (the last layer's {half} state)"
        )


@dataclass(frozen=True)
class Layout:
    kind: Kind
    input_size: Dim | None = None
    hidden_size: Dim | None = None
    num_layers: Dim | None = 1
    bidirectional: bool | None = False
    batch_first: bool | None = False
    proj_size: Dim | None = 0
    dropout: float | None = 0.0
    rows_at_least: int = 1
    """The fewest rows h_n has, when a test the code makes says more than the facts above
    (inside `if self.bidirectional or self.num_layers > 1:`)."""

    @classmethod
    def of(cls, module: Any) -> Layout:
        """The layout of a live `nn.RNN`/`nn.LSTM`/`nn.GRU` (or anything with their attributes)."""
        mode = str(getattr(module, "mode", type(module).__name__))
        kind = Kind.RNN if mode.startswith("RNN") else Kind(mode)
        return cls(
            kind=kind,
            input_size=int(module.input_size),
            hidden_size=int(module.hidden_size),
            num_layers=int(module.num_layers),
            bidirectional=bool(module.bidirectional),
            batch_first=bool(module.batch_first),
            proj_size=int(getattr(module, "proj_size", 0) or 0),
            dropout=float(getattr(module, "dropout", 0.0)),
        )

    @property
    def directions(self) -> int | None:
        return None if self.bidirectional is None else 2 if self.bidirectional else 1

    @property
    def has_cell(self) -> bool:
        return self.kind is Kind.LSTM

    @property
    def state_rows(self) -> Dim | None:
        """The first axis of h_n and c_n: num_layers * directions."""
        if self.num_layers is None or self.directions is None:
            return None
        return self.num_layers * self.directions

    @property
    def several_state_rows(self) -> bool | None:
        """Whether h_n has more than one row (so squeezing or flattening it is wrong)."""
        if self.bidirectional or self.rows_at_least > 1:
            return True
        layers = _value(self.num_layers)
        if layers is not None and layers > 1:
            return True
        if layers == 1 and self.bidirectional is False:
            return False
        return None

    @property
    def state_width(self) -> Dim | None:
        """The last axis of h_n: proj_size when an LSTM projects, else hidden_size."""
        if self.proj_size is None:
            return None
        projection = _value(self.proj_size)
        if projection == 0:
            return self.hidden_size
        return self.proj_size if projection is not None else None

    @property
    def constraints(self) -> tuple[tuple[Size, str], ...]:
        """Sizes torch's constructor proves to be at least 1, since it raises otherwise, each
        with the check in words: hidden_size, num_layers, and hidden_size - proj_size when an
        LSTM projects."""
        facts = [
            (Size.of(dim), f"{name} > 0")
            for name, dim in (("hidden_size", self.hidden_size), ("num_layers", self.num_layers))
            if dim is not None
        ]
        if self.hidden_size is not None and self.proj_size is not None:
            projection = _value(self.proj_size)
            if projection is None or projection > 0:
                gap = Size.of(self.hidden_size) - self.proj_size
                facts.append((gap, "proj_size < hidden_size"))
        return tuple(facts)

    @property
    def cell_width(self) -> Dim | None:
        return self.hidden_size if self.has_cell else None

    @property
    def output_width(self) -> Dim | None:
        """The feature axis of output: directions * state_width."""
        if self.directions is None or self.state_width is None:
            return None
        return self.directions * self.state_width

    def output_axes(self, batched: bool = True) -> tuple[str, ...] | None:
        return output_axes(self.batch_first, batched)

    def row(self, layer: int, direction: int) -> int:
        """The row of h_n holding `layer`'s `direction` (0 forward, 1 backward)."""
        directions = _concrete(self.directions, "bidirectional")
        return layer * directions + direction

    def describe_row(self, index: int) -> str:
        """What `h_n[index]` holds, in words, as far as the facts allow."""
        directions = self.directions
        rows = _value(self.state_rows)
        if directions == 1:
            if index == -1:
                return "the last layer's state"
            if index >= 0:
                return f"layer {index}'s state"
            return f"the state of layer num_layers - {-index}"
        if directions == 2:
            half = "forward" if index % 2 == 0 else "backward"
            if index == -1:
                return "only the last layer's backward direction"
            if index == -2:
                return "only the last layer's forward direction"
            if index >= 0:
                return f"layer {index // 2}'s {half} direction"
            if rows is not None:
                return f"layer {(rows + index) // 2}'s {half} direction"
        return f"row {index} of h_n"

    def shapes(self, batch: int | None, time: int) -> Shapes:
        """Concrete shapes for a batch (None: unbatched 2-D input) and a number of steps."""
        rows = _concrete(self.state_rows, "num_layers")
        width = _concrete(self.state_width, "hidden_size")
        out_width = _concrete(self.output_width, "hidden_size")
        cell = _concrete(self.cell_width, "hidden_size") if self.has_cell else None
        if batch is None:
            return Shapes((time, out_width), (rows, width), (rows, cell) if cell else None)
        output = (batch, time, out_width) if self.batch_first else (time, batch, out_width)
        return Shapes(output, (rows, batch, width), (rows, batch, cell) if cell else None)

    def dimensions(
        self, part: Part, batch_first: bool | None = None, batched: bool = True
    ) -> tuple[Dimension, ...] | None:
        """What each axis of `part` counts, and its size when the facts fix it. An output's axes
        follow `batch_first` as the code holds it (a transpose flips the layout's own), and are
        None when that is not known."""
        width = _state_width_name(self)
        counts = {
            "batch": Dimension("the batch size"),
            "time": Dimension("the number of time steps"),
            "layers*directions": Dimension("num_layers * num_directions", self.state_rows),
            "hidden": Dimension(width, self.state_width),
            "cell": Dimension("hidden_size", self.cell_width),
            "features": Dimension(_output_width_name(self, width), self.output_width),
        }
        if part == "output":
            axes = output_axes(batch_first, batched)
        else:
            axes = state_axes(batched)
            if part == "c_n":
                axes = (*axes[:-1], "cell")
        return None if axes is None else tuple(counts[axis] for axis in axes)

    def equivalences(self) -> tuple[Equivalence, ...]:
        """The slices of output that equal rows of h_n, bit for bit (RNN_FACTS.md)."""
        width = _concrete(self.state_width, "hidden_size")
        if not self.bidirectional:
            return (Equivalence(0, "last", 0, width, -1),)
        return (
            Equivalence(0, "last", 0, width, -2),
            Equivalence(1, "first", width, 2 * width, -1),
        )

    def constructor(self) -> str:
        """The call that builds this layout, for messages and `explain`."""
        parts = [_show(self.input_size), _show(self.hidden_size)]
        for name in ("num_layers", "bidirectional", "batch_first", "proj_size", "dropout"):
            value = getattr(self, name)
            if value is None:
                parts.append(f"{name}=?")
            elif not isinstance(value, Size) and value == DEFAULTS[name]:
                continue
            else:
                parts.append(f"{name}={_show(value)}")
        return f"nn.{self.kind.value}({', '.join(parts)})"


@dataclass(frozen=True)
class Dimension:
    """One axis of a tensor: what it counts, and its size when the facts fix it.

    Two axes of one RNN's results that count the same thing (`hidden_size`, the batch size)
    are the same size even when neither size is known.
    """

    counts: str
    size: Dim | None = None

    def same(self, other: Dimension) -> bool:
        """Provably the same size."""
        if self.counts == other.counts:
            return True
        if self.size is None or other.size is None:
            return False
        return Size.of(self.size) == Size.of(other.size)

    def __str__(self) -> str:
        shown = None if self.size is None else str(self.size)
        return self.counts if shown in (None, self.counts) else f"{self.counts} ({shown})"


Index = int | Size | str | None
"""One element of a selection: an index (the axis goes), a slice as written (`:` keeps the axis
whole), or None when it is not understood."""


def selected(
    dimensions: tuple[Dimension, ...] | None, items: tuple[Index, ...]
) -> tuple[Dimension, ...] | None:
    """The axes `tensor[items]` keeps, for a tensor with `dimensions`; None when not known."""
    if dimensions is None or len(items) > len(dimensions) or None in items:
        return None
    kept = []
    for position, dimension in enumerate(dimensions):
        item = items[position] if position < len(items) else ":"
        if isinstance(item, str):
            sliced = Dimension(f"{dimension.counts}[{item}]")
            kept.append(dimension if item == ":" else sliced)
    return tuple(kept)


def _state_width_name(layout: Layout) -> str:
    projection = _value(layout.proj_size) if layout.proj_size is not None else None
    if projection == 0:
        return "hidden_size"
    return "proj_size" if projection is not None else "proj_size or hidden_size"


def _output_width_name(layout: Layout, width: str) -> str:
    if layout.directions == 1:
        return width
    each = width if " " not in width else f"({width})"
    return f"2 * {each}" if layout.directions == 2 else f"num_directions * {each}"


def _value(dim: Dim | None) -> int | None:
    if isinstance(dim, Size):
        return dim.value
    return dim


def _concrete(dim: Dim | None, name: str) -> int:
    value = _value(dim)
    if value is None:
        raise ValueError(f"{name} is not known, so this layout has no concrete shape")
    return value


def _show(value: object) -> str:
    return "?" if value is None else str(value)


CELL_AXES = (*STATE_AXES[:2], "cell")
"""The axes of c_n and c_0: as h_n's, but hidden_size wide even when an LSTM projects."""


def named_shape(shape: tuple[int, ...], axes: tuple[str, ...]) -> str:
    """A shape with each axis named, as messages print it: `(time=5, batch=3, features=8)`."""
    return "(" + ", ".join(f"{axis}={size}" for axis, size in zip(axes, shape, strict=True)) + ")"
