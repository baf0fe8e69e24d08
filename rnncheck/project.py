"""What the checked files say about each other: where classes live and how the code builds them.

Built once per run from the text of every checked file, before any file is analysed, with the
standard library's `ast` (a fraction of libcst's cost) and only on files a regular expression
picks out. Plain data, so worker processes receive it whole.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from rnncheck import notebook
from rnncheck.queries import fingerprint, query
from rnncheck.source import decode, digest

CLASS = re.compile(rb"class[ \t]+([A-Za-z_]\w*)")
BUILDS_RNN = re.compile(rb"(?:RNN|LSTM|GRU)\s*\(")
"""Only a class in a file that builds an RNN can turn constructor values into RNN facts."""
LONE_CR = re.compile(rb"\r(?!\n)")


def _classes(content: bytes) -> Iterable[bytes]:
    """The names after `class` at the start of a line (a pattern that begins with the word
    itself is searched ten times faster than one anchored at every line)."""
    for found in CLASS.finditer(content):
        start = content.rfind(b"\n", 0, found.start()) + 1
        if not content[start : found.start()].strip(b" \t"):
            yield found.group(1)


def _builds_rnn(content: bytes) -> bool:
    """Whether a file calls an RNN class (a plain search first: most files name none)."""
    return any(word in content for word in (b"RNN", b"LSTM", b"GRU")) and bool(
        BUILDS_RNN.search(content)
    )


class NotLiteral:
    """An argument whose value the code does not spell out."""

    def __repr__(self) -> str:
        return "NOT_LITERAL"


NOT_LITERAL = NotLiteral()

SCALARS = (bool, int, float, str, type(None))
"""The literal values a construction can fix: what RNN facts are made of (and hashable)."""


@dataclass(frozen=True)
class Construction:
    """One call that builds a class: where it is, and its arguments where they are literals."""

    path: str
    line: int
    text: str
    positional: tuple[object, ...]
    keywords: tuple[tuple[str, object], ...]
    open_ended: bool
    """Whether `*args` or `**kwargs` may pass arguments that cannot be seen."""


Indexed = tuple[str, str, list[tuple[tuple[str, str], Construction]]]
"""One file's constructions, with the digests of its content and of the class homes they came from."""


@dataclass
class Project:
    """What the checked files say. A file's reading asks it only through its `@query` methods,
    so that a cached result can tell whether what it rests on still holds (`rnncheck.queries`)."""

    definitions: dict[str, str] = field(default_factory=dict)
    """Class name -> the one checked file that defines a class of that name."""
    constructions: dict[tuple[str, str], list[Construction]] = field(default_factory=dict)
    """(defining file, class name) -> the calls that build that class."""
    digests: dict[str, str] = field(default_factory=dict)
    """Checked file -> the digest of its content."""

    @classmethod
    def of(
        cls, files: Iterable[tuple[str, bytes]], known: dict[str, Indexed] | None = None
    ) -> Project:
        """The index of `files`; `known` (from the cache) holds each file's constructions as
        last computed, reused when the file and the homes of the classes are unchanged, and
        receives those computed now."""
        known = {} if known is None else known
        files = list(files)
        contents = {path: _as_source(path, content) for path, content in files}
        project = cls(digests={path: digest(content) for path, content in files})
        defined: dict[str, set[str]] = {}
        for path, content in contents.items():
            for name in _classes(content):
                defined.setdefault(name.decode(), set()).add(path)
        project.definitions = {
            name: next(iter(homes)) for name, homes in defined.items() if len(homes) == 1
        }
        builders = {path for path, content in contents.items() if _builds_rnn(content)}
        relevant = {name: homes for name, homes in defined.items() if homes & builders}
        if not relevant:
            return project
        calls = re.compile(rb"\b(?:" + b"|".join(n.encode() for n in sorted(relevant)) + rb")\s*\(")
        homes = fingerprint(sorted((name, sorted(places)) for name, places in relevant.items()))
        for path, content in contents.items():
            entry = known.get(path)
            if entry is None or entry[:2] != (project.digests[path], homes):
                built = (
                    list(_constructions(path, content, relevant, calls))
                    if calls.search(content)
                    else []
                )
                entry = known[path] = (project.digests[path], homes, built)
            for key, construction in entry[2]:
                project.constructions.setdefault(key, []).append(construction)
        return project

    # ---- queries: what a file's reading may ask about the others ---------------------------

    @query
    def definition(self, name: str) -> str | None:
        """The one project file that defines a class called `name`, if only one does."""
        return self.definitions.get(name)

    @query
    def constructions_of(self, path: str, name: str) -> list[Construction]:
        """The calls in the project that build the class `name` defined in `path`."""
        return self.constructions.get((path, name), [])

    @query
    def source(self, path: str) -> str | None:
        """The program text of a project file (a notebook's code cells), None if unreadable."""
        try:
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError:
            return None
        return decode(_as_source(path, content))


def _as_source(path: str, content: bytes) -> bytes:
    """A notebook's code cells as one program; any other file as it is."""
    if not path.endswith(".ipynb"):
        return content
    text = decode(content)
    try:
        return notebook.read(text).program.encode() if text is not None else b""
    except notebook.NotebookError:
        return b""


def _constructions(
    path: str, content: bytes, defined: dict[str, set[str]], calls: re.Pattern[bytes]
) -> Iterable[tuple[tuple[str, str], Construction]]:
    """The calls in one file of the classes in `defined` (found by `calls`), keyed by the class
    each one builds."""
    text = decode(content)
    if text is None:
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return
    constants = _constants(tree)
    sources = _imported_from(tree)
    lines = text.splitlines()
    for node in _walk_lines(tree, _lines(calls, content)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        home = _home(node.func.id, path, defined, sources)
        if home is None:
            continue
        positional = tuple(_literal(a, constants) for a in node.args)
        keywords = tuple((k.arg, _literal(k.value, constants)) for k in node.keywords if k.arg)
        open_ended = any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        )
        source = _segment(lines, node) or f"{node.func.id}(...)"
        built = Construction(
            path,
            node.lineno,
            " ".join(source.split()),
            positional,
            keywords,
            open_ended,
        )
        yield (home, node.func.id), built


def _lines(pattern: re.Pattern[bytes], content: bytes) -> list[int] | None:
    """The lines (1-based, in order) on which `pattern` matches; None when lone carriage
    returns, which Python counts as line breaks, make counting newlines wrong."""
    if LONE_CR.search(content):
        return None
    found, line, counted = [], 1, 0
    for match in pattern.finditer(content):
        line += content.count(b"\n", counted, match.start())
        counted = match.start()
        if not found or found[-1] != line:
            found.append(line)
    return found


def _walk_lines(tree: ast.AST, lines: list[int] | None) -> Iterable[ast.AST]:
    """`ast.walk`, in its order, less the subtrees that span none of `lines`: most of a file."""
    pending = deque([tree])
    while pending:
        node = pending.popleft()
        for child in ast.iter_child_nodes(node):
            end = getattr(child, "end_lineno", None)
            if lines is None or end is None:
                pending.append(child)
                continue
            decorators = getattr(child, "decorator_list", ())  # above the `def` line
            start = min([child.lineno, *(decorator.lineno for decorator in decorators)])
            if bisect_left(lines, start) < bisect_right(lines, end):
                pending.append(child)
        yield node


def _segment(lines: list[str], node: ast.expr) -> str:
    """The source of a node (ast.get_source_segment splits the whole text on every call)."""
    if node.end_lineno is None or node.end_col_offset is None:
        return ""
    first, last = node.lineno - 1, node.end_lineno - 1
    if first == last:
        return lines[first][node.col_offset : node.end_col_offset]
    middle = lines[first + 1 : last]
    return "\n".join([lines[first][node.col_offset :], *middle, lines[last][: node.end_col_offset]])


def _home(
    name: str, caller: str, defined: dict[str, set[str]], sources: dict[str, str]
) -> str | None:
    """The file whose class `name(...)` in `caller` builds: the caller's own class of that name,
    else the one in the module it is imported from, else the only one; None when unsure."""
    homes = defined.get(name, set())
    if caller in homes:
        return caller
    if name in sources:
        homes = {home for home in homes if _module_name(home) == sources[name]}
    return next(iter(homes)) if len(homes) == 1 else None


def _imported_from(tree: ast.Module) -> dict[str, str]:
    """Names imported at module level with `from X import name`, and the last part of X."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = node.module.rsplit(".", 1)[-1]
    return found


def _module_name(path: str) -> str:
    """The name other files import a file by: its stem, or its package for `__init__.py`."""
    file = PurePath(path)
    return file.parent.name if file.stem == "__init__" else file.stem


def _constants(tree: ast.Module) -> dict[str, object]:
    """Module-level names bound exactly once, to a literal."""
    values: dict[str, object] = {}
    counts: dict[str, int] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    counts[target.id] = counts.get(target.id, 0) + 1
                    values[target.id] = _literal(statement.value, {})
    return {name: value for name, value in values.items() if counts[name] == 1}


def _literal(node: ast.expr, constants: dict[str, object]) -> object:
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return NOT_LITERAL
    return value if isinstance(value, SCALARS) else NOT_LITERAL
