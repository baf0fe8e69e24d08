"""The ways the checked files build a class, as the constructor values that settle RNN facts."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from rnncheck import syntax
from rnncheck.abstract import Abstract, Const
from rnncheck.events import where
from rnncheck.index import NOT_LITERAL, SCALARS
from rnncheck.project import Construction, Record

MAX_CONFIGURATIONS = 8
"""How many distinct constructions of one class are followed; more are rare and cost time."""


@dataclass(frozen=True)
class Configuration:
    """One way the checked code builds a class: the call, and the constructor values it fixes."""

    construction: Construction
    values: tuple[tuple[str, Abstract], ...]

    def describe(self, here: str) -> str:
        built = self.construction
        return f"when built as `{built.text}`, {where(built.path, here, built.line)}"


def configurations(node: cst.ClassDef, constructions: list[Construction]) -> list[Configuration]:
    """The distinct constructor values the checked files' calls of a class fix (literals, defaults)."""
    init = next(
        (
            m
            for m in syntax.statements(node.body)
            if isinstance(m, cst.FunctionDef) and m.name.value == "__init__"
        ),
        None,
    )
    if init is None:
        return []
    params = [*init.params.posonly_params, *init.params.params][1:]
    keywords_only = list(init.params.kwonly_params)
    found: list[Configuration] = []
    seen: set[tuple[tuple[str, Abstract], ...]] = set()
    for built in constructions:
        given: dict[str, object] = dict(built.keywords)
        for param, value in zip(params, built.positional, strict=False):
            given[param.name.value] = value
        values: list[tuple[str, Abstract]] = []
        for param in [*params, *keywords_only]:
            name = param.name.value
            if name in given:
                value = given[name]
            elif param.default is not None and not built.open_ended:
                value = _default(param.default)
            else:
                continue
            if isinstance(value, SCALARS):
                values.append((name, Const(value)))
            elif isinstance(value, Record):
                values.append((name, value))
        key = tuple(values)
        if key and key not in seen:
            seen.add(key)
            found.append(Configuration(built, key))
    return found


def _default(node: cst.BaseExpression) -> object:
    """A parameter's default, when the code spells it out as a literal."""
    try:
        return syntax.literal(node)
    except ValueError:
        return NOT_LITERAL
