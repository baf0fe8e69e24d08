"""What the checked files say about each other: where classes live and how the code builds them.

Built once per run from the text of every checked file, before any file is analysed, with the
standard library's `ast` (a fraction of libcst's cost) and only on files a regular expression
picks out. Plain data, so worker processes receive it whole.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from rnncheck import notebook
from rnncheck.source import MENTIONS_RNN, decode

CLASS = re.compile(rb"^[ \t]*class[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


class NotLiteral:
    """An argument whose value the code does not spell out."""

    def __repr__(self) -> str:
        return "NOT_LITERAL"


NOT_LITERAL = NotLiteral()


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


@dataclass
class Project:
    definitions: dict[str, str] = field(default_factory=dict)
    """Class name -> the one checked file that defines a class of that name."""
    constructions: dict[str, list[Construction]] = field(default_factory=dict)

    @classmethod
    def of(cls, files: Iterable[tuple[str, bytes]]) -> Project:
        """Index the files. A class name defined in more than one of them is left out: a call of
        it could mean either."""
        contents = {path: _as_source(path, content) for path, content in files}
        project = cls()
        defined: dict[str, set[str]] = {}
        for path, content in contents.items():
            for name in CLASS.findall(content):
                defined.setdefault(name.decode(), set()).add(path)
        project.definitions = {
            name: home
            for name, (home, *others) in ((n, sorted(p)) for n, p in defined.items())
            if not others and MENTIONS_RNN.search(contents[home])
        }
        if not project.definitions:
            return project
        names = b"|".join(n.encode() for n in sorted(project.definitions))
        calls = re.compile(rb"\b(" + names + rb")\s*\(")
        for path, content in contents.items():
            if calls.search(content):
                for name, construction in _constructions(path, content, project.definitions):
                    project.constructions.setdefault(name, []).append(construction)
        return project


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
    path: str, content: bytes, definitions: dict[str, str]
) -> Iterable[tuple[str, Construction]]:
    text = decode(content)
    if text is None:
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return
    constants = _constants(tree)
    sources = _imported_from(tree)
    names = {
        name
        for name, home in definitions.items()
        if name not in sources or sources[name] == _module_name(home)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            positional = tuple(_literal(a, constants) for a in node.args)
            keywords = tuple((k.arg, _literal(k.value, constants)) for k in node.keywords if k.arg)
            open_ended = any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords
            )
            source = ast.get_source_segment(text, node) or f"{node.func.id}(...)"
            yield (
                node.func.id,
                Construction(
                    path, node.lineno, " ".join(source.split()), positional, keywords, open_ended
                ),
            )


def _imported_from(tree: ast.Module) -> dict[str, str]:
    """Names imported with `from X import name`, and the last part of X."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
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
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return NOT_LITERAL
