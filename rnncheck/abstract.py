"""The values the engine gives expressions: as much as the code makes certain, and no more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rnncheck.events import LastSteps, Linear, Rnn, Samples, Value
from rnncheck.layout import Kind
from rnncheck.project import Record
from rnncheck.sizes import Size


@dataclass(frozen=True)
class Const:
    """A literal the code spells out (or a module-level constant bound to one)."""

    value: object
    assumption: str = ""
    """What must hold for the value to be this one (`--layers=1`: the parser's default); a
    finding that rests on it says so."""


@dataclass(frozen=True)
class Opaque:
    """A value the code names but never fixes, such as a constructor parameter."""

    key: str
    text: str


@dataclass(frozen=True)
class Items:
    """A tuple or list of values."""

    items: tuple[Abstract, ...]


@dataclass(frozen=True)
class Lengths:
    """The lengths of a packed batch's sequences: those given to `pack_padded_sequence` (`site`
    is that call) or those `pad_packed_sequence` returns."""

    site: object


@dataclass(frozen=True)
class StepIndex:
    """`lengths - 1` shaped for `gather` (`(lengths - 1).view(-1, 1, 1).expand(-1, 1, F)`):
    each sequence's last valid step, `lengths` being the pack `site`'s. `shape` holds, axis by
    axis, `Samples()` where the samples run, else the size (None: not known)."""

    site: object
    shape: tuple[Samples | Size | None, ...]


@dataclass(frozen=True)
class Packed:
    """A PackedSequence made from a padded batch, with its lengths' site when the code gives
    them (`Lengths.site`)."""

    lengths: object = None


@dataclass(frozen=True)
class Extent:
    """A size read off a tensor while the program runs (`x.size(0)`, `x.shape[1]`, `len(x)`)."""

    text: str


@dataclass(frozen=True)
class Tensor:
    """A tensor that is not an RNN result, with its shape when the code builds it visibly."""

    shape: tuple[Abstract, ...]


@dataclass(frozen=True)
class Passthrough:
    """A module or function that returns its input's layout unchanged (dropout, an activation)."""

    name: str


@dataclass(frozen=True)
class Method:
    """A method of the class being read, and what it returns (`self.encode(x)` -> its output)."""

    returns: Abstract


@dataclass(frozen=True)
class Klass:
    """A class the project defines; calling it builds an Instance."""

    name: str
    path: str = ""
    """The file that defines it."""


@dataclass(frozen=True)
class Instance:
    """An object of a class the checked files define: calling it runs its `forward`."""

    name: str
    bindings: tuple[tuple[str, Abstract], ...] = ()
    """The constructor's parameters that the call that built it fixes."""
    site: Any = None
    """That call (a libcst node), for messages."""
    path: str = ""
    """The file that defines its class."""


@dataclass(frozen=True)
class Function:
    """A module-level function of the project: calling it reads its body with the arguments."""

    name: str
    path: str = ""


@dataclass(frozen=True)
class RnnClass:
    """nn.RNN, nn.LSTM or nn.GRU as a value (`cell = nn.GRU`), or one of several of them."""

    kinds: tuple[Kind, ...]


@dataclass(frozen=True)
class Mapping:
    """A dict literal whose keys are constants (`{"gru": nn.GRU, "rnn": nn.RNN}`)."""

    items: tuple[tuple[object, Abstract], ...]
    shared: bool = False
    """Another module's (`from config import CFG`): its values hold while no project file
    writes their keys (`writes_key`)."""


@dataclass(frozen=True)
class ModuleRef:
    """A project module bound to a name (`import settings as s`): its attributes are its names."""

    path: str


@dataclass(frozen=True)
class Parser:
    """An argparse parser with the options the code is seen to add (`rnncheck.parsers`)."""

    options: tuple[tuple[str, object], ...] = ()
    escaped: bool = False
    """Handed to code that is not followed, which may add or change options."""


@dataclass(frozen=True)
class Namespace:
    """What `parser.parse_args()` gives when the program runs with its default arguments."""

    options: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Unknown:
    pass


UNKNOWN = Unknown()

Abstract = (
    Const
    | Opaque
    | Extent
    | Size
    | Items
    | Packed
    | Lengths
    | LastSteps
    | StepIndex
    | Samples
    | Tensor
    | Passthrough
    | Method
    | Klass
    | Instance
    | ModuleRef
    | Function
    | RnnClass
    | Mapping
    | Parser
    | Namespace
    | Record
    | Value
    | Rnn
    | Linear
    | Unknown
)


def join(first: Abstract | None, second: Abstract | None) -> Abstract | None:
    """What a name holds after two paths meet. None is "unbound on that path"."""
    if first is None:
        return second
    if second is None or first == second:
        return first
    if isinstance(first, Value) and isinstance(second, Value):
        # the same result, read off different inputs: what the inputs showed is forgotten
        kept = [value.but(batch=None, steps=None, lengths=None) for value in (first, second)]
        if kept[0] == kept[1]:
            return kept[0]
    return UNKNOWN


def as_size(value: Abstract) -> Size | None:
    if isinstance(value, Size):
        return value
    if isinstance(value, Const) and type(value.value) is int:
        return Size.of(value.value)
    if isinstance(value, Opaque):
        return Size.named(value.text, scope=value.key)
    if isinstance(value, Extent):
        return Size.named(value.text, scope="extent")
    return None


def names_batch(value: Abstract) -> bool:
    """Whether a size visibly stands for the batch: read off a tensor, or named for it."""
    if isinstance(value, Extent):
        return True
    return isinstance(value, Opaque) and "batch" in value.text.lower()


def as_int(value: Abstract) -> int | None:
    size = as_size(value)
    return None if size is None else size.value


def truth(value: Abstract) -> bool | None:
    """Whether a value is true, when the code makes it certain (an assumed value does not)."""
    if isinstance(value, Const) and value.assumption:
        return None
    if isinstance(value, Const) and isinstance(value.value, bool | int | float | str | type(None)):
        return bool(value.value)
    return None
