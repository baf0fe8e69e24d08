"""Reading only a shape that the misuse does not change is not a misuse, at run time too.

The checker drops a finding whose selection only feeds shape reads that agree with what its fix
selects (`rnncheck.shape_reads`): read directly (`h[-1].size(-1)`) or through the name it is
bound to. The twin does the same with live values. When the next instruction reads the
subscript's result for a shape or binds it to a name, the result is watched until the misuse is
settled: every torch operation it enters is either a shape read (`size`, `shape`, `dim`, `numel`,
`len`) or a use of its values. A misuse whose result was read for its shape, only in ways that the
fix's result answers alike, and never used otherwise, is excused. Anywhere else the misuse is
reported as soon as it is seen, as before.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from torch import Tensor

from rnncheck.runtime.misuse import Place

Read = tuple[str, int | None]
"""What a shape read asks: ("axis", k), ("shape", None), ("rank", None) or ("numel", None)."""

Shape = tuple[int, ...]


def _same(shape: Shape, batch: int | None) -> Shape | None:
    return shape


def _batch_first(shape: Shape, batch: int | None) -> Shape | None:
    return None if batch is None or not shape else (batch, *shape[1:])


FIX_SHAPE: dict[str, Callable[[Shape, int | None], Shape | None]] = {
    "RNN101": _batch_first,  # out[-1] of a batch_first output is (T, F); out[:, -1] is (B, F)
    "RNN102": _same,
    "RNN103": _same,
    "RNN201": _same,
    "RNN203": _batch_first,  # h[:, 0] is (rows, H); h[0] is (B, H)
    "RNN207": _same,
}
"""The shape of what each rule's fix selects, from the code's own result and the batch size;
rules not listed report whatever the code reads."""


@dataclass(eq=False)
class Watch:
    """The result of a reported subscript: how user code has used it so far."""

    tensor: weakref.ref[Tensor]
    shape: Shape
    reads: list[Read] = field(default_factory=list)
    used: bool = False
    waiting: list[object] = field(default_factory=list)
    """The misuses that nothing but a shape read could excuse: due as soon as it is used."""

    def only_shapes_alike(self, fix: Shape | None) -> bool:
        """Whether only shape reads saw it, each answered alike by a result of shape `fix`."""
        if self.used or not self.reads or fix is None:
            return False
        return all(_answer(self.shape, read) == _answer(fix, read) for read in self.reads)


SHAPE_ATTRIBUTES = frozenset({"size", "shape", "dim", "ndim", "ndimension", "numel", "nelement"})
STORES = frozenset({"STORE_FAST", "STORE_NAME", "STORE_GLOBAL", "STORE_DEREF"})


def may_read_shape(place: Place) -> bool:
    """Whether user code reads the value just made at `place` for a shape at once
    (`h[-1].size(-1)`, `len(h[-1])`), or binds it to a name (`last = h[-1]`), as its next
    instruction shows."""
    then = place.then
    if then is None:
        return False
    name, argument, text = then
    if name in ("LOAD_ATTR", "LOAD_METHOD"):
        return argument in SHAPE_ATTRIBUTES
    if name in ("PRECALL", "CALL"):
        return text is not None and text == f"len({place.text()})"
    return name in STORES


def shape_read(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Read | None:
    """The shape read a torch function makes of its first argument, or None."""
    name = getattr(func, "__name__", "")
    if name == "size":
        dims = args[1:] or tuple(kwargs.values())
        if not dims:
            return ("shape", None)
        return ("axis", dims[0]) if len(dims) == 1 and type(dims[0]) is int else None
    if name == "__get__":
        attribute = getattr(getattr(func, "__self__", None), "__name__", None)
        return {"shape": ("shape", None), "ndim": ("rank", None)}.get(attribute)  # type: ignore[arg-type]
    if name in ("dim", "ndimension"):
        return ("rank", None)
    if name in ("numel", "nelement"):
        return ("numel", None)
    if name == "__len__":
        return ("axis", 0)
    return None


def _answer(shape: Shape, read: Read) -> object:
    kind, axis = read
    if kind == "axis":
        assert axis is not None
        return shape[axis] if -len(shape) <= axis < len(shape) else None
    if kind == "rank":
        return len(shape)
    if kind == "numel":
        return math.prod(shape)
    return shape
