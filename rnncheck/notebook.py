"""A Jupyter notebook read as one program: its code cells in order, positions kept per cell.

IPython's own syntax is neutralised line for line, so every other line keeps its row and
column: a line magic or shell escape becomes `pass` (indented as it was), `x = !ls` becomes
`x = ...`, a cell magic whose body is Python loses only its first line, and a cell in another
language (`%%bash`, `%%writefile`, ...) is blanked. Cells that are not code are not read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3"})

LINE_ESCAPE = re.compile(r"^(?P<indent>[ \t]*)(?:[%!]|[\w.]+\?{1,2}[ \t]*$)")
ASSIGNED_ESCAPE = re.compile(r"^(?P<head>[ \t]*[\w.,\s\[\]()*]+?=[ \t]*)[%!]")


class NotebookError(ValueError):
    """The file is not a notebook rnncheck can read (not JSON, or not nbformat 4)."""


@dataclass(frozen=True)
class Cell:
    number: int
    """1-based over all cells, markdown included, as ruff and Jupyter count them."""
    source: str
    first_row: int
    """The program row of the cell's first line."""


@dataclass(frozen=True)
class Notebook:
    program: str
    cells: tuple[Cell, ...]

    def locate(self, row: int) -> tuple[int, int]:
        """(cell number, row within that cell) of a program row."""
        cell = self.cells[0]
        for candidate in self.cells:
            if candidate.first_row > row:
                break
            cell = candidate
        return cell.number, row - cell.first_row + 1


def read(text: str) -> Notebook:
    """The program a notebook's code cells make, with a map back to the cells."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise NotebookError(f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("nbformat") != 4:
        raise NotebookError("not an nbformat 4 notebook")
    cells = document.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("the notebook has no list of cells")
    lines: list[str] = []
    read_cells: list[Cell] = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _source(cell.get("source", ""))
        read_cells.append(Cell(number, source, len(lines) + 1))
        lines.extend(_as_python(source.split("\n")))
    return Notebook("\n".join(lines) + "\n", tuple(read_cells))


def _source(source: object) -> str:
    if isinstance(source, list):
        return "".join(str(part) for part in source)
    return str(source)


def _as_python(lines: list[str]) -> list[str]:
    first = lines[0].strip()
    if first.startswith("%%"):
        magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return [""] * len(lines)
        return ["", *_as_python_lines(lines[1:])]
    return _as_python_lines(lines)


def _as_python_lines(lines: list[str]) -> list[str]:
    """Each line as Python; a magic or shell escape continued with `\\` takes its next lines."""
    converted: list[str] = []
    continued = False
    for line in lines:
        if continued:
            converted.append("")
        else:
            python = _as_python_line(line)
            converted.append(python)
            if python == line:
                continue
        continued = line.rstrip().endswith("\\")
    return converted


def _as_python_line(line: str) -> str:
    assigned = ASSIGNED_ESCAPE.match(line)
    if assigned is not None:
        return assigned["head"] + "..."
    escape = LINE_ESCAPE.match(line)
    if escape is not None:
        return escape["indent"] + "pass"
    return line


def rewrite(text: str, sources: dict[int, str]) -> str:
    """The notebook's text with the sources of some cells replaced, every other byte kept."""
    spans = _source_spans(text)
    pieces: list[str] = []
    cursor = 0
    for number in sorted(sources):
        start, end = spans[number]
        pieces.append(text[cursor:start])
        pieces.append(_encoded(sources[number], text, start, end))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _encoded(source: str, text: str, start: int, end: int) -> str:
    """A cell source written as the original was: a list of lines, one per row, or a string."""
    original = text[start:end]
    if not original.startswith("["):
        return json.dumps(source, ensure_ascii=False)
    parts = source.splitlines(keepends=True)
    if "\n" not in original or not parts:
        return "[" + ", ".join(json.dumps(p, ensure_ascii=False) for p in parts) + "]"
    line_start = text.rfind("\n", 0, start) + 1
    outer = re.match(r"[ \t]*", text[line_start:start]).group(0)  # type: ignore[union-attr]
    inner = re.match(r"\[\s*?\n([ \t]*)", original)
    indent = inner.group(1) if inner else outer + " "
    body = ",\n".join(indent + json.dumps(p, ensure_ascii=False) for p in parts)
    return f"[\n{body}\n{outer}]"


def _source_spans(text: str) -> dict[int, tuple[int, int]]:
    """Where each cell's "source" value lies in the raw text, by cell number."""
    decoder = json.JSONDecoder()
    spans: dict[int, tuple[int, int]] = {}
    position = _after_key(text, 0, "cells", decoder)
    position = _skip(text, position)
    if text[position] != "[":
        raise NotebookError("the notebook has no list of cells")
    position += 1
    number = 0
    while True:
        position = _skip(text, position)
        if text[position] == "]":
            return spans
        if text[position] == ",":
            position += 1
            continue
        number += 1
        _, end = decoder.raw_decode(text, position)
        key = _after_key(text[:end], position + 1, "source", decoder, depth_limit=True)
        if key >= 0:
            value_start = _skip(text, key)
            _, value_end = decoder.raw_decode(text, value_start)
            spans[number] = (value_start, value_end)
        position = end


def _after_key(
    text: str, position: int, key: str, decoder: json.JSONDecoder, depth_limit: bool = False
) -> int:
    """The position just after `"key":` among the members of the object that starts before
    `position` (members are skipped whole, so nested keys of the same name are not matched)."""
    position = _skip(text, position)
    if text[position] == "{":
        position += 1
    while position < len(text):
        position = _skip(text, position)
        if position >= len(text) or text[position] == "}":
            break
        if text[position] == ",":
            position += 1
            continue
        name, position = decoder.raw_decode(text, position)
        position = _skip(text, position) + 1
        if name == key:
            return position
        _, position = decoder.raw_decode(text, _skip(text, position))
    if depth_limit:
        return -1
    raise NotebookError(f'the notebook has no "{key}"')


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
