"""Which rules run: `select`, `extend-select` and `ignore`, resolved as ruff resolves them.

A selector is `ALL`, a code, or a code prefix (`RNN2`). Settings come in layers (the defaults,
the configuration file, the command line). A layer with `select` starts over; one without it
adjusts the rules the layers before chose. Inside a layer the more specific selector wins, so
`select = ["RNN201"], ignore = ["RNN2"]` keeps RNN201. `per-file-ignores` then drops rules
file by file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rnncheck.globs import FilePattern
from rnncheck.rules.base import Rule

ALL = "ALL"


class SelectorError(ValueError):
    """A selector that names no rule."""


@dataclass(frozen=True)
class Layer:
    """The selectors one source of settings gives, and where they come from (for messages)."""

    origin: str
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def resolve(layers: Iterable[Layer], rules: Sequence[type[Rule]]) -> tuple[type[Rule], ...]:
    """The rules that run, in catalogue order. Every rule runs unless a layer says otherwise,
    except an opt-in rule (RNN100), which runs only when a selector names it."""
    enabled = {rule.code for rule in rules if not rule.opt_in}
    for layer in layers:
        given = [
            *((selector, "select", True) for selector in layer.select or ()),
            *((selector, "extend-select", True) for selector in layer.extend_select),
            *((selector, "ignore", False) for selector in layer.ignore),
        ]
        updates: dict[str, bool] = {}
        for selector, option, on in sorted(given, key=lambda item: _specificity(item[0])):
            for code in codes(selector, rules, f"`{option}` from {layer.origin}"):
                updates[code] = on
        if layer.select is not None:
            enabled = set()
        enabled |= {code for code, on in updates.items() if on}
        enabled -= {code for code, on in updates.items() if not on}
    return tuple(rule for rule in rules if rule.code in enabled)


def codes(selector: str, rules: Sequence[type[Rule]], origin: str) -> list[str]:
    """The codes `selector` names; an error if it names none."""
    if selector == ALL:
        return [rule.code for rule in rules]
    named = [rule.code for rule in rules if rule.code.startswith(selector)]
    if not named:
        raise SelectorError(f"Unknown rule selector `{selector}` in {origin}")
    return named


def _specificity(selector: str) -> int:
    return -1 if selector == ALL else len(selector)


class PerFileIgnores:
    """`per-file-ignores`: files matching a glob skip the rules its selectors name."""

    def __init__(
        self,
        table: Mapping[str, Sequence[str]],
        root: str,
        rules: Sequence[type[Rule]],
        origin: str,
    ) -> None:
        where = f"`per-file-ignores` from {origin}"
        self._ignored = [
            (FilePattern(pattern, root), {c for s in selectors for c in codes(s, rules, where)})
            for pattern, selectors in table.items()
        ]

    def rules_for(self, path: str, selected: Sequence[type[Rule]]) -> tuple[type[Rule], ...]:
        """The selected rules that run on the file at the absolute `path`."""
        skipped = set().union(*(named for glob, named in self._ignored if glob.matches(path)))
        return tuple(rule for rule in selected if rule.code not in skipped)
