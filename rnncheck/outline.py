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

Lines between statements hold only blanks and comments; no reading looks at them. Both are
kept as fingerprints (`summary`) by the digest of the text, so that asking again about a file
that did not change parses nothing.
"""

from __future__ import annotations

import ast
import functools
import re

import libcst as cst

from rnncheck import syntax
from rnncheck.queries import fingerprint
from rnncheck.source import lines

Outline = tuple[tuple[object, ...], ...]
Summary = tuple[str, dict[str, str]]
"""What `summary` gives, as a cache keeps it: the outline's fingerprint, each definition's."""

LONE_CR = re.compile(r"\r(?!\n)")
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@functools.lru_cache(maxsize=64)
def parsed(text: str | None) -> cst.Module | None:
    """A program text's tree, parsed once for the checked file and for the files reading it
    as another's (the same text is the same tree: nothing changes a tree); None when it does
    not parse."""
    if text is None:
        return None
    try:
        return cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None


def summary(text: str | None) -> Summary | None:
    """The fingerprint of a program's outline, and of each of its definitions' texts by name;
    None when it does not parse. A text whose statements the standard parser does not give
    alike is outlined as a whole."""
    shape = _shape(text)
    if shape is None:
        return None
    items, texts = shape
    return fingerprint(items), {name: fingerprint(found) for name, found in texts.items()}


def _shape(text: str | None) -> tuple[Outline, dict[str, tuple[tuple[int, str], ...]]] | None:
    module = parsed(text)
    if module is None or text is None:
        return None
    whole: tuple[Outline, dict[str, tuple[tuple[int, str], ...]]] = ((("text", text),), {})
    if LONE_CR.search(text):  # the parsers may count its lines apart
        return whole
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return whole
    nodes = [n for n in module.body if isinstance(n, cst.FunctionDef | cst.ClassDef)]
    defined = [n for n in tree.body if isinstance(n, DEFINITIONS)]
    if [n.name.value for n in nodes] != [n.name for n in defined]:
        return whole
    syntax.assigned(module)  # one walk of the whole module, as its reading makes
    rows = lines(text)
    summary = dict(zip(map(id, defined), nodes, strict=True))
    items: list[tuple[object, ...]] = []
    texts: dict[str, list[tuple[int, str]]] = {}
    for statement in tree.body:
        first = min([statement.lineno, *(d.lineno for d in _decorators(statement))])
        last = statement.end_lineno or statement.lineno
        spanned = "\n".join(rows[first - 1 : last])
        node = summary.get(id(statement))
        if node is None:
            items.append((first, last, spanned))
            continue
        kind = "class" if isinstance(node, cst.ClassDef) else "def"
        bound = tuple(sorted(syntax.assigned(node)))
        items.append((kind, node.name.value, bound, tuple(sorted(syntax.changes(node)))))
        texts.setdefault(node.name.value, []).append((first, spanned))
    return tuple(items), {name: tuple(found) for name, found in texts.items()}


def _decorators(statement: ast.stmt) -> list[ast.expr]:
    return list(getattr(statement, "decorator_list", ()))
