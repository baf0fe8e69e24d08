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

Statements are located by the lines the standard parser gives them (`ModuleIndex.spans`), so
that outlining a file costs no second parse.

Lines between statements hold only blanks and comments; no reading looks at them. Both are
kept as fingerprints (`summary`) by the digest of the text, so that asking again about a file
that did not change parses nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import libcst as cst

from rnncheck import syntax
from rnncheck.index import Span
from rnncheck.queries import fingerprint
from rnncheck.source import lines

Summary = tuple[str, dict[str, str]]
"""What `summary` gives, as a cache keeps it: the outline's fingerprint, each definition's."""

LONE_CR = re.compile(r"\r(?!\n)")


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


def summary(text: str | None, spans: Sequence[Span] | None) -> Summary | None:
    """The fingerprint of a program's outline, and of each of its definitions' texts by name,
    its statements located by `spans` (`ModuleIndex.spans`); None when it does not parse. A
    text whose statements the standard parser does not give alike is outlined as a whole."""
    module = parsed(text)
    if module is None or text is None:
        return None
    names = [n.name.value for n in module.body if isinstance(n, cst.FunctionDef | cst.ClassDef)]
    if spans is None or LONE_CR.search(text) or names != [n for *_, n in spans if n]:
        return fingerprint(text), {}  # the parsers may count its lines or statements apart
    syntax.assigned(module)  # one walk of the whole module, as its reading makes
    nodes = iter(n for n in module.body if isinstance(n, cst.FunctionDef | cst.ClassDef))
    rows = lines(text)
    items: list[tuple[object, ...]] = []
    texts: dict[str, list[tuple[int, str]]] = {}
    for first, last, name in spans:
        spanned = "\n".join(rows[first - 1 : last])
        if name is None:
            items.append((first, last, spanned))
            continue
        node = next(nodes)
        kind = "class" if isinstance(node, cst.ClassDef) else "def"
        bound = tuple(sorted(syntax.assigned(node)))
        items.append((kind, name, bound, tuple(sorted(syntax.changes(node)))))
        texts.setdefault(name, []).append((first, spanned))
    return fingerprint(items), {name: fingerprint(found) for name, found in texts.items()}
