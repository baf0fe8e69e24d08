"""Modules imported at their first use, for the modules a run loads before it reads any file.

The rule catalogue, the configuration, the report and the cache need no syntax tree, and a run
whose findings all come from the cache reads no file; importing libcst is most of the start-up.
So the modules they import name libcst (and `rnncheck.syntax`, which needs it) through a `Lazy`
stand-in, and the modules that read syntax trees import them plainly.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Lazy:
    """Stands for the module `name`: the first attribute asked for imports it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


cst: Any = Lazy("libcst")
syntax: Any = Lazy("rnncheck.syntax")
