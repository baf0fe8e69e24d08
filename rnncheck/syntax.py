"""What the syntax tree says by itself: literals, statement lists, children, the names a node binds.

Nothing here knows about RNNs; the reading in `reading` asks. Children are read off each
node's fields, because libcst's `children` and its visitors rebuild the tree to find them,
which costs more than the whole analysis.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import libcst as cst


def literal(node: cst.BaseExpression) -> object:
    """The value a literal spells out; ValueError when the node is not one."""
    if isinstance(node, cst.Integer | cst.Float | cst.SimpleString):
        try:
            return node.evaluated_value
        except (ValueError, SyntaxError) as error:
            raise ValueError(str(error)) from None
    try:
        return ast.literal_eval(text(node))
    except (SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise ValueError(str(error)) from None


def int_literal(node: cst.BaseExpression) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    if (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, cst.Minus)
        and isinstance(node.expression, cst.Integer)
    ):
        return -int(node.expression.evaluated_value)
    return None


_CODE = cst.Module([])


def text(node: cst.CSTNode) -> str:
    return _CODE.code_for_node(node)


def dotted(node: cst.BaseExpression) -> str:
    """`a.b.c` for a chain of names and attributes, "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def head(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def statements(body: cst.BaseSuite | None) -> list[cst.CSTNode]:
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    if isinstance(body, cst.Else | cst.Finally):
        return statements(body.body)
    return []


def first_base(node: cst.ClassDef) -> str | None:
    return (
        node.bases[0].value.value
        if node.bases and isinstance(node.bases[0].value, cst.Name)
        else None
    )


def leaves(block: cst.CSTNode | None) -> bool:
    """Whether a block always ends in return, raise, break or continue."""
    body = statements(block) if not isinstance(block, cst.If) else []
    if not body or not isinstance(body[-1], cst.SimpleStatementLine):
        return False
    return isinstance(body[-1].body[-1], cst.Return | cst.Raise | cst.Break | cst.Continue)


def expressions(node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    """The expressions directly inside a node, without entering nested statements."""
    for child in children(node):
        if isinstance(child, cst.BaseExpression):
            yield child
        elif not isinstance(child, cst.BaseStatement | cst.BaseSuite):
            yield from expressions(child)


def inner_statements(node: cst.CSTNode) -> Iterator[cst.BaseStatement]:
    for child in children(node):
        if isinstance(child, cst.BaseStatement):
            yield child
        else:
            yield from inner_statements(child)


_FIELDS: dict[type, tuple[str, ...]] = {}
_IS_NODE: dict[type, bool] = {}


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """A node's children in source order, read off its fields: libcst's `children` and visitors
    rebuild the tree to find them, which costs more than the whole analysis."""
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(node))
    for name in names:
        value = getattr(node, name)
        if _node(value):
            yield value
        elif type(value) in (tuple, list):
            yield from (item for item in value if _node(item))


def _node(value: object) -> bool:
    """`isinstance(value, cst.CSTNode)`, remembered per type: the ABC check is slow."""
    kind = type(value)
    known = _IS_NODE.get(kind)
    if known is None:
        known = _IS_NODE[kind] = isinstance(value, cst.CSTNode)
    return known


def names(target: cst.CSTNode) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Attribute):
        return {text(target)}
    if isinstance(target, cst.Tuple | cst.List):
        return set().union(*(names(e.value) for e in target.elements))
    if isinstance(target, cst.StarredElement):
        return names(target.value)
    return set()


BINDS_TARGET = frozenset(
    {cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr}
)
"""Node types (exactly: type checks are cheaper than libcst's ABC isinstance) with a `target`."""


_BOUND: dict[cst.CSTNode, frozenset[str]] = {}
"""Every node's bound names, filled bottom-up once per module (`forget_module` empties it)."""
_NOTHING: frozenset[str] = frozenset()


def forget_module() -> None:
    """Drop what was remembered about the module just read."""
    _BOUND.clear()
    _ROWS.clear()


def assigned(node: cst.CSTNode) -> frozenset[str]:
    """Every name a node binds anywhere inside it (targets, loop variables, `as` names)."""
    known = _BOUND.get(node)
    if known is not None:
        return known
    pending: list[tuple[cst.CSTNode, bool]] = [(node, False)]
    while pending:
        current, children_done = pending.pop()
        if current in _BOUND:
            continue
        if not children_done:
            pending.append((current, True))
            pending.extend((child, False) for child in children(current) if child not in _BOUND)
            continue
        names = _own_bindings(current)
        for child in children(current):
            if _BOUND[child]:
                names = names | _BOUND[child]
        _BOUND[current] = names
    return _BOUND[node]


def _own_bindings(node: cst.CSTNode) -> frozenset[str]:
    kind = type(node)
    if kind in BINDS_TARGET:
        return frozenset(names(node.target))  # type: ignore[attr-defined]
    if kind is cst.AsName:
        return frozenset(names(node.name))  # type: ignore[attr-defined]
    if kind is cst.MatchAs and node.name is not None:  # type: ignore[attr-defined]
        return frozenset({node.name.value})  # type: ignore[attr-defined]
    return _NOTHING


def names_in(node: cst.CSTNode) -> set[str]:
    names = set(assigned(node))
    if isinstance(node, cst.Lambda):
        names |= {p.name.value for p in node.params.params}
    return names


def self_targets(method: cst.FunctionDef, self_name: str) -> set[str]:
    prefix = self_name + "."
    return {
        n[len(prefix) :]
        for n in assigned(method)
        if n.startswith(prefix) and "." not in n[len(prefix) :]
    }


def binding_counts(body: Iterable[cst.CSTNode]) -> dict[str, int]:
    """How many module-level statements bind each name (a name bound once is a constant)."""
    counts: dict[str, int] = {}
    for statement in body:
        for name in assigned(statement):
            counts[name] = counts.get(name, 0) + 1
    return counts


@dataclass(frozen=True)
class Rows:
    """The constant rows a body takes of each expression: `h[-2]` and `h[-1]` side by side in one
    expression pair with each other (`together`); taken on their own anywhere in the body, with
    every other such row (`alone`)."""

    together: dict[cst.Subscript, frozenset[int]]
    alone: dict[str, frozenset[int]]

    def beside(self, node: cst.Subscript) -> frozenset[int]:
        """The other rows of the same expression that go with `node`'s own."""
        own = first_index(node)
        paired = self.together.get(node)
        others = paired if paired is not None else self.alone.get(text(node.value), frozenset())
        return others - {own}


_ROWS: dict[cst.CSTNode, Rows] = {}


def rows(node: cst.CSTNode) -> Rows:
    """The constant rows taken in a body (read once per module: functions are read many times)."""
    known = _ROWS.get(node)
    if known is not None:
        return known
    alone: dict[str, set[int]] = {}
    together: dict[cst.Subscript, frozenset[int]] = {}
    pending = [node]
    while pending:
        current = pending.pop()
        by_base: dict[str, list[tuple[cst.Subscript, int]]] = {}
        for subscript, number in _side_by_side(current):
            by_base.setdefault(text(subscript.value), []).append((subscript, number))
        for entries in by_base.values():
            numbers = frozenset(number for _, number in entries)
            if len(numbers) > 1:
                together.update((subscript, numbers) for subscript, _ in entries)
        if type(current) is cst.Subscript and current not in together:
            number = first_index(current)  # type: ignore[arg-type]
            if number is not None:
                alone.setdefault(text(current.value), set()).add(number)  # type: ignore[attr-defined]
        pending.extend(children(current))
    found = Rows(together, {base: frozenset(numbers) for base, numbers in alone.items()})
    _ROWS[node] = found
    return found


def first_index(node: cst.Subscript) -> int | None:
    """The constant first index of a subscript (`-1` in `h[-1, :, :]`), if it has one."""
    first = node.slice[0].slice if node.slice else None
    return int_literal(first.value) if isinstance(first, cst.Index) else None


def _side_by_side(node: cst.CSTNode) -> list[tuple[cst.Subscript, int]]:
    """Subscripts with a constant first index that are direct elements of one expression."""
    if isinstance(node, cst.Tuple | cst.List):
        parts = [element.value for element in node.elements]
    elif isinstance(node, cst.Call):
        parts = [arg.value for arg in node.args]
    elif isinstance(node, cst.BinaryOperation):
        parts = [node.left, node.right]
    else:
        return []
    return [
        (part, number)
        for part in parts
        if isinstance(part, cst.Subscript) and (number := first_index(part)) is not None
    ]
