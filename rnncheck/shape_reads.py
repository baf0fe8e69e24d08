"""Reading only a shape that the misuse does not change is not a misuse.

`hidden[-1].size(-1)` of an LSTM without a projection selects c_n, but only its width reaches the
program, and c_n is as wide as h_n. So when a selection a rule reports flows only into shape
reads, directly or through a function's local name whose every use is one, the axes read are
compared with those of what the rule's fix selects (`Pick`), both from the layout model. Equal:
the finding goes. Different or not known: it stands, and says which size the code gets instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rnncheck.events import WHOLE, Item, LastSteps, MethodCall, Role, Samples, Selection, Span
from rnncheck.layout import Dimension, Index, Part, selected
from rnncheck.lazy import cst, syntax
from rnncheck.sizes import Size

_PARTS: dict[Role, Part | Literal["state"]] = {
    Role.OUTPUT: "output",
    Role.H_N: "h_n",
    Role.C_N: "c_n",
    Role.STATE: "state",
}


@dataclass(frozen=True)
class Pick:
    """What a rule's fix selects in place of a selection: `part[items]`, written `text`."""

    part: Part | Literal["state"] | None
    items: tuple[Item, ...]
    text: str
    alike: bool = False
    """The fix has the code's own shape on every axis, whatever the layout."""

    @staticmethod
    def alike_in_shape(text: str) -> Pick:
        """A fix whose result has the shape of what it replaces (a gather and its halves)."""
        return Pick(None, (), text, alike=True)

    @staticmethod
    def same(selection: Selection, text: str) -> Pick:
        """A fix that takes other values of the same shape (the other direction, a gather)."""
        return Pick(_PARTS.get(selection.base.role), selection.items, text)

    @staticmethod
    def along(selection: Selection, changes: dict[str, Item], text: str) -> Pick:
        """The selection with the elements for some axes changed."""
        items = tuple(changes.get(axis, selection.along(axis)) for axis in selection.axes or ())
        return Pick(_PARTS.get(selection.base.role), items, text)


Read = int | Literal["rank", "shape"]
"""What a shape read looks at: one axis, the number of axes, or the whole shape."""


class Tree:
    """Each node's parent in one module, found the first time a finding asks."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._parents: dict[cst.CSTNode, cst.CSTNode] | None = None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        if self._parents is None:
            self._parents = {}
            pending: list[cst.CSTNode] = [self.module]
            while pending:
                current = pending.pop()
                for child in syntax.children(current):
                    self._parents[child] = current
                    pending.append(child)
        return self._parents.get(node)


def verdict(selection: Selection | MethodCall, instead: Pick, tree: Tree) -> str | None:
    """None when the selection (or call) only feeds shape reads that agree with `instead`'s:
    no finding. Otherwise what the finding's message adds ("" when its values are used)."""
    reads = _reads(selection.node, tree)
    if reads is None:
        return ""
    if instead.alike:
        return None
    if not isinstance(selection, Selection):
        return ""
    code = _dimensions(Pick.same(selection, selection.text), selection)
    fix = _dimensions(instead, selection)
    for node, read in reads:
        if code is None or fix is None:
            return (
                f" Only its shape is read (`{syntax.text(node)}`), and rnncheck cannot tell "
                f"whether it is the shape of `{instead.text}`."
            )
        if not _agree(code, fix, read):
            return (
                f" Only its shape is read, and `{syntax.text(node)}` gives {_show(code, read)}; "
                f"`{instead.text}` would give {_show(fix, read)}."
            )
    return None


def _dimensions(pick: Pick, selection: Selection) -> tuple[Dimension, ...] | None:
    base, part, items = selection.base, pick.part, pick.items
    if part == "state":
        first = items[0] if items else None
        if not isinstance(first, int) or first not in (0, 1, -1, -2):
            return None
        part, items = ("h_n" if first % 2 == 0 else "c_n"), items[1:]
    if part is None:
        return None
    dimensions = selection.layout.dimensions(part, base.batch_first, base.batched)
    return selected(dimensions, tuple(_index(item) for item in items))


def _index(item: Item) -> Index:
    if item is WHOLE or isinstance(item, Samples):  # an index per sample keeps the batch
        return ":"
    if isinstance(item, LastSteps):  # one step per sample: the time axis goes
        return -1
    if isinstance(item, Span):
        return item.text
    return item if isinstance(item, int | Size) else None


def _agree(code: tuple[Dimension, ...], fix: tuple[Dimension, ...], read: Read) -> bool:
    if read == "rank":
        return len(code) == len(fix)
    if read == "shape":
        return len(code) == len(fix) and all(a.same(b) for a, b in zip(code, fix, strict=True))
    ours, theirs = _axis(code, read), _axis(fix, read)
    return ours is not None and theirs is not None and ours.same(theirs)


def _axis(dimensions: tuple[Dimension, ...], position: int) -> Dimension | None:
    return dimensions[position] if -len(dimensions) <= position < len(dimensions) else None


def _show(dimensions: tuple[Dimension, ...], read: Read) -> str:
    if read == "rank":
        return f"{len(dimensions)} axes"
    if read == "shape":
        return "(" + ", ".join(str(d) for d in dimensions) + ")"
    found = _axis(dimensions, read)
    return f"no axis {read} (an IndexError)" if found is None else str(found)


# ---- where a selection flows ---------------------------------------------------------------


def _reads(node: cst.CSTNode, tree: Tree) -> list[tuple[cst.CSTNode, Read]] | None:
    """The shape reads `node` flows into; None when anything else uses it."""
    direct = _shape_read(node, tree)
    if direct is not None:
        return [direct]
    name = _assigned_to(node, tree)
    scope = _scope(name, tree) if name is not None else None
    if name is None or scope is None:
        return None
    reads = []
    for use in _uses(name, scope):
        read = _shape_read(use, tree)
        if read is None:
            return None
        reads.append(read)
    return reads or None


def _shape_read(node: cst.CSTNode, tree: Tree) -> tuple[cst.CSTNode, Read] | None:
    """`x.size(i)`, `x.shape[i]`, `x.shape`, `x.dim()`, `x.ndim`, `len(x)` or `x.numel()` read
    off `node`, with the node that reads it."""
    parent = tree.parent(node)
    if isinstance(parent, cst.Arg) and parent.keyword is None:
        call = tree.parent(parent)
        if isinstance(call, cst.Call) and len(call.args) == 1 and syntax.dotted(call.func) == "len":
            return call, 0
        return None
    if not isinstance(parent, cst.Attribute) or parent.value is not node:
        return None
    outer = tree.parent(parent)
    attribute = parent.attr.value
    if attribute == "ndim":
        return parent, "rank"
    if attribute == "shape":
        if isinstance(outer, cst.Subscript) and outer.value is parent:
            element = outer.slice[0].slice if len(outer.slice) == 1 else None
            index = element.value if isinstance(element, cst.Index) else None
            return outer, _literal_axis(index)
        return parent, "shape"
    if not isinstance(outer, cst.Call) or outer.func is not parent:
        return None
    args = outer.args
    if attribute in ("dim", "numel") and not args:
        return outer, "rank" if attribute == "dim" else "shape"
    if attribute == "size" and len(args) <= 1:
        keyword = args[0].keyword if args else None
        if keyword is None or keyword.value == "dim":
            return outer, _literal_axis(args[0].value if args else None)
    return None


def _literal_axis(index: cst.BaseExpression | None) -> Read:
    """The axis an index names when it is a literal; else the whole shape is compared."""
    number = syntax.int_literal(index) if index is not None else None
    return "shape" if number is None else number


def _assigned_to(node: cst.CSTNode, tree: Tree) -> cst.Name | None:
    """The name `node` is given when it is the whole value of `name = node`."""
    parent = tree.parent(node)
    if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
        target = parent.targets[0].target
        return target if isinstance(target, cst.Name) else None
    if isinstance(parent, cst.AnnAssign) and parent.value is node:
        return parent.target if isinstance(parent.target, cst.Name) else None
    return None


def _scope(node: cst.CSTNode, tree: Tree) -> cst.FunctionDef | None:
    """The function a name is local to. None for a module's or a class's names: importers, later
    notebook cells and `self.x` read those from anywhere, so their uses cannot all be seen."""
    current = tree.parent(node)
    while current is not None and not isinstance(current, cst.FunctionDef):
        if isinstance(current, cst.ClassDef):
            return None
        current = tree.parent(current)
    return current


def _uses(name: cst.Name, scope: cst.CSTNode) -> list[cst.Name]:
    """Every other occurrence of the name in its scope: reads, and any other binding, which
    the caller takes as a use that is not a shape read."""
    found = []
    pending = [scope]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Name) and current.value == name.value and current is not name:
            found.append(current)
        children = list(syntax.children(current))
        if isinstance(current, cst.Attribute | cst.Arg):
            # `x.name` and `f(name=...)` spell the name without using it.
            skipped = current.attr if isinstance(current, cst.Attribute) else current.keyword
            children = [child for child in children if child is not skipped]
        pending.extend(reversed(children))
    return found
