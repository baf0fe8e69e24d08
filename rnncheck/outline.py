"""What reading another file rests on: its module code apart from each of its definitions.

Another file is read for a checked file's sake from its module code (silently, to learn its
names), then from the classes and functions that reading asks for. The checked file's findings
then rest on two kinds of answers, so an edit of one function leaves the readers of the others
as they were:

- the outline: the module-level statements that are not definitions, each with the lines it
  stands on, and for each class and function its kind, its name, the names it binds anywhere
  inside and the names it may change the contents of (the module's reading counts the one and
  distrusts dicts by the other: `syntax.binding_counts`, `syntax.changed`);
- the definitions: the text of each class or function of that name, with its first
  line (the lines of what is built and called there, in messages).

Both come from the standard parser's tree, which asks no libcst: a run that only asks whether
another file's readings still hold (an edited `config.py` that no rule reads) neither imports
nor runs libcst. What a definition binds and changes is therefore found here again, on that
tree, as `syntax.assigned` and `syntax.changes` find it on libcst's (a test holds the two
alike over real code); a target the two trees may spell apart (an attribute over several
lines, or in parentheses) makes the definition's whole text its entry instead.

Lines between statements hold only blanks and comments; no reading looks at them. Both are
kept as fingerprints (`summary`) by the digest of the text, so that asking again about a file
that did not change parses nothing.
"""

from __future__ import annotations

import ast
import re

from rnncheck.index import DICT_READS
from rnncheck.queries import fingerprint
from rnncheck.source import lines

Summary = tuple[str, dict[str, str]]
"""What `summary` gives, as a cache keeps it: the outline's fingerprint, each definition's."""

LONE_CR = re.compile(r"\r(?!\n)")


def summary(text: str | None) -> Summary | None:
    """The fingerprint of a program's outline, and of each of its definitions' texts by name;
    None when it does not parse. A text the two parsers may count the lines of apart is
    outlined as a whole."""
    if text is None:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if LONE_CR.search(text):
        return fingerprint(text), {}
    rows = lines(text)
    encoded: dict[int, bytes] = {}
    items: list[tuple[object, ...]] = []
    texts: dict[str, list[tuple[int, str]]] = {}
    for statement in tree.body:
        first, last, name = span(statement)
        spanned = "\n".join(rows[first - 1 : last])
        if name is None:
            items.append((first, last, spanned))
            continue
        kind = "class" if isinstance(statement, ast.ClassDef) else "def"
        try:
            bound = tuple(sorted(assigned(statement, rows, encoded)))
            items.append((kind, name, bound, tuple(sorted(changes(statement)))))
        except Unspelt:
            items.append((kind, name, spanned))
        texts.setdefault(name, []).append((first, spanned))
    return fingerprint(items), {name: fingerprint(found) for name, found in texts.items()}


Span = tuple[int, int, str | None]


def span(statement: ast.stmt) -> Span:
    """A module-level statement's first and last line (decorators included), with the name of
    the class or function it defines (None for any other statement)."""
    decorators = getattr(statement, "decorator_list", ())
    first = min([statement.lineno, *(decorator.lineno for decorator in decorators)])
    defines = isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    return first, statement.end_lineno or statement.lineno, statement.name if defines else None


class Unspelt(Exception):
    """A target whose text libcst may spell otherwise than its span here."""


def assigned(node: ast.AST, rows: list[str], encoded: dict[int, bytes]) -> set[str]:
    """Every name a node binds anywhere inside it, as `syntax.assigned`: targets of
    assignments, loops and comprehensions, walrus targets, and `as` names (imports, `with`,
    `except`, `case`); an attribute target by its text (`rows` the program's lines)."""
    found: set[str] = set()
    for inner in ast.walk(node):
        kind = type(inner)
        if kind is ast.Assign:
            for target in inner.targets:  # type: ignore[attr-defined]
                found |= _names(target, rows, encoded)
        elif kind in TARGETED:
            found |= _names(inner.target, rows, encoded)  # type: ignore[attr-defined]
        elif kind is ast.withitem and inner.optional_vars is not None:  # type: ignore[attr-defined]
            found |= _names(inner.optional_vars, rows, encoded)  # type: ignore[attr-defined]
        elif kind in NAMED and inner.name is not None:  # type: ignore[attr-defined]
            found.add(inner.name)  # type: ignore[attr-defined]
        elif kind is ast.alias and inner.asname is not None:  # type: ignore[attr-defined]
            found.add(inner.asname)  # type: ignore[attr-defined]
    return found


TARGETED = frozenset(
    {ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension, ast.NamedExpr}
)
NAMED = frozenset({ast.ExceptHandler, ast.MatchAs})


def _names(target: ast.AST, rows: list[str], encoded: dict[int, bytes]) -> set[str]:
    """The names one target binds, as `syntax.names`."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Attribute):
        return {_spelt(target, rows, encoded)}
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*(_names(element, rows, encoded) for element in target.elts))
    if isinstance(target, ast.Starred):
        return _names(target.value, rows, encoded)
    return set()


CLOSING = re.compile(rb"[ \t\f]*(?:#.*)?$|[ \t\f]*\)")


def _spelt(node: ast.Attribute, rows: list[str], encoded: dict[int, bytes]) -> str:
    """An attribute target's text; `Unspelt` when libcst may spell it otherwise: over several
    lines (it drops the block's indentation there) or where a parenthesis or the line's end
    follows it (a parenthesis closing after it may be its own, which libcst spells with it)."""
    row = node.lineno
    if node.end_lineno != row or node.end_col_offset is None:
        raise Unspelt
    if row not in encoded:
        encoded[row] = rows[row - 1].encode()
    line = encoded[row]
    if CLOSING.match(line, node.end_col_offset):
        raise Unspelt
    return line[node.col_offset : node.end_col_offset].decode()


def changes(node: ast.AST) -> set[str]:
    """The names a node may change the contents of, as `syntax.changes`: item assignment or
    deletion (`cfg["k"] = v`), a method other than a read (`cfg.update(...)`), being handed to
    a call (`build(cfg)`; `f(**cfg)` copies it) or to another name (`alias = cfg`)."""
    found: set[str] = set()
    for inner in ast.walk(node):
        kind = type(inner)
        if kind is ast.Assign:
            found |= _name(inner.value)  # type: ignore[attr-defined]
            for target in inner.targets:  # type: ignore[attr-defined]
                found |= _item_of(target)
        elif kind is ast.AugAssign or kind is ast.AnnAssign:
            found |= _item_of(inner.target)  # type: ignore[attr-defined]
        elif kind is ast.Delete and len(inner.targets) == 1:  # type: ignore[attr-defined]
            found |= _item_of(inner.targets[0])  # type: ignore[attr-defined]
        elif kind is ast.Call:
            func = inner.func  # type: ignore[attr-defined]
            if isinstance(func, ast.Attribute) and func.attr not in DICT_READS:
                found |= _name(func.value)
            for argument in inner.args:  # type: ignore[attr-defined]
                found |= _name(argument)
            for keyword in inner.keywords:  # type: ignore[attr-defined]
                if keyword.arg is not None:
                    found |= _name(keyword.value)
    return found


def _item_of(target: ast.AST) -> set[str]:
    """`name[...]` as a target: the name whose contents it changes."""
    return _name(target.value) if isinstance(target, ast.Subscript) else set()


def _name(node: ast.AST) -> set[str]:
    """A name as libcst has one: `True`, `False` and `None` are names there."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Constant) and (node.value is None or type(node.value) is bool):
        return {str(node.value)}
    return set()
