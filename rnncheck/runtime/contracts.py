"""The relations every RNN call must satisfy, checked while the program runs.

A `Contract` is resolved once per layout (so once per module, and again only if its configuration
changes): the expected shapes and the output/h_n equivalences come from `Layout`. A call then
costs a shape compare and one exact tensor compare per equivalence; jaxtyping runs only in
strict mode, because its checks cost 20-100 us per call. Every failure raises `RNNContractError`
with the layout, every bound size and the relation that broke.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

import torch
from beartype import beartype
from jaxtyping import TypeCheckError, jaxtyped
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from rnncheck.layout import (
    CELL_AXES,
    POSITIONAL,
    STATE_AXES,
    Equivalence,
    Kind,
    Layout,
    named_shape,
)
from rnncheck.runtime.annotations import Annotations, annotations_of
from rnncheck.runtime.batch import Batch, Form

DISABLE_VARIABLE = "RNNCHECK_DISABLE"


class RNNContractError(AssertionError):
    """An RNN's input or result broke a relation torch guarantees; the message says which."""


def disabled() -> bool:
    """Whether `RNNCHECK_DISABLE` switches every runtime check off."""
    return os.environ.get(DISABLE_VARIABLE, "") not in ("", "0")


def check_inputs(module: nn.Module, input: Tensor | PackedSequence, hx: Any = None) -> None:
    """Raise `RNNContractError` when `hx` does not fit `input`, including what torch lets pass."""
    if not disabled():
        contract = contract_for(module)
        contract.check_inputs(Batch.of(contract.layout, input), hx)


def check_outputs(
    module: nn.Module, input: Tensor | PackedSequence, result: Any, *, strict: bool = False
) -> None:
    """Raise `RNNContractError` unless `result` has the shapes and equivalences of `module`'s.

    `result` is what `module(input, ...)` returned, or what an implementation meant to behave
    like `module` returned. `strict` adds jaxtyping's check of the annotated signature.
    """
    if disabled():
        return
    contract = contract_for(module)
    batch = Batch.of(contract.layout, input)
    outcome = contract.split(batch, result)
    contract.check_shapes(batch, outcome)
    if strict:
        contract.check_strict(batch, input, outcome)
    contract.check_equivalences(batch, outcome)


_SETTINGS = (*POSITIONAL[Kind.LSTM], "mode")
"""The attributes a layout is read from: a module whose values change gets a new contract."""

_BY_MODULE: WeakKeyDictionary[nn.Module, tuple[tuple[Any, ...], Contract]] = WeakKeyDictionary()


def contract_for(module: nn.Module) -> Contract:
    """The module's contract, resolved once per module and again only if its settings change."""
    settings = tuple(getattr(module, name, None) for name in _SETTINGS)
    known = _BY_MODULE.get(module)
    if known is not None and known[0] == settings:
        return known[1]
    contract = _contract(Layout.of(module))
    _BY_MODULE[module] = (settings, contract)
    return contract


@cache
def _contract(layout: Layout) -> Contract:
    return Contract(layout)


@dataclass(frozen=True, eq=False)
class Outcome:
    """A call's result split into output, h_n and c_n (c_n None unless LSTM)."""

    output: Tensor | PackedSequence
    h_n: Tensor
    c_n: Tensor | None


class Contract:
    """What every call of modules with one layout must satisfy."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.equivalences = layout.equivalences()
        self._strict_checkers: dict[Form, Callable[..., None]] = {}

    def check_inputs(self, batch: Batch, hx: Any) -> None:
        if hx is None:
            return
        expected = batch.shapes
        if expected.c_n is None:
            states = [("h_0", hx, expected.h_n)]
        elif isinstance(hx, tuple) and len(hx) == 2:
            states = [("h_0", hx[0], expected.h_n), ("c_0", hx[1], expected.c_n)]
        else:
            raise self.error(batch, f"an LSTM takes hx as a tuple (h_0, c_0); got {_kind(hx)}")
        for name, state, shape in states:
            if not isinstance(state, Tensor):
                raise self.error(batch, f"{name} must be a tensor; got {_kind(state)}")
            if tuple(state.shape) != shape:
                raise self.error(batch, self._state_mismatch(batch, name, tuple(state.shape)))

    def split(self, batch: Batch, result: Any) -> Outcome:
        """`result` as output, h_n and c_n, or an error saying what torch would have returned."""
        if not (isinstance(result, tuple) and len(result) == 2):
            raise self.error(batch, f"an RNN returns (output, hidden); got {_kind(result)}")
        output, hidden = result
        if not self.layout.has_cell:
            return Outcome(output, hidden, None)
        if not (isinstance(hidden, tuple) and len(hidden) == 2):
            raise self.error(
                batch, f"an LSTM returns (output, (h_n, c_n)); its hidden part is {_kind(hidden)}"
            )
        return Outcome(output, hidden[0], hidden[1])

    def check_shapes(self, batch: Batch, outcome: Outcome) -> None:
        expected = batch.shapes
        if isinstance(outcome.output, PackedSequence):
            rows = batch.packed.data.shape[0] if batch.packed is not None else None
            found = tuple(outcome.output.data.shape)
            if found != (rows, expected.output[-1]):
                raise self.error(
                    batch,
                    f"the packed output's data has shape {found}, expected"
                    f" (steps={rows}, features={expected.output[-1]})",
                )
        elif tuple(outcome.output.shape) != expected.output:
            raise self.error(
                batch,
                f"output has shape {tuple(outcome.output.shape)}, expected"
                f" {named_shape(expected.output, self._output_axes(batch))}",
            )
        for name, state, shape in (
            ("h_n", outcome.h_n, expected.h_n),
            ("c_n", outcome.c_n, expected.c_n),
        ):
            if state is not None and tuple(state.shape) != shape:
                raise self.error(
                    batch,
                    f"{name} has shape {tuple(state.shape)}, expected"
                    f" {named_shape(shape, _state_axes(batch, name))}",
                )

    def check_equivalences(self, batch: Batch, outcome: Outcome) -> None:
        """Raise unless every equivalence holds, NaN equal to NaN, with one host read per call.

        On CPU `torch.equal` answers fastest; the NaN-aware compare runs only when it says no.
        """
        pairs = self.pairs(batch, outcome)
        if all(a.device.type == "cpu" and torch.equal(a, b) for a, b in pairs):
            return
        agreements = self.agreement(batch, outcome)
        if bool(agreements.all()):
            return
        for relation, ok, (found, expected) in zip(
            self.equivalences, agreements.tolist(), pairs, strict=True
        ):
            if not ok:
                raise self.error(batch, self._where(batch, relation, found, expected))

    def agreement(self, batch: Batch, outcome: Outcome) -> Tensor:
        """One boolean per equivalence, computed on the result's device without a host read."""
        return torch.stack([_agree(a, b).all() for a, b in self.pairs(batch, outcome)])

    def pairs(self, batch: Batch, outcome: Outcome) -> list[tuple[Tensor, Tensor]]:
        """For each equivalence, the output slice and the h_n row that must be equal."""
        frame = batch.frame(outcome.output)
        states = batch.state_frame(outcome.h_n)
        pairs = []
        for relation in self.equivalences:
            steps = batch.last_steps(frame) if relation.step == "last" else frame[0]
            pairs.append((steps[..., relation.start : relation.stop], states[relation.row]))
        return pairs

    def check_strict(self, batch: Batch, input: Any, outcome: Outcome) -> None:
        packed = batch.form == "packed"
        tensors = (input.data, outcome.output.data) if packed else (input, outcome.output)
        try:
            self._strict_checker(batch.form)(*tensors, outcome.h_n, outcome.c_n)
        except TypeCheckError as error:
            raise self.error(batch, f"jaxtyping rejects the call's tensors:\n{error}") from None

    def error(self, batch: Batch, problem: str) -> RNNContractError:
        return RNNContractError(f"{problem}\n{self.context(batch)}")

    def context(self, batch: Batch) -> str:
        """The layout and every bound size, for the end of each message."""
        layout = self.layout
        shapes = batch.shapes
        rows, width = shapes.h_n[0], shapes.h_n[-1]
        projection = (
            f" (proj_size; c_n keeps hidden_size={layout.hidden_size})" if layout.proj_size else ""
        )
        sizes = [
            f"batch={'none (unbatched input)' if batch.batch is None else batch.batch}",
            f"time={batch.time}",
            f"input_size={layout.input_size}",
            f"layers*directions={rows} (num_layers={layout.num_layers}"
            f" x directions={layout.directions})",
            f"hidden={width}{projection}",
            f"features={shapes.output[-1]} (directions={layout.directions} x hidden={width})",
        ]
        if batch.lengths is not None:
            sizes.append(f"packed lengths={batch.lengths.tolist()} (caller's order)")
        expected = [
            f"output {named_shape(shapes.output, self._output_axes(batch))}",
            f"h_n {named_shape(shapes.h_n, _state_axes(batch, 'h_n'))}",
        ]
        if shapes.c_n is not None:
            expected.append(f"c_n {named_shape(shapes.c_n, _state_axes(batch, 'c_n'))}")
        return (
            f"  module: {layout.constructor()}\n"
            f"  sizes: {', '.join(sizes)}\n"
            f"  expected: {', '.join(expected)}"
        )

    def _state_mismatch(self, batch: Batch, name: str, found: tuple[int, ...]) -> str:
        expected = batch.shapes.h_n if name == "h_0" else batch.shapes.c_n
        message = (
            f"{name} has shape {found}, expected {named_shape(expected, _state_axes(batch, name))}"
        )
        if (
            batch.packed is None
            or len(found) != 3
            or found[0] != expected[0]
            or found[2] != expected[2]
        ):
            return message
        if found[1] > expected[1]:
            return (
                f"{message}: {name} holds {found[1]} samples but the PackedSequence only"
                f" {expected[1]} (batch_sizes[0]); torch would silently use {expected[1]} of"
                f" them and ignore the rest, so these are probably not the states you meant"
            )
        return (
            f"{message}: {name} holds {found[1]} samples but the PackedSequence {expected[1]}"
            f" (batch_sizes[0]); torch would fail with an index error while reordering {name}"
        )

    def _where(self, batch: Batch, relation: Equivalence, found: Tensor, expected: Tensor) -> str:
        wrong = ~_agree(found, expected)
        samples = wrong.reshape(wrong.shape[0], -1).any(-1).nonzero().flatten().tolist()
        largest = (found - expected).abs()[wrong].max().item()
        step = relation.step
        if step == "last" and batch.lengths is not None:
            step_text = "each sample's last valid step (length - 1)"
        elif step == "last":
            step_text = f"the last step (time {batch.time - 1})"
        else:
            step_text = "step 0"
        row = self.layout.describe_row(relation.row)
        return (
            f"broken: {relation.describe()}\n"
            f"  at {step_text}, output features [{relation.start}:{relation.stop}] differ from"
            f" h_n[{relation.row}] ({row}) for batch index {_indices(samples)};"
            f" largest difference {largest:.6g}"
        )

    def _strict_checker(self, form: Form) -> Callable[..., None]:
        checker = self._strict_checkers.get(form)
        if checker is None:
            checker = self._strict_checkers[form] = _jaxtyped_checker(
                annotations_of(self.layout, form)
            )
        return checker

    def _output_axes(self, batch: Batch) -> tuple[str, ...]:
        return self.layout.output_axes(batched=batch.batch is not None) or ()


def _jaxtyped_checker(ann: Annotations) -> Callable[..., None]:
    """A function whose only job is to have its arguments checked against `ann`."""

    def tensors(input: Any, output: Any, h_n: Any, c_n: Any) -> None:
        pass

    tensors.__annotations__ = {
        "input": ann.input,
        "output": ann.output,
        "h_n": ann.h,
        "c_n": ann.c if ann.c is not None else None,
        "return": None,
    }
    return jaxtyped(typechecker=beartype)(tensors)


def _agree(a: Tensor, b: Tensor) -> Tensor:
    return (a == b) | (a.isnan() & b.isnan())


def _state_axes(batch: Batch, name: str) -> tuple[str, ...]:
    axes = STATE_AXES if name.startswith("h") else CELL_AXES
    return axes if batch.batch is not None else (axes[0], axes[2])


def _kind(value: Any) -> str:
    if isinstance(value, Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    return f"a {type(value).__name__}"


def _indices(samples: list[int]) -> str:
    shown = ", ".join(map(str, samples[:8]))
    return shown + (f" and {len(samples) - 8} more" if len(samples) > 8 else "")
