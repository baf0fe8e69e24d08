"""Torch's RNN, LSTM and GRU recurrences written out in plain tensor algebra.

Each step is a matmul and the gate nonlinearities exactly as RNN_FACTS.md gives them, never a
call into torch's RNN kernels, so a disagreement with the reference points at the implementation
under test and not at a kernel both share. The loop runs over layers, directions and time steps;
every step is vectorised over the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from rnncheck.layout import Layout
from rnncheck.runtime.batch import Batch
from rnncheck.runtime.contracts import contract_for

Hidden = Tensor | tuple[Tensor, Tensor]
Step = tuple[Tensor, Tensor | None]
Cell = Callable[[Tensor, Tensor, Tensor | None, "_Weights"], Step]


def reproducible(module: nn.Module) -> bool:
    """Whether parameters and input fix the result: not while dropout acts between layers."""
    return not (module.training and module.dropout > 0 and module.num_layers > 1)


def forward(
    module: nn.Module, input: Tensor | PackedSequence, hx: Hidden | None = None
) -> tuple[Tensor | PackedSequence, Hidden]:
    """What `module(input, hx)` returns, computed from `module`'s parameters."""
    return trace(module, input, hx).result()


@dataclass(frozen=True, eq=False)
class Trace:
    """The reference run in the `Batch` frame: its input and initial states, every layer's
    output (time, batch, features) and the final states, kept so `verify` can diagnose."""

    batch: Batch
    input: Tensor
    h_0: Tensor
    c_0: Tensor | None
    layers: tuple[Tensor, ...]
    h_n: Tensor
    c_n: Tensor | None

    def result(self) -> tuple[Tensor | PackedSequence, Hidden]:
        output = self.batch.unframe(self.layers[-1])
        h_n = self.batch.unframe_state(self.h_n)
        if self.c_n is None:
            return output, h_n
        return output, (h_n, self.batch.unframe_state(self.c_n))


def trace(module: nn.Module, input: Tensor | PackedSequence, hx: Hidden | None = None) -> Trace:
    layout = Layout.of(module)
    if not reproducible(module):
        raise ValueError(
            f"the reference cannot reproduce {layout.constructor()} in training mode:"
            f" dropout={module.dropout} draws a random mask between its {module.num_layers} layers."
            " Call module.eval() (or set dropout=0) before comparing."
        )
    batch = Batch.of(layout, input)
    contract_for(module).check_inputs(batch, hx)
    x = frame = batch.frame(input)
    h_0, c_0 = _initial_states(batch, x, hx)
    layers, h_n, c_n = [], [], []
    for layer in range(module.num_layers):
        x, h, c = run_layer(module, layer, x, batch.valid, h_0, c_0)
        layers.append(x)
        h_n.append(h)
        c_n.append(c)
    return Trace(
        batch=batch,
        input=frame,
        h_0=h_0,
        c_0=c_0,
        layers=tuple(layers),
        h_n=torch.cat(h_n),
        c_n=None if c_0 is None else torch.cat(c_n),
    )


def run_layer(
    module: nn.Module,
    layer: int,
    x: Tensor,
    valid: Tensor | None,
    h_0: Tensor,
    c_0: Tensor | None,
) -> tuple[Tensor, Tensor, Tensor | None]:
    """One layer, every direction, on `x` in the frame, starting from its rows of h_0 and c_0.

    Returns the layer's output (directions concatenated) and its final h and c rows.
    """
    layout = Layout.of(module)
    cell = _CELLS[module.mode]
    outputs, hs, cs = [], [], []
    for direction in range(layout.directions or 1):
        row = layout.row(layer, direction)
        output, h, c = _run_direction(
            cell,
            _Weights.of(module, layer, direction),
            x,
            valid,
            h_0[row],
            None if c_0 is None else c_0[row],
        )
        outputs.append(output)
        hs.append(h)
        cs.append(c)
    c_n = None if c_0 is None else torch.stack(cs)
    return torch.cat(outputs, dim=-1), torch.stack(hs), c_n


@dataclass(frozen=True)
class _Weights:
    """One layer's parameters for one direction (biases None when bias=False)."""

    ih: Tensor
    hh: Tensor
    b_ih: Tensor | None
    b_hh: Tensor | None
    hr: Tensor | None
    backward: bool

    @classmethod
    def of(cls, module: nn.Module, layer: int, direction: int) -> _Weights:
        suffix = f"_l{layer}{'_reverse' if direction else ''}"
        return cls(
            ih=getattr(module, f"weight_ih{suffix}"),
            hh=getattr(module, f"weight_hh{suffix}"),
            b_ih=getattr(module, f"bias_ih{suffix}", None),
            b_hh=getattr(module, f"bias_hh{suffix}", None),
            hr=getattr(module, f"weight_hr{suffix}", None),
            backward=direction == 1,
        )


def _affine(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    product = x @ weight.T
    return product if bias is None else product + bias


def _run_direction(
    cell: Cell, weights: _Weights, x: Tensor, valid: Tensor | None, h: Tensor, c: Tensor | None
) -> tuple[Tensor, Tensor, Tensor | None]:
    """One direction of one layer over the whole sequence.

    A padding step leaves the state as it was, so the backward direction of a short sequence
    starts from h_0 at that sequence's own last valid step, as torch's packed kernels do.
    """
    from_input = _affine(x, weights.ih, weights.b_ih)
    steps = range(x.shape[0] - 1, -1, -1) if weights.backward else range(x.shape[0])
    outputs: dict[int, Tensor] = {}
    for t in steps:
        new_h, new_c = cell(from_input[t], h, c, weights)
        if weights.hr is not None:
            new_h = new_h @ weights.hr.T
        if valid is None:
            h, c = new_h, new_c
            outputs[t] = new_h
        else:
            real = valid[t].unsqueeze(1)
            h = torch.where(real, new_h, h)
            c = None if c is None or new_c is None else torch.where(real, new_c, c)
            outputs[t] = torch.where(real, new_h, torch.zeros_like(new_h))
    return torch.stack([outputs[t] for t in range(x.shape[0])]), h, c


def _rnn_tanh(from_input: Tensor, h: Tensor, c: Tensor | None, w: _Weights) -> Step:
    return torch.tanh(from_input + _affine(h, w.hh, w.b_hh)), None


def _rnn_relu(from_input: Tensor, h: Tensor, c: Tensor | None, w: _Weights) -> Step:
    return torch.relu(from_input + _affine(h, w.hh, w.b_hh)), None


def _lstm(from_input: Tensor, h: Tensor, c: Tensor | None, w: _Weights) -> Step:
    assert c is not None
    i, f, g, o = (from_input + _affine(h, w.hh, w.b_hh)).chunk(4, dim=-1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def _gru(from_input: Tensor, h: Tensor, c: Tensor | None, w: _Weights) -> Step:
    x_r, x_z, x_n = from_input.chunk(3, dim=-1)
    h_r, h_z, h_n = _affine(h, w.hh, w.b_hh).chunk(3, dim=-1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h, None


_CELLS: dict[str, Cell] = {"RNN_TANH": _rnn_tanh, "RNN_RELU": _rnn_relu, "LSTM": _lstm, "GRU": _gru}
"""One step of each recurrence, keyed by `module.mode`."""


def _initial_states(batch: Batch, x: Tensor, hx: Hidden | None) -> tuple[Tensor, Tensor | None]:
    if isinstance(hx, tuple):
        return batch.state_frame(hx[0]), batch.state_frame(hx[1])
    if hx is not None:
        return batch.state_frame(hx), None
    shapes = batch.shapes
    h = batch.state_frame(x.new_zeros(shapes.h_n))
    return h, None if shapes.c_n is None else batch.state_frame(x.new_zeros(shapes.c_n))
