"""How code names the sizes and steps of a batch of sequences: a size read off a tensor, the
batch size and steps of an RNN's input, one index per sample (`torch.arange(n)`), the name
that passes a pack its lengths, and those lengths shaped into a gather's index."""

from __future__ import annotations

import libcst as cst

from rnncheck import syntax
from rnncheck.abstract import Abstract, Const, Extent, Items, StepIndex, Tensor, as_int, as_size
from rnncheck.events import LastSteps, Samples, Value
from rnncheck.sizes import Size

KEEPS_VALUES = frozenset({"cpu", "cuda", "to", "long", "int", "detach", "clone", "contiguous"})
"""Methods of an index tensor (the lengths) that keep its values."""
TENSOR_OF = frozenset({"torch.tensor", "torch.as_tensor", "torch.LongTensor", "torch.IntTensor"})
"""Constructors that give a tensor of the values they are given (`torch.LongTensor(lengths)`)."""
SHAPES_INDEX = frozenset({"view", "reshape", "unsqueeze", "expand", "repeat"})
"""Methods that shape the last valid steps into a gather's index."""
ONE = Size.of(1)


def extent(node: cst.Call | cst.Subscript) -> Extent:
    """A size read off a tensor, `x.shape[0]` spelled as `x.size(0)` so that both are one size."""
    owner, axis = None, None
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        owner = node.value.value  # type: ignore[attr-defined]
        element = node.slice[0].slice
        axis = syntax.int_literal(element.value) if isinstance(element, cst.Index) else None
    elif isinstance(node, cst.Call) and len(node.args) == 1 and node.args[0].keyword is None:
        owner = node.func.value  # type: ignore[attr-defined]
        axis = syntax.int_literal(node.args[0].value)
    if owner is None or axis is None:
        return Extent(syntax.text(node))
    return Extent(f"{syntax.text(owner)}.size({axis})")


def batch_and_steps(
    input: Abstract, node: cst.BaseExpression | None, batch_first: bool | None
) -> tuple[Size | None, Size | None]:
    """The batch size and the number of steps of an RNN's input, where the code shows them: a
    tensor built with a visible shape (`torch.randn(3, 7, 5)`), or a name whose sizes the code
    reads (`x.size(0)`)."""
    if batch_first is None:
        return None, None
    axes = (0, 1) if batch_first else (1, 0)
    if isinstance(input, Tensor):
        if len(input.shape) != 3:
            return None, None
        sizes = [as_size(input.shape[axis]) for axis in axes]
        return sizes[0], sizes[1]
    if isinstance(node, cst.Name) and not isinstance(input, Value):
        sizes = [as_size(Extent(f"{node.value}.size({axis})")) for axis in axes]
        return sizes[0], sizes[1]
    return None, None


def counts_from_zero(node: cst.Call, arguments: list[Abstract]) -> bool:
    """`torch.arange(n)` or `torch.arange(0, n)`, maybe on a device: 0, 1, ..., n - 1."""
    positional = [v for a, v in zip(node.args, arguments, strict=True) if a.keyword is None]
    keywords = {a.keyword.value for a in node.args if a.keyword is not None}
    if any(a.star for a in node.args) or keywords - {"device", "dtype"}:
        return False
    return len(positional) == 1 or (len(positional) == 2 and positional[0] == Const(0))


def values_of(node: cst.BaseExpression) -> str | None:
    """The local name an argument passes the values of (`lengths`, `lengths.cpu()`), if any."""
    while (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in KEEPS_VALUES
    ):
        node = node.func.value
    return node.value if isinstance(node, cst.Name) else None


def shaped_steps(
    steps: LastSteps | StepIndex, method: str, arguments: list[Abstract]
) -> StepIndex | None:
    """The last valid steps after `steps.method(arguments)` (`view(-1, 1, 1)`, `unsqueeze(1)`,
    `expand(-1, 1, F)`, `repeat(1, 1, F)`), or None when what they hold is no longer sure."""
    index = steps if isinstance(steps, StepIndex) else StepIndex(steps.site, (Samples(),))
    shape = index.shape
    sizes = (
        list(arguments[0].items)
        if len(arguments) == 1 and isinstance(arguments[0], Items)
        else arguments
    )
    if method == "unsqueeze":
        at = as_int(sizes[0]) if len(sizes) == 1 else None
        if at is None or not -len(shape) - 1 <= at <= len(shape):
            return None
        at = at % (len(shape) + 1)
        return StepIndex(index.site, (*shape[:at], ONE, *shape[at:]))
    if method in ("view", "reshape"):
        if any(size != ONE for size in shape if not isinstance(size, Samples)):
            return None  # spread over other axes: a view would mix them
        runs = [i for i, size in enumerate(sizes) if as_size(size) != ONE]
        if len(runs) != 1:
            return None
        return StepIndex(
            index.site, tuple(Samples() if i == runs[0] else ONE for i in range(len(sizes)))
        )
    if len(sizes) != len(shape):
        return None
    grown: list[Samples | Size | None] = []
    for size, given in zip(shape, sizes, strict=True):
        wanted = as_size(given)
        if isinstance(size, Samples):
            if method == "repeat" and wanted != ONE:
                return None
            grown.append(size)
        elif method == "expand" and as_int(given) == -1:
            grown.append(size)
        elif size == ONE:
            grown.append(wanted)
        else:
            grown.append(None)
    return StepIndex(index.site, tuple(grown))
