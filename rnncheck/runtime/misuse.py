"""How a misuse seen at run time is reported: at the user's own line, as a warning or an error.

The place is the first frame outside torch and rnncheck; the expression's text comes from that
frame's current instruction (its column range), so messages quote the code as written. A line's
`# noqa` and `[tool.rnncheck]` select/ignore apply as they do to the static checker.
"""

from __future__ import annotations

import ast
import dis
import itertools
import linecache
import os
import sys
import warnings
from dataclasses import dataclass
from functools import cached_property
from types import FrameType
from typing import Any, Literal

import torch

import rnncheck
from rnncheck import config, noqa, rules
from rnncheck.selection import Layer, PerFileIgnores, resolve

Mode = Literal["warn", "error", "off"]
MODES: tuple[Mode, ...] = ("warn", "error", "off")

_OWN = (os.path.dirname(torch.__file__), os.path.dirname(rnncheck.__file__))


class RNNMisuseWarning(UserWarning):
    """An RNN result used in a way the rules forbid, seen while the program ran."""


class RNNMisuseError(AssertionError):
    """A misuse in `misuse="error"` mode: the message starts with the code."""

    def __init__(self, message: str, code: str, filename: str, lineno: int) -> None:
        super().__init__(message)
        self.code = code
        self.filename = filename
        self.lineno = lineno


@dataclass(frozen=True)
class Span:
    """Where an expression is: 1-based rows and columns, the end exclusive (as in a Finding)."""

    row: int
    column: int
    end_row: int
    end_column: int


class Place:
    """A line of user code, and the expression running there, read from the frame when first
    asked; `release` reads it and lets the frame go (a frame keeps its locals alive)."""

    def __init__(self, frame: FrameType) -> None:
        self._frame: FrameType | None = frame
        self.registry: dict[Any, Any] = frame.f_globals.setdefault("__warningregistry__", {})
        """The module's warning registry, which makes a warning show once per place."""

    @cached_property
    def _read(self) -> tuple[str, Span, ast.expr | None, str | None]:
        assert self._frame is not None
        return _expression(self._frame)

    @property
    def filename(self) -> str:
        return self._read[0]

    @property
    def span(self) -> Span:
        return self._read[1]

    @property
    def lineno(self) -> int:
        return self.span.row

    @property
    def node(self) -> ast.expr | None:
        return self._read[2]

    def text(self, node: ast.AST | None = None) -> str | None:
        """The source of `node` (default: the whole expression), as written."""
        node = node or self.node
        segment = self._read[3]
        if node is None or segment is None:
            return None
        return ast.get_source_segment(segment, node)

    def short(self) -> str:
        return f"{os.path.basename(self.filename)}:{self.lineno}"

    @cached_property
    def then(self) -> tuple[str, Any, str | None] | None:
        """The instruction user code runs next: what it does with the value (its name, its
        argument and its source on one line: `("STORE_FAST", "last", None)`, `("CALL", 1,
        "len(h[-1])")`); None once released."""
        frame = self._frame
        if frame is None:
            return None
        for instruction in dis.get_instructions(frame.f_code):
            if instruction.offset > frame.f_lasti:
                row, end_row, column, end_column = instruction.positions or (None,) * 4
                text = None
                if row is not None and row == end_row and None not in (column, end_column):
                    line = linecache.getline(frame.f_code.co_filename, row)
                    text = line.encode()[column:end_column].decode(errors="replace")
                return instruction.opname, instruction.argval, text
        return None

    def release(self) -> Place:
        self._read  # noqa: B018 (read now, while the frame is here)
        self._frame = None
        return self


def user_frame(frame: FrameType | None = None) -> FrameType | None:
    """The first frame outside torch and rnncheck, from `frame` (default: the caller) outwards."""
    frame = frame or sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_OWN):
        frame = frame.f_back
    return frame


def outside(frame: FrameType) -> bool:
    """Whether `frame` runs user code (an operation it makes is the user's doing)."""
    return not frame.f_code.co_filename.startswith(_OWN)


def _expression(frame: FrameType) -> tuple[str, Span, ast.expr | None, str | None]:
    """(file, span, expression, its source) of the instruction `frame` is running."""
    code = frame.f_code
    filename, lineno = code.co_filename, frame.f_lineno or code.co_firstlineno
    line = Span(lineno, 1, lineno, 1)
    position = next(itertools.islice(code.co_positions(), frame.f_lasti // 2, None), None)
    if position is None or None in position:
        return filename, line, None, None
    start, end, column, end_column = position
    span = Span(start, column + 1, end, end_column + 1)  # type: ignore[operator, arg-type]
    lines = linecache.getlines(filename)[start - 1 : end]  # type: ignore[index, operator]
    if not lines:
        return filename, span, None, None
    lines[-1] = lines[-1][:end_column]
    lines[0] = lines[0][column:]
    segment = f"({''.join(lines)})"
    try:
        node = ast.parse(segment, mode="eval").body
    except SyntaxError:
        return filename, span, None, None
    return filename, span, node, segment


class Reporter:
    """Turns misuses into warnings or errors, once per code and place in error mode too."""

    def __init__(self, mode: Mode) -> None:
        if mode not in MODES:
            raise ValueError(f"misuse must be one of {', '.join(MODES)}; got {mode!r}")
        self.mode = mode
        self.found: list[tuple[str, str, Place]] = []

    @cached_property
    def _rules(self) -> tuple[set[str], PerFileIgnores]:
        settings = config.find(os.getcwd())
        origin = f"`{settings.path}`" if settings.path else "the defaults"
        layer = Layer(origin, settings.select, settings.extend_select, settings.ignore)
        selected = {rule.code for rule in resolve([layer], rules.ALL_RULES)}
        ignores = PerFileIgnores(settings.per_file_ignores, settings.root, rules.ALL_RULES, origin)
        return selected, ignores

    def enabled(self, code: str, filename: str) -> bool:
        selected, ignores = self._rules
        if code not in selected:
            return False
        return any(rule.code == code for rule in ignores.rules_for(filename, rules.ALL_RULES))

    def report(self, code: str, message: str, place: Place) -> None:
        if self.mode == "off" or not self.enabled(code, os.path.abspath(place.filename)):
            return
        named = noqa.codes_on(linecache.getline(place.filename, place.lineno))
        if named is not None and (not named or code in named):
            return
        self.found.append((code, message, place))
        text = f"{code} {message}"
        if self.mode == "error":
            raise RNNMisuseError(text, code, place.filename, place.lineno)
        warnings.warn_explicit(
            text, RNNMisuseWarning, place.filename, place.lineno, registry=place.registry
        )
