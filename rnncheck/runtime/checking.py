"""Check every call of torch's RNNs while a program runs.

Three ways in, one mechanism. `watch(model)` hooks the RNN submodules of one model;
`checking()` (and `@checked`, and `pytest --rnncheck`) hooks every RNN built inside it or called
inside it (found by torch's global parameter-registration and forward pre-hooks) the same way.
Per-module hooks are registered `with_kwargs=True` so that `hx=` passed by keyword is seen.
torch's global pre-hook cannot see keywords, so one call escapes the check *before* the call: the
first direct call of an RNN built before `checking()` began; its hx is checked after the call.

The hooks return nothing, so results pass through untouched (same tensors, same autograd graph).
They run outside Dynamo's tracing (`rnncheck.runtime.eager`): checks traced by Dynamo report false errors.
`RNNCHECK_DISABLE=1` makes `watch` and `checking` install nothing at all.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar
from weakref import WeakKeyDictionary, WeakSet

import torch
from torch import nn
from torch.nn.modules.module import (
    register_module_forward_hook,
    register_module_forward_pre_hook,
    register_module_parameter_registration_hook,
)
from torch.utils.hooks import RemovableHandle

from rnncheck.layout import Equivalence, Layout
from rnncheck.runtime.batch import Batch
from rnncheck.runtime.contracts import RNNContractError, contract_for, disabled
from rnncheck.runtime.deferred import Deferred
from rnncheck.runtime.eager import eager
from rnncheck.runtime.misuse import MODES, Mode, Place, Reporter, user_frame
from rnncheck.runtime.provenance import Source
from rnncheck.runtime.reference import reproducible
from rnncheck.runtime.tracking import Tracking
from rnncheck.runtime.verify import compare

Function = TypeVar("Function", bound=Callable[..., Any])


@dataclass(frozen=True)
class Checks:
    """Which checks run, and on which calls.

    shapes: the input's hx and the result's shapes. equivalences: the output slices that equal
    rows of h_n. reference: the result against the reference recurrence (slow; eval mode or no
    dropout). strict: jaxtyping's check of the annotated shapes (20-100 us a call).
    every: check one call in `every` per module. defer: 0 reads each call's equivalence result at
    once; N > 0 keeps it on the device and reads it every N checked calls (no CUDA sync between).
    """

    shapes: bool = True
    equivalences: bool = True
    reference: bool = False
    strict: bool = False
    every: int = 1
    defer: int = 0
    rtol: float | None = None
    atol: float | None = None
    misuse: Mode = "warn"
    """The runtime twin: "warn" (RNNMisuseWarning), "error" (RNNMisuseError) or "off"."""

    def __post_init__(self) -> None:
        if self.misuse not in MODES:
            raise ValueError(f"misuse must be one of {', '.join(MODES)}; got {self.misuse!r}")
        if self.every < 1:
            raise ValueError(f"every must be at least 1, got {self.every}")
        if self.defer < 0:
            raise ValueError(f"defer must be 0 (exact) or a number of calls, got {self.defer}")


class Watch:
    """The hooks of one `watch` or `checking`; `remove()` takes them all off.

    Leaving a `with` block removes them too. Removing reads any deferred results first, so a
    broken relation seen since the last read is reported then.
    """

    def __init__(self, checks: Checks, *, discover: bool = False) -> None:
        self.checks = checks
        self.checked_calls = 0
        self._discover = discover
        self._handles: list[RemovableHandle] = []
        self._hooked: WeakSet[nn.Module] = WeakSet()
        self._seen: WeakSet[nn.Module] = WeakSet()
        self._calls: WeakKeyDictionary[nn.Module, int] = WeakKeyDictionary()
        self._pending: WeakKeyDictionary[nn.Module, bool] = WeakKeyDictionary()
        self._deferred: WeakKeyDictionary[nn.Module, Deferred] = WeakKeyDictionary()
        self._sources: WeakKeyDictionary[nn.Module, Source] = WeakKeyDictionary()
        self._tracking = (
            Tracking(Reporter(checks.misuse)) if checks.misuse != "off" and not disabled() else None
        )
        self._before = eager(self._check_before)
        self._after = eager(self._check_after)
        self._find = eager(self._find_rnns)
        self._leave = eager(self._left)

    def __enter__(self) -> Watch:
        if self._discover and not disabled():
            self._handles += [
                register_module_forward_pre_hook(self._find),
                register_module_parameter_registration_hook(self._built),
            ]
            if self._tracking is not None:
                self._handles.append(register_module_forward_hook(self._leave, always_call=True))
                self._tracking.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.remove(flush=kind is None)
        finally:
            if self._discover and self._tracking is not None and not disabled():
                self._tracking.__exit__(kind, error, traceback)

    @property
    def tracking(self) -> Tracking | None:
        """The runtime twin's state (None when misuse="off" or RNNCHECK_DISABLE is set)."""
        return self._tracking

    @property
    def modules(self) -> list[nn.Module]:
        """The RNN modules hooked so far."""
        return list(self._hooked)

    def attach(self, model: nn.Module) -> None:
        """Hook every RNN, LSTM and GRU in `model` (itself included) not hooked yet."""
        for module in model.modules():
            self._seen.add(module)
            if isinstance(module, nn.RNNBase) and module not in self._hooked:
                self._hooked.add(module)
                self._handles += [
                    module.register_forward_pre_hook(self._before, with_kwargs=True),
                    module.register_forward_hook(self._after, with_kwargs=True),
                ]

    def remove(self, *, flush: bool = True) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._hooked.clear()
        self._seen.clear()
        tracking = self._tracking
        if tracking is not None:
            tracking.depth = 0
            try:
                if flush or tracking.reporter.mode == "warn":
                    tracking.settle()
            finally:
                tracking.stop()
        if flush:
            self.flush()

    def track(self, model: nn.Module) -> None:
        """Follow RNN results inside `model`'s forward (watch has no block to follow them in)."""
        if self._tracking is not None:
            self._handles += [
                model.register_forward_pre_hook(self._outermost_entered),
                model.register_forward_hook(self._outermost_left, always_call=True),
            ]

    def flush(self) -> None:
        """Read the deferred results now; raise `RNNContractError` for any broken relation."""
        for module, deferred in list(self._deferred.items()):
            _report_deferred(module, deferred, deferred.read())

    def _find_rnns(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        if self._tracking is not None:
            self._tracking.entered()
        if module not in self._seen:
            self.attach(module)

    def _left(self, module: nn.Module, args: tuple[Any, ...], result: Any) -> None:
        if self._tracking is not None:
            self._tracking.left()

    def _outermost_entered(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        tracking = self._tracking
        if tracking is not None and not torch.compiler.is_compiling():
            if tracking.depth == 0:
                tracking.__enter__()
            tracking.entered()

    def _outermost_left(self, module: nn.Module, args: tuple[Any, ...], result: Any) -> None:
        tracking = self._tracking
        if tracking is not None and not torch.compiler.is_compiling():
            try:
                tracking.left()
            finally:
                if tracking.depth == 0:
                    tracking.__exit__(None, None, None)

    def _built(self, module: nn.Module, name: str, parameter: Any) -> None:
        """Hook an RNN as it is built inside the block, before any call can bypass the hooks."""
        if isinstance(module, nn.RNNBase) and module not in self._hooked:
            self.attach(module)
            frame = user_frame()
            if self._tracking is not None and frame is not None:
                place = Place(frame).release()
                source = self._sources[module] = Source(Layout.of(module), place.short())
                self._tracking.built(source, place)

    def _check_before(self, module: nn.Module, args: tuple[Any, ...], kwargs: dict) -> None:
        calls = self._calls.get(module, 0)
        self._calls[module] = calls + 1
        sampled = self._pending[module] = calls % self.checks.every == 0
        if sampled and self.checks.shapes:
            input, hx = _arguments(args, kwargs)
            contract = contract_for(module)
            contract.check_inputs(Batch.of(contract.layout, input), hx)

    def _check_after(
        self, module: nn.Module, args: tuple[Any, ...], kwargs: dict, result: Any
    ) -> None:
        if module not in self._pending:
            # Found by the global pre-hook during this very call: its own pre-hook did not run.
            self._check_before(module, args, kwargs)
        if self._pending.pop(module):
            self._check_result(module, args, kwargs, result)
        tracking = self._tracking
        if tracking is not None:
            source = self._sources.get(module)
            if source is None:
                source = self._sources[module] = Source(Layout.of(module), None)
                frame = user_frame()
                if frame is not None:
                    tracking.built(source, Place(frame).release())
            tracking.track(source, _arguments(args, kwargs)[0], result)

    def _check_result(
        self, module: nn.Module, args: tuple[Any, ...], kwargs: dict, result: Any
    ) -> None:
        self.checked_calls += 1
        checks = self.checks
        input, hx = _arguments(args, kwargs)
        contract = contract_for(module)
        batch = Batch.of(contract.layout, input)
        outcome = contract.split(batch, result)
        if checks.shapes:
            contract.check_shapes(batch, outcome)
        if checks.strict:
            contract.check_strict(batch, input, outcome)
        if checks.equivalences and checks.defer:
            deferred = self._deferred.get(module)
            if deferred is None or deferred.equivalences != contract.equivalences:
                deferred = self._deferred[module] = Deferred(contract.equivalences, checks.defer)
            failures = deferred.add(contract.agreement(batch, outcome))
            _report_deferred(module, deferred, failures or [])
        elif checks.equivalences:
            contract.check_equivalences(batch, outcome)
        if checks.reference:
            if reproducible(module):
                compare(module, input, hx, result, rtol=checks.rtol, atol=checks.atol)
            else:
                warnings.warn(
                    f"rnncheck skips the reference check of {contract.layout.constructor()}:"
                    " dropout between layers in training mode cannot be reproduced",
                    stacklevel=2,
                )


def watch(model: nn.Module, **options: Any) -> Watch:
    """Check every call of the RNNs inside `model`; options as `Checks`. Returns the handle.

    Uses of their results are followed inside `model`'s forward: of a bare RNN, whose results
    are used by its caller, none is seen (`checking()` around the caller sees them)."""
    handle = Watch(Checks(**options))
    if not disabled():
        handle.attach(model)
        handle.track(model)
    return handle


def checking(**options: Any) -> Watch:
    """A context manager that checks every RNN called inside it; options as `Checks`."""
    return Watch(Checks(**options), discover=True)


def checked(function: Function | None = None, /, **options: Any) -> Any:
    """`checking` as a decorator, for a test or a model's `forward`: `@checked`, `@checked(every=10)`."""
    Checks(**options)  # a wrong option fails here, not at the first call
    if function is None:
        return functools.partial(checked, **options)

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        with checking(**options):
            return function(*args, **kwargs)

    return run


def _arguments(args: tuple[Any, ...], kwargs: dict) -> tuple[Any, Any]:
    """(input, hx) of a call of an RNN's forward, each given by position or keyword."""
    input = args[0] if args else kwargs["input"]
    hx = args[1] if len(args) > 1 else kwargs.get("hx")
    return input, hx


def _report_deferred(
    module: nn.Module, deferred: Deferred, failures: list[tuple[Equivalence, int]]
) -> None:
    if not failures:
        return
    lines = [
        f"{relation.describe()}: first broken at call {call} of those checked"
        for relation, call in failures
    ]
    raise RNNContractError(
        f"broken (deferred check, read after {deferred.calls} checked calls):\n  "
        + "\n  ".join(lines)
        + f"\n  module: {Layout.of(module).constructor()}"
        "\n  rerun with defer=0 to stop at the breaking call with every size"
    )
