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

from rnncheck.source import DecodeError, encoding, mentions_rnn

CLASS = re.compile(rb"class[ \t]+([A-Za-z_]\w*)")
FUNCTION = re.compile(rb"^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
"""A module-level function (no indentation)."""
CALLED = re.compile(rb"\(\s*(\w+)")
"""In the text reversed, an opening parenthesis after a name (a call, or a definition): a
pattern that begins with a literal is searched many times faster than one that begins with a
name, and each match is still the whole name (`\\w+` takes all of it)."""
BUILDS_RNN = re.compile(rb"(?:RNN|LSTM|GRU)\s*\(")
"""Only a class in a file that builds an RNN can turn constructor values into RNN facts."""
ATTRIBUTE_WRITE = re.compile(rb"\.(\w+)\b\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)")
"""`.name = ...` (or `+=` and the like) after the name of its owner: a write of attribute `name`
(a pattern that begins with the dot is searched many times faster than one that begins with the
owner's name; the `\\b` as in `CALLED`)."""
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
            called=_called(content),
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
        (
            mentions,
            builds,
            classes,
            functions,
            called,
            writes,
            dynamic,
            keys,
            calls,
            building,
        ) = plain
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


def _called(content: bytes) -> frozenset[str]:
    """Every name the text follows with `(` (blanks between allowed)."""
    return frozenset(name[::-1].decode() for name in set(CALLED.findall(content[::-1])))


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


Imported = tuple[str, str | None, int, str | None]
"""(local name, module, level, name) as `rnncheck.index.Import` has them: `import a.b as c` is
("c", "a.b", 0, None), `from ..a import b as c` ("c", "a", 2, "b"), a star import's local "*"."""

IMPORT_WORDS = ((b"from", re.compile(b"from")), (b"import", re.compile(b"import")))
NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
SPACE = re.compile(rb"(?:[ \t\f]|\\\r?\n|\\\r)*")
"""Blanks within a logical line, backslash continuations included."""
SPACE_IN_PARENTHESES = re.compile(rb"(?:[ \t\f\r\n]|\\\r?\n|\\\r|#[^\r\n]*)*")
CONTINUED = re.compile(rb"\\(?:\r\n|\r|\n)$")
UNREAD_FROM = re.compile(rb"\bfrom\b[\w. \t\f\\]*$")
"""What comes before an `import` that no `from` statement read, when it may be one."""
PLAIN_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "ascii"})


class Unreadable(Exception):
    """An import the patterns cannot read for certain."""


def imports(content: bytes) -> tuple[Imported, ...] | None:
    """Every import statement the text may hold, read by patterns: each `from` or `import`
    that starts one as the grammar has it (strings and comments may add some that are not
    code). None when a statement may be one the patterns cannot read (an `import` after a
    line continuation, a name that is not ASCII, an encoding other than UTF-8), so that every
    import the parser finds is among them when it is not None."""
    try:
        if encoding(content) not in PLAIN_ENCODINGS:
            return None
    except DecodeError:
        return None
    found: list[Imported] = []
    taken: set[int] = set()
    try:
        for start, word in _keywords(content):
            if start in taken:
                continue
            if word == b"from":
                read = _from_import(content, start + 4)
                if read is not None:
                    at, bound = read
                    taken.add(at)
                    found.extend(bound)
            elif _starts_statement(content, start):
                found.extend(_plain_import(content, start + 6))
            elif UNREAD_FROM.search(_line_before(content, start)):
                raise Unreadable
    except Unreadable:
        return None
    return tuple(found)


def _keywords(content: bytes) -> list[tuple[int, bytes]]:
    """Where the words `from` and `import` stand, in order (a literal is searched many times
    faster than a pattern that begins at a word boundary)."""
    found = [
        (match.start(), word)
        for word, pattern in IMPORT_WORDS
        for match in pattern.finditer(content)
        if (match.start() == 0 or content[match.start() - 1] not in WORD)
        and (match.end() == len(content) or content[match.end()] not in WORD)
    ]
    return sorted(found)


def _line_before(content: bytes, at: int) -> bytes:
    return content[max(content.rfind(b"\n", 0, at), content.rfind(b"\r", 0, at)) + 1 : at]


def _starts_statement(content: bytes, at: int) -> bool:
    """Whether the `import` at `at` begins a statement: first on its line, or after `;` or `:`.
    Unreadable when a continued line comes before it."""
    line = _line_before(content, at)
    before = line.rstrip(b" \t\f")
    start = at - len(line)
    if not before and CONTINUED.search(content, max(start - 3, 0), start):
        raise Unreadable
    return not before or before.endswith((b";", b":"))


def _name(content: bytes, at: int) -> tuple[str, int] | None:
    """The identifier at `at` and where it ends; Unreadable when it is not ASCII."""
    if at < len(content) and content[at] >= 0x80:
        raise Unreadable
    found = NAME.match(content, at)
    if found is None:
        return None
    if found.end() < len(content) and content[found.end()] >= 0x80:
        raise Unreadable
    return found.group().decode(), found.end()


def _dotted(content: bytes, at: int, space: re.Pattern[bytes]) -> tuple[str, int] | None:
    """`a.b.c` from `at` (blanks allowed around the dots)."""
    first = _name(content, at)
    if first is None:
        return None
    parts, at = [first[0]], first[1]
    while True:
        dot = _skip(content, at, space)
        if content[dot : dot + 1] != b".":
            return ".".join(parts), at
        following = _name(content, _skip(content, dot + 1, space))
        if following is None:
            return None
        parts.append(following[0])
        at = following[1]


def _keyword(content: bytes, at: int, word: bytes) -> bool:
    found = NAME.match(content, at)
    return found is not None and found.group() == word


def _skip(content: bytes, at: int, space: re.Pattern[bytes] = SPACE) -> int:
    found = space.match(content, at)
    return found.end() if found is not None else at


def _from_import(content: bytes, at: int) -> tuple[int, list[Imported]] | None:
    """`from` (ending at `at`) `.. module import names`: where its `import` is, and what it
    binds; None when the text there is no such statement."""
    at, level = _skip(content, at), 0
    while content[at : at + 1] == b".":
        level += 1
        at = _skip(content, at + 1)
    module = None if _keyword(content, at, b"import") else _dotted(content, at, SPACE)
    if module is not None:
        at = _skip(content, module[1])
    elif not level:
        return None
    keyword = at
    if not _keyword(content, at, b"import"):
        return None
    origin = module[0] if module is not None else None
    at = _skip(content, at + 6)
    if content[at : at + 1] == b"*":
        return keyword, [("*", origin, level, "*")]
    space = SPACE
    if content[at : at + 1] == b"(":
        space, at = SPACE_IN_PARENTHESES, _skip(content, at + 1, SPACE_IN_PARENTHESES)
    bound: list[Imported] = []  # what follows the keyword is valid code as far as it reads
    while True:
        name = _name(content, at)
        if name is None:
            return keyword, bound
        at = _skip(content, name[1], space)
        local = name[0]
        if _keyword(content, at, b"as"):
            alias = _name(content, _skip(content, at + 2, space))
            if alias is None:
                return keyword, bound
            local, at = alias[0], _skip(content, alias[1], space)
        bound.append((local, origin, level, name[0]))
        if content[at : at + 1] != b",":
            return keyword, bound
        at = _skip(content, at + 1, space)


def _plain_import(content: bytes, at: int) -> list[Imported]:
    """`import a.b as c, d` (the keyword ending at `at`); Unreadable when it is not one."""
    bound: list[Imported] = []
    while True:
        module = _dotted(content, _skip(content, at), SPACE)
        if module is None:
            raise Unreadable
        at = _skip(content, module[1])
        if _keyword(content, at, b"as"):
            alias = _name(content, _skip(content, at + 2))
            if alias is None:
                raise Unreadable
            bound.append((alias[0], module[0], 0, None))
            at = _skip(content, alias[1])
        else:
            local = module[0].split(".")[0]
            bound.append((local, local, 0, None))
        if content[at : at + 1] != b",":
            return bound
        at += 1
