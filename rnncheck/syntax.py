"""What the syntax tree says by itself: literals, statement lists, children, the names a node binds.

Nothing here knows about RNNs; the reading in `reading` asks. Children are read off each
node's fields, because libcst's `children` and its visitors rebuild the tree to find them,
which costs more than the whole analysis.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import operator
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import libcst as cst

from rnncheck.index import DICT_READS


def literal(node: cst.BaseExpression) -> object:
    """The value a literal spells out; ValueError when the node is not one."""
    if type(node) in NUMBERS_AND_STRINGS:
        try:
            return _evaluated(node.value)  # type: ignore[attr-defined]
        except (ValueError, SyntaxError) as error:
            raise ValueError(str(error)) from None
    if not _may_be_literal(node):
        raise ValueError("not a literal")
    try:
        return ast.literal_eval(text(node))
    except (SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise ValueError(str(error)) from None


NUMBERS_AND_STRINGS = frozenset({cst.Integer, cst.Float, cst.SimpleString})
LITERAL_LEAVES = (
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.SimpleString,
    cst.ConcatenatedString,
)
LITERAL_NAMES = frozenset({"True", "False", "None"})


def _may_be_literal(node: cst.CSTNode) -> bool:
    """Whether `ast.literal_eval` could accept the node: most expressions are names and calls,
    which need no compiling to be turned down."""
    kind = type(node)
    if kind in LITERAL_LEAVES or kind is cst.Ellipsis:
        return True
    if kind is cst.Name:
        return node.value in LITERAL_NAMES  # type: ignore[attr-defined]
    if kind is cst.Call:  # `set()`, the one call literal_eval reads
        return dotted(node.func) == "set" and not node.args  # type: ignore[attr-defined]
    if kind in LITERAL_PARTS:
        try:
            return all(_may_be_literal(child) for child in children(node))
        except RecursionError:  # literal_eval turns it down
            return True
    return False


LITERAL_PARTS = frozenset(
    {
        cst.UnaryOperation,
        cst.BinaryOperation,
        cst.Tuple,
        cst.List,
        cst.Set,
        cst.Dict,
        cst.Element,
        cst.DictElement,
    }
)


def int_literal(node: cst.BaseExpression) -> int | None:
    if type(node) is cst.Integer:
        return int(_evaluated(node.value))  # type: ignore[call-overload]
    if (
        type(node) is cst.UnaryOperation
        and type(node.operator) is cst.Minus
        and type(node.expression) is cst.Integer
    ):
        return -int(_evaluated(node.expression.value))  # type: ignore[call-overload]
    return None


@functools.lru_cache(maxsize=4096)
def _evaluated(spelled: str) -> object:
    """A number's or a string's value, as libcst's `evaluated_value` gives it (the same few
    literals are read again in every reading of a body)."""
    return ast.literal_eval(spelled)


MAX_PARSED = 128
"""How many trees are kept by text: as many as the drivers kept across checked files hold
(`driver.MAX_PREPARED` + `driver.MAX_GENERIC`). With 64, a file whose tree a kept driver still
held was parsed again (stanza, 81 files read: 15 of 118 parses), and its walk made again."""


@functools.lru_cache(maxsize=MAX_PARSED)
def parsed(text: str | None) -> cst.Module | None:
    """A program text's tree, parsed once for the checked file and for the files reading it
    as another's (the same text is the same tree: nothing changes a tree); None when it does
    not parse.

    The nodes the parser builds are not validated again as they are made (`_validate`, a
    sixth of the parse): its grammar already holds every rule a node's validation tests
    (libcst's own note at `CSTNode.__post_init__` says as much). Nodes made by hand, as fixes
    make them, are still validated."""
    if text is None:
        return None
    validate = cst.CSTNode.__post_init__
    cst.CSTNode.__post_init__ = _parsed_node  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    finally:
        cst.CSTNode.__post_init__ = validate  # type: ignore[method-assign]


def _parsed_node(node: cst.CSTNode) -> None:
    """A node as the parser makes it: valid by the grammar."""


_CODE = cst.Module([])


def text(node: cst.CSTNode) -> str:
    """A node's source; names and plain attribute chains are spelt without generating code,
    which is most of the calls and costs a hundred times more."""
    kind = type(node)
    if kind is cst.Name and not node.lpar:  # type: ignore[attr-defined]
        return node.value  # type: ignore[attr-defined]
    if kind is cst.Attribute and not node.lpar and _tight(node.dot):  # type: ignore[attr-defined]
        return f"{text(node.value)}.{node.attr.value}"  # type: ignore[attr-defined]
    known = _TEXT.get(node)
    if known is None:
        known = _TEXT[node] = _CODE.code_for_node(node)
    return known


_TEXT: dict[cst.CSTNode, str] = {}
"""Generated source by node (a body is read in many contexts, and trees never change);
`forget_module` empties it."""


def _tight(dot: cst.Dot) -> bool:
    """A `.` with no space or line break on either side."""
    return all(
        type(space) is cst.SimpleWhitespace and not space.value
        for space in (dot.whitespace_before, dot.whitespace_after)
    )


def dotted(node: cst.BaseExpression) -> str:
    """`a.b.c` for a chain of names and attributes, "" for anything else."""
    if type(node) is cst.Name:  # exact types: no libcst node has subclasses
        return node.value
    if type(node) is cst.Attribute:
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def head(node: cst.BaseExpression) -> str | None:
    while type(node) is cst.Attribute:
        node = node.value
    return node.value if type(node) is cst.Name else None


def statements(body: cst.BaseSuite | None) -> list[cst.CSTNode]:
    if type(body) is cst.IndentedBlock:
        return list(body.body)
    if type(body) is cst.SimpleStatementSuite:
        return [cst.SimpleStatementLine(body=body.body)]
    if type(body) is cst.Else or type(body) is cst.Finally:
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
    body = statements(block) if type(block) is not cst.If else []
    if not body or type(body[-1]) is not cst.SimpleStatementLine:
        return False
    return type(body[-1].body[-1]) in LEAVING  # type: ignore[attr-defined]


LEAVING = frozenset({cst.Return, cst.Raise, cst.Break, cst.Continue})


def expressions(node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    """The expressions directly inside a node, without entering nested statements."""
    for child in children(node):
        if _IS_EXPRESSION[type(child)]:
            yield child  # type: ignore[misc]
        elif not _IS_BLOCK[type(child)]:
            yield from expressions(child)


def inner_statements(node: cst.CSTNode) -> Iterator[cst.BaseStatement]:
    for child in children(node):
        if _IS_STATEMENT[type(child)]:
            yield child  # type: ignore[misc]
        else:
            yield from inner_statements(child)


TRIVIA = (
    cst.BaseParenthesizableWhitespace,
    cst.EmptyLine,
    cst.TrailingWhitespace,
    cst.Newline,
    cst.Comment,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Comma,
    cst.Semicolon,
    cst.Colon,
    cst.Dot,
    cst.AssignEqual,
    cst.ImportStar,
    cst.ParamStar,
    cst.ParamSlash,
    cst.Asynchronous,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
)
"""Whitespace, brackets, separators and operator tokens: no name, value or row is in them."""

TRIVIAL_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "comma",
        "semicolon",
        "colon",
        "equal",
        "dot",
        "leading_lines",
        "lines_after_decorator",
        "header",
        "footer",
        "newline",
        "trailing_whitespace",
        "first_line",
        "last_line",
        "empty_lines",
        "leading_whitespace",
        "first_colon",
        "second_colon",
    }
)
"""Fields that only ever hold trivia (with every `whitespace*` field): not even looked at."""


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """A node's children, field by field in the order of its fields, less its trivia
    (`TRIVIA`): libcst's `children` and visitors rebuild the tree to find them, which costs more
    than the whole analysis, and trivia is about half of all nodes."""
    fields = _FIELDS.get(type(node)) or _fields(type(node))
    found = []
    for value in fields(node):
        kind = type(value)
        if _IS_CHILD[kind]:
            found.append(value)
        elif kind is tuple or kind is list:
            found.extend([item for item in value if _IS_CHILD[type(item)]])  # type: ignore[attr-defined]
    return found


def _fields(kind: type) -> Callable[[cst.CSTNode], tuple[object, ...]]:
    """What reads the fields of a node type that may hold children, all at once."""
    names = [
        field.name
        for field in dataclasses.fields(kind)
        if not field.name.startswith("whitespace") and field.name not in TRIVIAL_FIELDS
    ]
    if len(names) == 1:
        name = names[0]
        _FIELDS[kind] = lambda node: (getattr(node, name),)
    else:
        _FIELDS[kind] = operator.attrgetter(*names) if names else lambda node: ()
    return _FIELDS[kind]


class _ByType(dict[type, bool]):
    """A test of a type (which of libcst's classes it subclasses), made once per type: libcst's
    classes are ABCs, whose checks are slow."""

    def __init__(self, test: Callable[[type], bool]) -> None:
        super().__init__()
        self.test = test

    def __missing__(self, kind: type) -> bool:
        known = self[kind] = self.test(kind)
        return known


_FIELDS: dict[type, Callable[[cst.CSTNode], tuple[object, ...]]] = {}
_IS_CHILD = _ByType(lambda kind: issubclass(kind, cst.CSTNode) and not issubclass(kind, TRIVIA))
"""Whether a field's value of each type is a node worth visiting."""
_IS_EXPRESSION = _ByType(lambda kind: issubclass(kind, cst.BaseExpression))
_IS_STATEMENT = _ByType(lambda kind: issubclass(kind, cst.BaseStatement))
_IS_BLOCK = _ByType(lambda kind: issubclass(kind, cst.BaseStatement | cst.BaseSuite))


def names(target: cst.CSTNode) -> set[str]:
    if type(target) is cst.Name:
        return {target.value}
    if type(target) is cst.Attribute:
        return {text(target)}
    if type(target) is cst.Tuple or type(target) is cst.List:
        return set().union(*(names(e.value) for e in target.elements))
    if type(target) is cst.StarredElement:
        return names(target.value)
    return set()


BINDS_TARGET = frozenset(
    {
        cst.AssignTarget,
        cst.AnnAssign,
        cst.AugAssign,
        cst.For,
        cst.CompFor,
        cst.NamedExpr,
    }
)
"""Node types (exactly: type checks are cheaper than libcst's ABC isinstance) with a `target`."""
BINDING = BINDS_TARGET | {cst.AsName, cst.MatchAs}
"""Node types (exactly) that may bind a name of their own (`_own_bindings`)."""
PAIRING = frozenset({cst.Tuple, cst.List, cst.Call, cst.BinaryOperation})
"""Node types (exactly) whose direct parts may take rows side by side (`_pair`)."""


@dataclass
class _Walk:
    """One walk of a tree, every node numbered in visiting order, so that a subtree is a range of
    numbers and what it binds, or which rows it takes, is a slice of what the walk found."""

    bound_at: list[int] = dataclasses.field(default_factory=list)
    bound: list[frozenset[str]] = dataclasses.field(default_factory=list)
    alone_at: list[int] = dataclasses.field(default_factory=list)
    alone: list[tuple[Taken, int]] = dataclasses.field(default_factory=list)
    """Subscripts with a constant index that are not taken together with another row."""
    together: dict[cst.Subscript, frozenset[int]] = dataclasses.field(default_factory=dict)
    beside: dict[cst.Subscript, frozenset[tuple[int, str, int]]] = dataclasses.field(
        default_factory=dict
    )
    """Subscripts without a constant index -> the constant indices of the same base taken in
    the same expression (position, what follows, index)."""
    changed_at: list[int] = dataclasses.field(default_factory=list)
    changed: list[frozenset[str]] = dataclasses.field(default_factory=list)
    """The names each node may change the contents of (`changes`)."""


_SPANS: dict[cst.CSTNode, tuple[_Walk, int, int]] = {}
"""Statement-like nodes -> their walk and their range in it; filled by one walk per module
(`forget_module` empties it)."""
_KEPT: dict[cst.CSTNode, tuple[_Walk, int, int]] = {}
"""The same for the modules `keep` names, which `forget_module` keeps."""
_KEEPING: set[cst.Module] = set()
MAX_KEPT = 128
"""How many modules' walks are kept (as many as the other files kept parsed,
`MAX_PARSED`)."""
_BOUND: dict[cst.CSTNode, frozenset[str]] = {}
_NOTHING: frozenset[str] = frozenset()


def forget_module() -> None:
    """Drop what was remembered about the module just read (not the walks of kept modules)."""
    _SPANS.clear()
    _BOUND.clear()
    _ROWS.clear()
    _TEXT.clear()


def keep(module: cst.Module) -> None:
    """Keep the walk of a module that is read again and again (another file, parsed once and
    read for each file that asks about it): the walk is a function of the tree alone."""
    if module not in _KEEPING:
        if len(_KEEPING) >= MAX_KEPT:
            _KEEPING.clear()
            _KEPT.clear()
        _KEEPING.add(module)


def _span(node: cst.CSTNode) -> tuple[_Walk, int, int]:
    known = _SPANS.get(node) or _KEPT.get(node)
    if known is None:
        _walk(node)
        known = _SPANS.get(node) or _KEPT[node]
    return known


_SPANNED = _ByType(
    lambda kind: issubclass(
        kind,
        cst.Module
        | cst.BaseStatement
        | cst.BaseSmallStatement
        | cst.BaseSuite
        | cst.Lambda
        | cst.BaseComp,
    )
)
"""Whether a node of this type may be asked what it binds or which rows it takes: the walk
remembers only those nodes' ranges (any other is walked on its own when asked)."""


def _walk(root: cst.CSTNode) -> None:
    """Visit every node under `root` once: what each binds, and the rows each expression takes.
    Childless nodes (`CHILDLESS`) are not visited: they hold nothing of that, and a range
    without them holds the same."""
    walk = _Walk()
    position = 0
    spans = _KEPT if root in _KEEPING else _SPANS
    pending: list[cst.CSTNode | tuple[cst.CSTNode, int]] = [root]
    push, walked = pending.append, _WALKED  # `children` inlined: this loop visits every node
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind is tuple:  # where a node's range ends
            spans[node[0]] = (walk, node[1], position)  # type: ignore[index]
            continue
        if node is root or _SPANNED[kind]:
            push((node, position))  # type: ignore[arg-type]
        if kind in ACTING:
            _act(node, kind, position, walk)  # type: ignore[arg-type]
        position += 1
        for value in (_FIELDS.get(kind) or _fields(kind))(node):  # type: ignore[arg-type]
            held = type(value)
            if held is tuple or held is list:
                for item in value:  # type: ignore[attr-defined]
                    if walked[type(item)]:
                        push(item)
            elif walked[held]:
                push(value)  # type: ignore[arg-type]


def _act(node: cst.CSTNode, kind: type, position: int, walk: _Walk) -> None:
    """What one node binds, changes and takes, noted in the walk at its position."""
    if kind in BINDING:
        own = _own_bindings(node)
        if own:
            walk.bound_at.append(position)
            walk.bound.append(own)
    if kind in CHANGING:
        names = _own_changes(node)
        if names:
            walk.changed_at.append(position)
            walk.changed.append(names)
    if kind in PAIRING:
        _pair(node, walk)
    if kind is cst.Subscript and node not in walk.together:
        index = constant_index(node)  # type: ignore[arg-type]
        if index is not None:
            walk.alone_at.append(position)
            walk.alone.append(index)


CHILDLESS = frozenset(
    {cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.Ellipsis}
)
"""Node types (exactly) that never have children, bind, change or take anything."""
_WALKED = _ByType(lambda kind: _IS_CHILD[kind] and kind not in CHILDLESS)
"""Whether the walk visits a node of this type: a child (`children`) that may have some."""


def assigned(node: cst.CSTNode) -> frozenset[str]:
    """Every name a node binds anywhere inside it (targets, loop variables, `as` names)."""
    known = _BOUND.get(node)
    if known is None:
        walk, start, end = _span(node)
        found = walk.bound[bisect_left(walk.bound_at, start) : bisect_left(walk.bound_at, end)]
        known = _BOUND[node] = frozenset().union(*found) if found else _NOTHING
    return known


def changed(root: cst.CSTNode, names: set[str]) -> frozenset[str]:
    """Which of `names` a tree may change the contents of (`changes`)."""
    return changes(root) & names


def changes(root: cst.CSTNode) -> frozenset[str]:
    """The names a tree may change the contents of: item assignment or deletion
    (`cfg["k"] = v`), a method other than a read (`cfg.update(...)`), being handed to a call
    (`build(cfg)`; `f(**cfg)` copies it) or to another name (`alias = cfg`). Found by the
    tree's one walk, as what it binds is."""
    walk, start, end = _span(root)
    found = walk.changed[bisect_left(walk.changed_at, start) : bisect_left(walk.changed_at, end)]
    return frozenset().union(*found) if found else _NOTHING


CHANGING = frozenset(
    {cst.Assign, cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del, cst.Call}
)
"""Node types (exactly) that may change the contents of a name (`_own_changes`)."""
ACTING = BINDING | CHANGING | PAIRING | {cst.Subscript}
"""Node types (exactly) the walk notes something of (`_act`)."""


def _own_changes(node: cst.CSTNode) -> frozenset[str]:
    """The names one node (not its children) may change the contents of (`changes`)."""
    kind = type(node)
    if kind is cst.Assign:
        value = node.value  # type: ignore[attr-defined]
        return frozenset({value.value}) if type(value) is cst.Name else _NOTHING
    if kind is cst.Call:
        found = set()
        func = node.func  # type: ignore[attr-defined]
        method = type(func) is cst.Attribute and type(func.value) is cst.Name
        if method and func.attr.value not in DICT_READS:
            found.add(func.value.value)
        for arg in node.args:  # type: ignore[attr-defined]
            if not arg.star and type(arg.value) is cst.Name:
                found.add(arg.value.value)
        return frozenset(found) if found else _NOTHING
    target = node.target  # type: ignore[attr-defined]
    if type(target) is cst.Subscript and type(target.value) is cst.Name:
        return frozenset({target.value.value})
    return _NOTHING


def binding_count(node: cst.CSTNode, name: str) -> int:
    """How many targets inside a node bind `name` (`self.layers` twice in one `__init__`)."""
    walk, start, end = _span(node)
    found = walk.bound[bisect_left(walk.bound_at, start) : bisect_left(walk.bound_at, end)]
    return sum(name in bound for bound in found)


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


Taken = tuple[str, int, str]
"""What a subscript with one constant index selects, but for that index: the base, the index's
position and the elements after it (`out[:, -1]` and `out[:, 0, :]` take the same, at other steps)."""


@dataclass(frozen=True)
class Rows:
    """The constant rows (or steps) a body takes of each expression: `h[-2]` and `h[-1]` side by
    side in one expression pair with each other (`together`); taken on their own anywhere in the
    body, with every other such row (`alone`)."""

    together: dict[cst.Subscript, frozenset[int]]
    alone: dict[Taken, frozenset[int]]
    indexed: dict[cst.Subscript, frozenset[tuple[int, str, int]]] = dataclasses.field(
        default_factory=dict
    )
    """For a subscript without a constant index, those of the same base in its expression."""

    def taken_at(self, node: cst.CSTNode, base: str, position: int) -> frozenset[int]:
        """The constant indices at `position`, every other axis whole, that the body takes of
        `base` beside `node` (`out[:, 0]` with `out[rows, lengths - 1]`): in the same
        expression, or on their own anywhere in the body."""
        beside = self.indexed.get(node, frozenset())  # type: ignore[call-overload]
        numbers = {number for at, rest, number in beside if at == position and not rest}
        return frozenset(numbers) | self.alone.get((base, position, ""), frozenset())

    def beside(self, node: cst.Subscript) -> frozenset[int]:
        """The other rows of the same expression that go with `node`'s own."""
        index = constant_index(node)
        if index is None:
            return frozenset()
        taken, own = index
        paired = self.together.get(node)
        others = paired if paired is not None else self.alone.get(taken, frozenset())
        return others - {own}


_ROWS: dict[cst.CSTNode, Rows] = {}


def rows(node: cst.CSTNode) -> Rows:
    """The constant rows taken in a body (found by the module's one walk, gathered once per body:
    functions are read many times)."""
    known = _ROWS.get(node)
    if known is None:
        walk, start, end = _span(node)
        alone: dict[Taken, set[int]] = {}
        for taken, number in walk.alone[
            bisect_left(walk.alone_at, start) : bisect_left(walk.alone_at, end)
        ]:
            alone.setdefault(taken, set()).add(number)
        found = {taken: frozenset(numbers) for taken, numbers in alone.items()}
        known = _ROWS[node] = Rows(walk.together, found, walk.beside)
    return known


def constant_index(node: cst.Subscript) -> tuple[Taken, int] | None:
    """The constant index of a subscript after nothing but whole axes (`-1` in `h[-1, :, :]` and
    in `out[:, -1]`) and what the subscript takes apart from it, if it has one."""
    for position, element in enumerate(node.slice):
        item = element.slice
        if isinstance(item, cst.Index) and (number := int_literal(item.value)) is not None:
            rest = [text(later.slice).strip() for later in node.slice[position + 1 :]]
            while rest and rest[-1] == ":":
                rest.pop()
            return (text(node.value), position, ", ".join(rest)), number
        if not _whole(item):
            return None
    return None


def _whole(item: cst.BaseSlice) -> bool:
    return (
        isinstance(item, cst.Slice)
        and item.lower is None
        and item.upper is None
        and item.step is None
    )


def _pair(node: cst.CSTNode, walk: _Walk) -> None:
    """Note the subscripts with a constant first index that are direct elements of one
    expression (a tuple, list, call or operation) and take different rows of the same base,
    and the constant indices beside each subscript of the same base that has none."""
    kind = type(node)
    if kind is cst.Tuple or kind is cst.List:
        parts = [element.value for element in node.elements]  # type: ignore[attr-defined]
    elif kind is cst.Call:
        parts = [arg.value for arg in node.args]  # type: ignore[attr-defined]
    elif kind is cst.BinaryOperation:
        parts = [node.left, node.right]  # type: ignore[attr-defined]
    else:
        return
    by_base: dict[Taken, list[tuple[cst.Subscript, int]]] = {}
    unindexed: list[cst.Subscript] = []
    for part in parts:
        if type(part) is cst.Subscript:
            if (index := constant_index(part)) is not None:
                by_base.setdefault(index[0], []).append((part, index[1]))
            else:
                unindexed.append(part)
    for entries in by_base.values():
        numbers = frozenset(number for _, number in entries)
        if len(numbers) > 1:
            walk.together.update((subscript, numbers) for subscript, _ in entries)
    for part in unindexed if by_base else ():
        base = text(part.value)
        beside = frozenset(
            (taken[1], taken[2], number)
            for taken, entries in by_base.items()
            if taken[0] == base
            for _, number in entries
        )
        if beside:
            walk.beside[part] = beside
