"""Follow each RNN from where it is built to every use of its results (placeholder)."""

from __future__ import annotations

import libcst as cst

from rnncheck.finding import Finding
from rnncheck.rules.base import Rule


def run(module: cst.Module, path: str, rules: list[Rule]) -> list[Finding]:
    return []
