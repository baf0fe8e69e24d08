"""What one file's text says at a glance, found by patterns without parsing it.

A pure function of the text, as the index (`rnncheck.index`) is, so a cache keeps it by the
text's digest: a run over an unchanged project scans no file. The project model joins the
scans: which file defines each class, which files may build an RNN, which files call a function
of a given name, which attributes some file assigns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rnncheck.source import mentions_rnn

CLASS = re.compile(rb"class[ \t]+([A-Za-z_]\w*)")
FUNCTION = re.compile(rb"^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
"""A module-level function (no indentation)."""
CALLED = re.compile(rb"\b(\w+)\s*\(")
"""A name followed by an opening parenthesis: a call, or a definition."""
BUILDS_RNN = re.compile(rb"(?:RNN|LSTM|GRU)\s*\(")
"""Only a class in a file that builds an RNN can turn constructor values into RNN facts."""
ATTRIBUTE_WRITE = re.compile(rb"\.(\w+)\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)")
"""`.name = ...` (or `+=` and the like) after the name of its owner: a write of attribute `name`
(a pattern that begins with the dot is searched many times faster than one that begins with the
owner's name)."""
WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
DYNAMIC_WRITE = re.compile(rb"\bsetattr\s*\(|__dict__|\bvars\s*\(")
"""A file that may write any attribute: no attribute value is then certain."""
DYNAMIC_WORDS = (b"setattr", b"__dict__", b"vars")
SUBSCRIPT_WRITE = re.compile(rb"""\[\s*['"](\w+)['"]\s*\]\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)""")
"""`x["name"] = ...`: a write of key `name` of some dict."""
METHOD_WRITE = re.compile(
    rb"""(?:setdefault|pop)\(\s*['"](\w+)['"]|update\(\s*(?:\{\s*['"](\w+)['"]|(\w+)\s*=)"""
)
"""`x.setdefault("name", ...)`, `x.pop("name")`, `x.update(name=...)`: a write of key `name`."""
METHOD_WORDS = (b"setdefault", b"pop(", b"update(")
DEFINITION = re.compile(rb"^(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
"""A module-level class or function (no indentation)."""
CALLS_RNN = re.compile(rb"(?<![\w])(?<!class )(?:RNN|LSTM|GRU)\s*\(")
"""A call of torch's own class (`nn.LSTM(`), not of `ConvLSTM(` nor `class LSTM(` in a
docstring: what makes a module worth reading for the files that import it."""


@dataclass(frozen=True)
class Scan:
    mentions_rnn: bool
    """Whether the text mentions an RNN (rnn, lstm, gru): only then can its code build one."""
    builds_rnn: bool
    """Whether it calls an RNN class."""
    classes: tuple[str, ...]
    """The names after `class` at the start of a line, in order."""
    functions: tuple[str, ...]
    """Its module-level functions, when it mentions an RNN (else none is read)."""
    called: frozenset[str]
    """Every name it follows with `(`."""
    writes: frozenset[tuple[str, str]]
    """(owner, attribute) for each `owner.attribute = ...`, owner being the name just before
    the attribute (`args` in `self.args.layers`)."""
    dynamic: bool
    """Whether it writes attributes by computed name (`setattr`, `__dict__`, `vars`)."""
    keys: frozenset[str]
    """The dict keys it writes (`SUBSCRIPT_WRITE`, `METHOD_WRITE`)."""
    calls_rnn: bool
    """Whether it calls torch's own RNN classes (`CALLS_RNN`)."""
    building: tuple[str, ...]
    """Then, its module-level classes and functions whose lines, up to the next one, call one."""

    @classmethod
    def of(cls, content: bytes) -> Scan:
        mentions = mentions_rnn(content)
        builds = _builds_rnn(content)
        calls = builds and bool(CALLS_RNN.search(content))
        return cls(
            mentions_rnn=mentions,
            builds_rnn=builds,
            classes=tuple(name.decode() for name in _classes(content)),
            functions=tuple(n.decode() for n in FUNCTION.findall(content)) if mentions else (),
            called=frozenset(name.decode() for name in CALLED.findall(content)),
            writes=frozenset(_writes(content)),
            dynamic=any(word in content for word in DYNAMIC_WORDS)
            and bool(DYNAMIC_WRITE.search(content)),
            keys=frozenset(_keys(content)),
            calls_rnn=calls,
            building=tuple(_building(content)) if calls else (),
        )

    def plain(self) -> list[Any]:
        """The scan as JSON data (for the cache: never a pickle)."""
        return [
            self.mentions_rnn,
            self.builds_rnn,
            list(self.classes),
            list(self.functions),
            sorted(self.called),
            sorted(self.writes),
            self.dynamic,
            sorted(self.keys),
            self.calls_rnn,
            list(self.building),
        ]

    @classmethod
    def from_plain(cls, plain: list[Any]) -> Scan:
        """The scan `plain()` wrote; a TypeError or ValueError when it is not one."""
        mentions, builds, classes, functions, called, writes, dynamic, keys, calls, building = plain
        if not all(isinstance(flag, bool) for flag in (mentions, builds, dynamic, calls)):
            raise TypeError("not a scan")
        return cls(
            mentions,
            builds,
            tuple(_names(classes)),
            tuple(_names(functions)),
            frozenset(_names(called)),
            frozenset((owner, name) for owner, name in map(_names, writes)),
            dynamic,
            frozenset(_names(keys)),
            calls,
            tuple(_names(building)),
        )


def _names(items: list[Any]) -> list[str]:
    if not all(isinstance(item, str) for item in items):
        raise TypeError("not a list of names")
    return items


def _classes(content: bytes) -> Iterator[bytes]:
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


def _writes(content: bytes) -> Iterator[tuple[str, str]]:
    for found in ATTRIBUTE_WRITE.finditer(content):
        start = end = found.start()
        while start and content[start - 1] in WORD:
            start -= 1
        if start < end:
            yield content[start:end].decode(), found.group(1).decode()


def _keys(content: bytes) -> Iterator[str]:
    for found in SUBSCRIPT_WRITE.finditer(content):
        yield found.group(1).decode()
    if any(word in content for word in METHOD_WORDS):
        for groups in METHOD_WRITE.findall(content):
            yield from (group.decode() for group in groups if group)


def _building(content: bytes) -> Iterator[str]:
    """The module-level classes and functions whose lines, up to the next one, call an RNN
    class."""
    starts = [(m.start(), m.group(1).decode()) for m in DEFINITION.finditer(content)]
    ends = [start for start, _ in starts[1:]] + [len(content)] * bool(starts)
    for (start, name), end in zip(starts, ends, strict=True):
        if CALLS_RNN.search(content, start, end):
            yield name
