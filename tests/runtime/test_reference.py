"""The reference recurrence reproduces torch in every combination, and every contract holds."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import rnncheck
from rnncheck.runtime.reference import forward

from .cases import Case, call, every_case, tensors

TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}


@pytest.mark.parametrize("dtype", list(TOLERANCE), ids=str)
@pytest.mark.parametrize("case", list(every_case()), ids=str)
def test_reference_matches_torch_and_contracts_hold(case: Case, dtype: torch.dtype) -> None:
    module = case.module(dtype)
    x, hx = case.input(dtype), case.hx(module, dtype)
    expected = call(module, x, hx)
    found = forward(module, x, hx)
    found_tensors, expected_tensors = tensors(found), tensors(expected)
    names = ("output", "h_n", "c_n")[: len(expected_tensors)]
    for name, a, b in zip(names, found_tensors, expected_tensors, strict=True):
        assert a.shape == b.shape, f"{case}: {name} shape"
        error = (a - b).abs().max().item()
        assert error <= TOLERANCE[dtype], f"{case} {dtype}: {name} differs by {error}"
    rnncheck.check_inputs(module, x, hx)
    rnncheck.check_outputs(module, x, expected)
    rnncheck.check_outputs(module, x, found)


def test_reference_returns_torch_result_types() -> None:
    module = Case("LSTM", form="packed").module()
    x = Case("LSTM", form="packed").input()
    output, (h_n, c_n) = forward(module, x)
    assert type(output) is type(x)
    assert h_n.shape == c_n.shape == (1, len(x.sorted_indices), module.hidden_size)
    assert torch.equal(output.batch_sizes, x.batch_sizes)
    assert torch.equal(output.unsorted_indices, x.unsorted_indices)


def test_reference_refuses_dropout_between_layers_in_training() -> None:
    module = nn.GRU(3, 4, num_layers=2, dropout=0.5).train()
    x = torch.randn(5, 2, 3)
    with pytest.raises(ValueError, match=r"dropout=0.5.*module.eval\(\)"):
        forward(module, x)
    module.eval()
    assert torch.allclose(forward(module, x)[1], module(x)[1], atol=1e-6)


def test_reference_is_importable_as_rnncheck_reference() -> None:
    assert rnncheck.reference.forward is forward
