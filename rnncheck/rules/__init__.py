"""The rule catalogue, in code order."""

from __future__ import annotations

from rnncheck.rules.base import Rule

ALL_RULES: tuple[type[Rule], ...] = ()


def by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in ALL_RULES}
