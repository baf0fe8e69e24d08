"""The combinations the runtime is tested on: every kind, depth, direction and input form."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

KINDS = ("RNN tanh", "RNN relu", "LSTM", "LSTM proj", "GRU")
FORMS = ("plain", "packed", "unbatched")
INPUT, HIDDEN, PROJ, BATCH, TIME = 3, 4, 2, 3, 5
LENGTHS = (2, 5, 3)
"""Unequal and unsorted, so packing reorders the batch and pads two of three sequences."""


@dataclass(frozen=True)
class Case:
    kind: str
    layers: int = 1
    bidirectional: bool = False
    batch_first: bool = False
    bias: bool = True
    form: str = "plain"
    h0: bool = False

    def __str__(self) -> str:
        flags = [f"layers={self.layers}", self.form, "h0" if self.h0 else "no h0"]
        flags += [name for name in ("bidirectional", "batch_first") if getattr(self, name)]
        flags += [] if self.bias else ["bias=False"]
        return f"{self.kind} ({', '.join(flags)})"

    def module(self, dtype: torch.dtype = torch.float32, seed: int = 0) -> nn.RNNBase:
        torch.manual_seed(seed)
        options: dict[str, Any] = {
            "num_layers": self.layers,
            "bidirectional": self.bidirectional,
            "batch_first": self.batch_first,
            "bias": self.bias,
        }
        if self.kind.startswith("RNN"):
            module = nn.RNN(INPUT, HIDDEN, nonlinearity=self.kind.split()[1], **options)
        elif self.kind.startswith("LSTM"):
            proj = PROJ if self.kind == "LSTM proj" else 0
            module = nn.LSTM(INPUT, HIDDEN, proj_size=proj, **options)
        else:
            module = nn.GRU(INPUT, HIDDEN, **options)
        return module.to(dtype)

    def input(self, dtype: torch.dtype = torch.float32) -> torch.Tensor | PackedSequence:
        if self.form == "unbatched":
            return torch.randn(TIME, INPUT, dtype=dtype)
        shape = (BATCH, TIME, INPUT) if self.batch_first else (TIME, BATCH, INPUT)
        x = torch.randn(shape, dtype=dtype)
        if self.form == "packed":
            return pack_padded_sequence(
                x, list(LENGTHS), batch_first=self.batch_first, enforce_sorted=False
            )
        return x

    def hx(self, module: nn.RNNBase, dtype: torch.dtype = torch.float32) -> Any:
        if not self.h0:
            return None
        rows = module.num_layers * (2 if module.bidirectional else 1)
        batch = () if self.form == "unbatched" else (BATCH,)
        h = torch.randn(rows, *batch, module.proj_size or module.hidden_size, dtype=dtype)
        if not isinstance(module, nn.LSTM):
            return h
        return h, torch.randn(rows, *batch, module.hidden_size, dtype=dtype)


def every_case() -> Iterator[Case]:
    for combo in itertools.product(
        KINDS, (1, 2, 3), (False, True), (False, True), (False, True), FORMS, (False, True)
    ):
        yield Case(*combo)


def call(module: nn.Module, input: Any, hx: Any = None) -> Any:
    """`module(input, hx)` without the warning torch gives when proj_size disables oneDNN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return module(input, hx)


def tensors(result: Any) -> list[torch.Tensor]:
    """output (its data when packed), h_n and c_n, flattened out of an RNN's result."""
    output, hidden = result
    data = output.data if isinstance(output, PackedSequence) else output
    return [data, *(hidden if isinstance(hidden, tuple) else (hidden,))]
