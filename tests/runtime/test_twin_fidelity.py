"""The twin changes nothing: the same tensors, bit for bit, the same gradients, in every mode."""

from __future__ import annotations

import copy
import gc
import weakref

import pytest
import torch
from torch import nn

import rnncheck

from .twin_helpers import codes, misuses


class Classifier(nn.Module):
    """A bidirectional LSTM classifier that uses its results correctly, and a lot."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        self.drop = nn.Dropout(0.0)
        self.head = nn.Linear(16, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, (h, _) = self.lstm(x)
        out = self.drop(torch.relu(out.contiguous()))
        ends = torch.cat((out[:, -1, :4], out[:, 0, 4:]), dim=-1)
        state = torch.cat((h[-2], h[-1]), dim=-1)
        return self.head(torch.cat((ends, state), dim=-1))


def step(model: Classifier, x: torch.Tensor) -> list[torch.Tensor]:
    model.zero_grad()
    loss = model(x).square().sum()
    loss.backward()
    return [loss.detach(), *(p.grad for p in model.parameters() if p.grad is not None)]


def test_results_and_gradients_are_bit_identical() -> None:
    torch.manual_seed(0)
    model, x = Classifier(), torch.randn(3, 5, 3)
    twin = copy.deepcopy(model)
    expected = step(model, x)
    with rnncheck.checking(misuse="error"):
        found = step(twin, x)
    assert len(found) == len(expected) > 2
    assert all(torch.equal(a, b) for a, b in zip(found, expected, strict=True))


def test_results_are_the_very_tensors_torch_returns() -> None:
    seen: list[object] = []

    def run() -> None:
        lstm = nn.LSTM(3, 4, batch_first=True)
        out, (h, c) = lstm(torch.randn(2, 5, 3))
        seen.extend([type(out), type(h), h.contiguous() is h, c.to(c.dtype) is c])

    assert codes(run) == []
    assert seen == [torch.Tensor, torch.Tensor, True, True]


def test_tracking_keeps_nothing_alive() -> None:
    refs: list[weakref.ref[torch.Tensor]] = []

    def run() -> None:
        out, h = nn.GRU(3, 4)(torch.randn(5, 2, 3))
        refs.extend([weakref.ref(out), weakref.ref(h), weakref.ref(out.double())])

    with rnncheck.checking():
        run()
        gc.collect()
        assert [ref() for ref in refs] == [None, None, None]


@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode])
def test_it_works_without_autograd(mode: type) -> None:
    def run() -> None:
        with mode():
            out, h = nn.GRU(3, 4, batch_first=True, bidirectional=True)(torch.randn(2, 5, 3))
            out.detach()[-1]
            torch.cat((h[-2], h[-1]), dim=-1)

    assert codes(run) == ["RNN101"]


@pytest.mark.filterwarnings("ignore:Using `torch.compile\\(module\\)`")
def test_a_compiled_model_runs_without_false_alarm() -> None:
    torch._dynamo.reset()
    torch.manual_seed(0)
    model, x = Classifier(), torch.randn(2, 5, 3)
    compiled = torch.compile(model, backend="eager")
    expected = model(x)
    found = misuses(lambda: torch.equal(compiled(x), expected) or pytest.fail("results differ"))
    assert found == []


@pytest.mark.filterwarnings("ignore:Using `torch.compile\\(module\\)`")
def test_a_misuse_in_a_compiled_model_is_still_seen() -> None:
    class Misused(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gru = nn.GRU(3, 4, batch_first=True)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out, _ = self.gru(x)
            return out[-1]

    torch._dynamo.reset()
    compiled = torch.compile(Misused(), backend="eager")
    assert codes(lambda: compiled(torch.randn(2, 5, 3))) == ["RNN101"]
