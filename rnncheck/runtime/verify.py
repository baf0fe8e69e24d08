"""Compare an RNN implementation with the reference recurrence and say where it goes wrong.

The implementation is a black box called with torch's convention, so the only evidence is what
it returns: h_n has one row per layer and direction, which locates the first diverging layer;
the output holds the last layer at every step, which locates the first diverging time step. The
reference keeps every layer, so a few common mistakes can be recognised and named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from rnncheck.layout import Layout
from rnncheck.runtime.contracts import Contract, Outcome, RNNContractError, contract_for
from rnncheck.runtime.reference import Hidden, Trace, run_layer, trace

TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float64: (1e-7, 1e-7),
    torch.float32: (1.3e-6, 1e-5),
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
}
"""(rtol, atol) per dtype when none is given: torch.testing.assert_close's defaults."""


class RNNMismatchError(AssertionError):
    """An implementation's result differs from the reference; the message says where first."""


@dataclass(frozen=True)
class Verification:
    """The largest difference from the reference of each returned tensor, all within tolerance."""

    constructor: str
    largest: dict[str, float]
    rtol: float
    atol: float

    def __str__(self) -> str:
        errors = ", ".join(f"{name} {error:.3g}" for name, error in self.largest.items())
        return (
            f"matches the reference of {self.constructor}: largest differences {errors}"
            f" (rtol={self.rtol:g}, atol={self.atol:g})"
        )


def verify(
    implementation: Callable[..., Any],
    input: Tensor | PackedSequence,
    hx: Hidden | None = None,
    *,
    like: nn.Module | None = None,
    rtol: float | None = None,
    atol: float | None = None,
) -> Verification:
    """Run `implementation(input, hx)` and the reference; raise `RNNMismatchError` if they differ.

    `implementation` is a torch RNN, LSTM or GRU, or any callable with their calling convention;
    `like` is then the torch module whose parameters and configuration it uses.
    """
    module = like if like is not None else implementation
    if not isinstance(module, nn.RNNBase):
        raise TypeError(
            "verify needs a torch RNN, LSTM or GRU: pass the module whose parameters"
            f" {getattr(implementation, '__name__', implementation)!r} uses as like="
        )
    with torch.no_grad():
        result = implementation(input) if hx is None else implementation(input, hx)
    return compare(module, input, hx, result, rtol=rtol, atol=atol)


def compare(
    module: nn.Module,
    input: Tensor | PackedSequence,
    hx: Hidden | None,
    result: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
) -> Verification:
    """Check an already computed `result` of `module(input, hx)` against the reference."""
    contract = contract_for(module)
    with torch.no_grad():
        expected = trace(module, input, hx)
        try:
            found = contract.split(expected.batch, result)
            contract.check_shapes(expected.batch, found)
        except RNNContractError as error:
            raise RNNMismatchError(str(error)) from None
        default_rtol, default_atol = TOLERANCES.get(expected.h_n.dtype, TOLERANCES[torch.float32])
        judge = _Judge(
            module,
            contract,
            expected,
            found,
            default_rtol if rtol is None else rtol,
            default_atol if atol is None else atol,
        )
        return judge.verdict()


@dataclass(frozen=True, eq=False)
class _Judge:
    """One comparison of a result with the reference trace, in the frame."""

    module: nn.Module
    contract: Contract
    expected: Trace
    found: Outcome
    rtol: float
    atol: float

    @property
    def layout(self) -> Layout:
        return self.contract.layout

    def verdict(self) -> Verification:
        batch = self.expected.batch
        pairs = {
            "output": (batch.frame(self.found.output), self.expected.layers[-1]),
            "h_n": (batch.state_frame(self.found.h_n), self.expected.h_n),
        }
        if self.found.c_n is not None and self.expected.c_n is not None:
            pairs["c_n"] = (batch.state_frame(self.found.c_n), self.expected.c_n)
        largest = {name: _largest(found, expected) for name, (found, expected) in pairs.items()}
        if any(self._wrong(*pair).any() for pair in pairs.values()):
            raise RNNMismatchError(self._message(pairs, largest))
        return Verification(self.layout.constructor(), largest, self.rtol, self.atol)

    def _wrong(self, found: Tensor, expected: Tensor) -> Tensor:
        close = (found - expected).abs() <= self.atol + self.rtol * expected.abs()
        return ~(close | (found.isnan() & expected.isnan()))

    def _message(self, pairs: dict[str, tuple[Tensor, Tensor]], largest: dict[str, float]) -> str:
        lines = [f"the result differs from the reference recurrence of {self.layout.constructor()}"]
        lines += self._first_layer(pairs)
        lines += self._first_steps(*pairs["output"])
        lines += self._recognised(pairs)
        errors = ", ".join(f"{name} {error:.6g}" for name, error in largest.items())
        lines.append(f"largest differences: {errors} (rtol={self.rtol:g}, atol={self.atol:g})")
        return "\n".join(lines) + "\n" + self.contract.context(self.expected.batch)

    def _first_layer(self, pairs: dict[str, tuple[Tensor, Tensor]]) -> list[str]:
        divergence = self._first_divergence(pairs)
        if divergence is None:
            return ["every row of h_n agrees: only the output differs"]
        layer, direction, name, row, sample = divergence
        below = "; the layers below it agree" if layer else ""
        return [
            f"first diverging layer: layer {layer}, {_DIRECTIONS[direction]} direction"
            f" ({name}[{row}] differs at {self._sample(sample)}{below})"
        ]

    def _first_divergence(
        self, pairs: dict[str, tuple[Tensor, Tensor]]
    ) -> tuple[int, int, str, int, int] | None:
        """(layer, direction, state, row, sample) of the lowest h_n or c_n row that differs."""
        for layer in range(self.module.num_layers):
            for direction in range(self.layout.directions or 1):
                row = self.layout.row(layer, direction)
                for name in ("h_n", "c_n"):
                    if name in pairs:
                        wrong = self._wrong(pairs[name][0][row], pairs[name][1][row]).any(-1)
                        if wrong.any():
                            return layer, direction, name, row, int(wrong.nonzero()[0])
        return None

    def _first_steps(self, found: Tensor, expected: Tensor) -> list[str]:
        """For each direction of the output, the first step it processes that differs."""
        width = self.layout.shapes(1, 1).h_n[-1]
        lines = []
        for direction in range(self.layout.directions or 1):
            half = slice(direction * width, (direction + 1) * width)
            wrong = self._wrong(found[..., half], expected[..., half]).any(-1)
            steps = wrong.any(-1).nonzero().flatten().tolist()
            if not steps:
                continue
            step = steps[-1] if direction else steps[0]
            sample = int(wrong[step].nonzero()[0])
            lines.append(
                f"in the output (the last layer's), the {_DIRECTIONS[direction]} direction"
                f" first differs at time step {step}, {self._sample(sample)}"
            )
        return lines

    def _recognised(self, pairs: dict[str, tuple[Tensor, Tensor]]) -> list[str]:
        """Common mistakes, named when the result matches what they produce."""
        found = pairs["output"][0]
        layers = self.expected.layers
        width = self.layout.shapes(1, 1).h_n[-1]
        for index, output in enumerate(layers[:-1]):
            if found.shape == output.shape and not self._wrong(found, output).any():
                return [
                    f"likely cause: the output is layer {index}'s output, not the last layer's"
                    f" (layer {len(layers) - 1})"
                ]
        if self.layout.bidirectional:
            swapped = torch.cat([layers[-1][..., width:], layers[-1][..., :width]], dim=-1)
            if not self._wrong(found, swapped).any():
                return [
                    "likely cause: the directions are swapped: output features"
                    f" [0:{width}] hold the backward direction and [{width}:{2 * width}] the"
                    " forward one"
                ]
        return self._padding_as_state(pairs) or self._layer_reads_input(pairs)

    def _padding_as_state(self, pairs: dict[str, tuple[Tensor, Tensor]]) -> list[str]:
        """Whether h_n holds the output's last padded step instead of the last valid one."""
        batch = self.expected.batch
        if batch.lengths is None or bool((batch.lengths == batch.time).all()):
            return []
        width = self.layout.shapes(1, 1).h_n[-1]
        row = self.layout.row(self.module.num_layers - 1, 0)
        last_padded = pairs["output"][0][-1, :, :width]
        if self._wrong(pairs["h_n"][0][row], last_padded).any():
            return []
        return [
            f"likely cause: h_n[{row}] holds the output at the last padded step"
            f" (time {batch.time - 1}), not each sequence's last valid step; for the sequences"
            " shorter than that it is padding"
        ]

    def _layer_reads_input(self, pairs: dict[str, tuple[Tensor, Tensor]]) -> list[str]:
        """Whether the first diverging layer behaves as if it read the network's input."""
        divergence = self._first_divergence(pairs)
        expected = self.expected
        if divergence is None or divergence[0] == 0:
            return []
        layer = divergence[0]
        if expected.input.shape[-1] != expected.layers[layer - 1].shape[-1]:
            return []
        with torch.no_grad():
            _, h, _ = run_layer(
                self.module, layer, expected.input, expected.batch.valid, expected.h_0, expected.c_0
            )
        first_row = self.layout.row(layer, 0)
        if self._wrong(pairs["h_n"][0][first_row : first_row + len(h)], h).any():
            return []
        return [
            f"likely cause: layer {layer} reads the network's input; it must read"
            f" layer {layer - 1}'s output (all directions concatenated)"
        ]

    def _sample(self, sample: int) -> str:
        if self.expected.batch.batch is None:
            return "the one sample (unbatched)"
        return f"batch index {sample}"


_DIRECTIONS = ("forward", "backward")


def _largest(found: Tensor, expected: Tensor) -> float:
    both_nan = found.isnan() & expected.isnan()
    difference = (found - expected).abs().masked_fill(both_nan, 0)
    return float(difference.max()) if difference.numel() else 0.0
