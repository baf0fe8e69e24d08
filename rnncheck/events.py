"""What the engine tells the rules: an RNN was built, or one of its results was used.

Every event carries the layout as it holds at that point of the program (inside
`if self.lstm.bidirectional:` the layout says bidirectional), so a rule never reasons about flow.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING

from rnncheck.layout import Dim, Kind, Layout
from rnncheck.lazy import syntax
from rnncheck.sizes import Size

if TYPE_CHECKING:
    import libcst as cst

    from rnncheck.abstract import Abstract
    from rnncheck.syntax import Rows


CHECKED: ContextVar[str] = ContextVar("CHECKED", default="")
"""The file whose findings are being written: a line of another file is named from its folder.
A message is worded where it is reported, while one reading of another file serves many."""


def where(path: str, here: str, line: int) -> str:
    """A line of `path`, as a finding in `here` names it: by its path from `here`'s folder."""
    if path in ("", here):
        return f"line {line}"
    return f"{os.path.relpath(path, os.path.dirname(here) or '.')}:{line}"


@dataclass(frozen=True, eq=False)
class Rnn:
    """An RNN module the code builds, and how the code refers to it."""

    name: str
    layout: Layout
    call: cst.Call
    sources: dict[str, str] = field(default_factory=dict)
    """For a fact the code does not fix, the key of the value it comes from (a parameter)."""
    locate: Callable[[cst.CSTNode], int] = field(default=lambda node: 0, repr=False)
    """Finds a node's line; positions are computed only when a file has something to report."""
    origin: str = ""
    """The file that builds it, when that is not the file being checked."""
    assumptions: tuple[str, ...] = ()
    """What its facts rest on beyond the code (`--layers=1`, a parser's default)."""
    kinds: tuple[Kind, ...] = ()
    """When the code builds one of several kinds (`CELLS[kind](...)`): all of them. The layout
    then holds only the facts they agree on."""
    unseen: bool = False
    """Stands for whatever made a PackedSequence out of sight, which `pad_packed_sequence`
    (`call`) unpacks: none of its facts is known."""

    @property
    def line(self) -> int:
        return self.locate(self.call)

    def where(self) -> str:
        place = where(self.origin, CHECKED.get(), self.line)
        if self.unseen:
            return f"a PackedSequence made out of sight (unpacked at {place})"
        built = self.layout.constructor()
        if len(self.kinds) > 1:
            built = " or ".join(f"nn.{k.value}" for k in self.kinds) + built[built.index("(") :]
        return f"`{self.name}` ({built}, {place})"


class Role(Enum):
    RESULT = "the (output, state) result"
    OUTPUT = "output"
    STATE = "the LSTM state tuple (h_n, c_n)"
    H_N = "h_n"
    C_N = "c_n"
    TENSOR = "a tensor computed from an RNN result"


STATE_ROLES = (Role.H_N, Role.C_N)


@dataclass(frozen=True)
class Value:
    """An RNN result, or a tensor made from one, as far as the code shows it."""

    role: Role
    rnn: Rnn
    text: str
    rank: int | None = None
    width: Dim | None = None
    batch_first: bool | None = None
    """For OUTPUT: whether axis 0 is the batch (a transpose flips it)."""
    batched: bool = True
    packed: bool = False
    """For OUTPUT: a PackedSequence (the RNN was fed one)."""
    padded: bool = False
    """For OUTPUT: a padded tensor unpacked from a PackedSequence (`pad_packed_sequence`)."""
    batch: Dim | None = None
    """The batch size, when the RNN's input shows it (`torch.randn(3, 7, 5)`, `x.size(0)`)."""
    steps: Dim | None = None
    """The number of time steps of the RNN's input, when it shows them."""
    lengths: object = None
    """For OUTPUT, packed or padded: what identifies its sequences' lengths (`Lengths.site`),
    when the code shows them (given to the pack, or returned by pad_packed_sequence)."""

    def but(self, **changes: object) -> Value:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Selection:
    """`base[items]` on an RNN result."""

    node: cst.Subscript
    base: Value
    items: tuple[Item, ...]
    layout: Layout
    axes: tuple[str, ...] | None
    """The base's axes in order (`("batch", "time", "features")`), when known."""
    companions: frozenset[int] = frozenset()
    """Other constant indices of the same base taken together with this one (`cat((h[-2], h[-1]))`)."""
    torch: str | None = None
    """The name the file gives the torch module, for fixes that call it; None if it has none."""
    rows: Rows | None = None
    """The constant rows and steps the enclosing body takes (`taken_with`)."""

    def taken_with(self, axis: str) -> frozenset[int]:
        """The constant indices on `axis`, the other axes whole, that the code takes of the same
        base with this selection (`out[:, 0]` beside `out[torch.arange(B), lengths - 1]`)."""
        if self.rows is None or self.axes is None or axis not in self.axes:
            return frozenset()
        return self.rows.taken_at(self.node, self.value_text, self.axes.index(axis))

    def along(self, axis: str) -> Item:
        """The item that selects on `axis` (`WHOLE` when the subscript leaves it alone)."""
        if self.axes is None or axis not in self.axes:
            return None
        position = self.axes.index(axis)
        return self.items[position] if position < len(self.items) else WHOLE

    @property
    def text(self) -> str:
        return syntax.text(self.node)

    @property
    def value_text(self) -> str:
        """The subscripted expression as written (`out`, `self.lstm(x)[0]`)."""
        return syntax.text(self.node.value)

    def written(self, position: int) -> str:
        """The element for axis `position` as written (`...` as the `:`s it stands for), or `:`
        past the end."""
        texts = [syntax.text(element.slice).strip() for element in self.node.slice]
        if "..." in texts:
            at = texts.index("...")
            texts[at : at + 1] = [":"] * max(len(self.items) - len(texts) + 1, 0)
        return texts[position] if position < len(texts) else ":"


class Whole:
    """`:` (or `...`) in a subscript: an axis taken whole."""

    def __repr__(self) -> str:
        return ":"


WHOLE = Whole()


@dataclass(frozen=True)
class Span:
    """A slice `lower:upper:step` whose bounds are sizes when the code fixes them."""

    lower: Size | None
    upper: Size | None
    step: Size | None
    text: str


@dataclass(frozen=True)
class Samples:
    """`torch.arange(n)` as an index: one index per sample, in order."""


@dataclass(frozen=True)
class LastSteps:
    """`lengths - 1` as an index, `lengths` being a packed batch's (`site` names which): each
    sequence's last valid step."""

    site: object


Item = int | Size | Span | Whole | Samples | LastSteps | None
"""One element of a subscript: an index, a slice, the whole axis, an index per sample, or None
when not understood."""


@dataclass(frozen=True)
class MethodCall:
    """`base.method(args)` on an RNN result (`h_n.view(batch, -1)`); a lone tuple argument is spread."""

    node: cst.Call
    base: Value
    method: str
    args: tuple[Abstract, ...]
    layout: Layout
    subject: cst.BaseExpression | None = None
    """The expression the method works on, when the call names it as an argument
    (`out` in `torch.gather(out, 1, index)`); else the call's receiver."""
    torch: str | None = None
    """The name the file gives the torch module, for fixes that call it."""
    rows: Rows | None = None
    """The constant rows and steps the enclosing body takes."""


@dataclass(frozen=True, eq=False)
class Linear:
    """An `nn.Linear` the code builds."""

    name: str
    in_features: Size | None
    call: cst.Call
    locate: Callable[[cst.CSTNode], int] = field(default=lambda node: 0, repr=False)

    @property
    def line(self) -> int:
        return self.locate(self.call)


@dataclass(frozen=True)
class Application:
    """An nn.Linear called on an RNN result."""

    node: cst.Call
    module: Linear
    argument: Value
    layout: Layout
    """The layout of the RNN the argument comes from."""


@dataclass(frozen=True)
class RnnCall:
    """An RNN called: on what input (maybe another RNN's output) and with what initial state."""

    node: cst.Call
    rnn: Rnn
    input: Abstract
    state: Abstract
    layout: Layout


def rnn_of(event: object) -> Rnn | None:
    """The RNN an event is about."""
    if isinstance(event, Rnn):
        return event
    if isinstance(event, RnnCall):
        return event.rnn
    if isinstance(event, Selection | MethodCall):
        return event.base.rnn
    if isinstance(event, Application):
        return event.argument.rnn
    return None
