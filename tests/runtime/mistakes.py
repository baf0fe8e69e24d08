"""Deliberately wrong RNN implementations, each a mistake people make when they learn RNNs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

Implementation = Callable[..., Any]


def hand_written_lstm(module: nn.LSTM, mistake: str | None = None) -> Implementation:
    """A unidirectional time-major LSTM loop written from the equations, as in a tutorial.

    `mistake`: "input to every layer" feeds `x` to each layer instead of the layer below's
    output; "first layer's output" returns layer 0's output instead of the last layer's.
    """

    def lstm(x: Tensor, hx: Any = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        rows = module.num_layers
        h_0 = x.new_zeros(rows, x.shape[1], module.hidden_size) if hx is None else hx[0]
        c_0 = torch.zeros_like(h_0) if hx is None else hx[1]
        layer_input, outputs, h_n, c_n = x, [], [], []
        for layer in range(module.num_layers):
            w_ih, w_hh = (
                getattr(module, f"weight_ih_l{layer}"),
                getattr(module, f"weight_hh_l{layer}"),
            )
            bias = getattr(module, f"bias_ih_l{layer}") + getattr(module, f"bias_hh_l{layer}")
            h, c, steps = h_0[layer], c_0[layer], []
            for x_t in layer_input:
                i, f, g, o = (x_t @ w_ih.T + h @ w_hh.T + bias).chunk(4, dim=-1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                steps.append(h)
            outputs.append(torch.stack(steps))
            h_n.append(h)
            c_n.append(c)
            layer_input = x if mistake == "input to every layer" else outputs[-1]
        output = outputs[0] if mistake == "first layer's output" else outputs[-1]
        return output, (torch.stack(h_n), torch.stack(c_n))

    return lstm


def swapped_directions(module: nn.RNNBase) -> Implementation:
    """A bidirectional module whose output halves come back in the wrong order."""

    def run(x: Tensor, hx: Any = None) -> Any:
        output, hidden = module(x, hx)
        forward, backward = output.chunk(2, dim=-1)
        return torch.cat([backward, forward], dim=-1), hidden

    return run


def padding_as_last_step(module: nn.GRU) -> Implementation:
    """A GRU on packed input that reports the padded last position as h_n."""

    def run(x: PackedSequence, hx: Any = None) -> Any:
        output, _ = module(x, hx)
        padded, _ = pad_packed_sequence(output)
        return output, padded[-1].unsqueeze(0)

    return run


class SwappedGRU(nn.GRU):
    """A torch GRU subclass whose bidirectional output halves come back swapped."""

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Any:
        output, h_n = super().forward(input, hx)
        forward, backward = output.chunk(2, dim=-1)
        return torch.cat([backward, forward], dim=-1), h_n


class ScaledGRU(nn.GRU):
    """A GRU subclass whose results are all 1% too large: shapes and equivalences still hold."""

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Any:
        output, h_n = super().forward(input, hx)
        return output * 1.01, h_n * 1.01
