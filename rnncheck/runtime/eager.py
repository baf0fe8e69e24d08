"""Checks run eagerly inside a compiled model, yet a program that compiles nothing never loads Dynamo.

A check traced by Dynamo reports false errors, so every hook runs under `torch.compiler.disable`.
That call imports `torch._dynamo`, which costs about as much as importing torch itself (2 s of
CPU here), and a program that neither compiles a model nor builds an optimizer (either imports
Dynamo) would pay it for nothing. So a hook made while Dynamo is not loaded runs as it is, and is
wrapped the moment Dynamo's import completes, before anything can be compiled with it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, TypeVar
from weakref import WeakSet

import torch

DYNAMO = "torch._dynamo"

F = TypeVar("F", bound=Callable[..., Any])


class _Hook:
    """What a hook calls now: the function itself, or its disabled wrapper once Dynamo is loaded."""

    __slots__ = ("__weakref__", "call")

    def __init__(self, function: Callable[..., Any]) -> None:
        self.call = function

    def disable(self) -> None:
        self.call = torch.compiler.disable(self.call)


_waiting: WeakSet[_Hook] = WeakSet()


def eager(function: F) -> F:
    """`function`, run outside Dynamo's tracing whenever Dynamo is loaded."""
    if DYNAMO in sys.modules:
        return torch.compiler.disable(function)  # type: ignore[return-value]
    hook = _Hook(function)
    _waiting.add(hook)
    if not any(isinstance(finder, _DynamoImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _DynamoImport())

    def run(*args: Any, **kwargs: Any) -> Any:
        return hook.call(*args, **kwargs)

    return run  # type: ignore[return-value]


def _loaded() -> None:
    for hook in list(_waiting):
        hook.disable()
    _waiting.clear()


class _DynamoImport(importlib.abc.MetaPathFinder):
    """Finds `torch._dynamo` as the other finders do, and disables the waiting hooks once it is run."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != DYNAMO:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        loader = spec.loader if spec is not None else None
        if loader is None:
            return spec
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            _loaded()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec
