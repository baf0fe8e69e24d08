"""verify: correct implementations pass; wrong ones are told where they first go wrong."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import rnncheck
from rnncheck.runtime.verify import Verification

from .cases import Case
from .mistakes import hand_written_lstm, padding_as_last_step, swapped_directions


@pytest.mark.filterwarnings("ignore:LSTM with projections")
def test_a_torch_module_matches_its_reference() -> None:
    module = Case("LSTM proj", layers=2, bidirectional=True).module()
    report = rnncheck.verify(module, Case("LSTM").input(), rtol=0, atol=1e-5)
    assert isinstance(report, Verification)
    assert set(report.largest) == {"output", "h_n", "c_n"}
    assert max(report.largest.values()) <= 1e-5
    assert module.__class__.__name__ in str(report)


def test_a_correct_hand_written_loop_passes() -> None:
    module = nn.LSTM(4, 4, num_layers=3)
    x = torch.randn(6, 2, 4)
    hx = (torch.randn(3, 2, 4), torch.randn(3, 2, 4))
    assert rnncheck.verify(hand_written_lstm(module), x, hx, like=module).largest["h_n"] < 1e-5


def test_a_loop_feeding_the_input_to_every_layer_is_located() -> None:
    module = nn.LSTM(4, 4, num_layers=3)
    with pytest.raises(rnncheck.RNNMismatchError) as raised:
        rnncheck.verify(
            hand_written_lstm(module, "input to every layer"), torch.randn(6, 2, 4), like=module
        )
    message = str(raised.value)
    assert "first diverging layer: layer 1, forward direction (h_n[1]" in message
    assert "the layers below it agree" in message
    assert "layer 1 reads the network's input; it must read layer 0's output" in message
    assert "num_layers=3 x directions=1" in message


def test_the_output_of_the_wrong_layer_is_named() -> None:
    module = nn.LSTM(4, 4, num_layers=3)
    with pytest.raises(rnncheck.RNNMismatchError) as raised:
        rnncheck.verify(
            hand_written_lstm(module, "first layer's output"), torch.randn(6, 2, 4), like=module
        )
    message = str(raised.value)
    assert "every row of h_n agrees" in message
    assert "forward direction first differs at time step 0" in message
    assert "the output is layer 0's output, not the last layer's (layer 2)" in message


def test_swapped_directions_are_named() -> None:
    module = Case("GRU", layers=2, bidirectional=True, batch_first=True).module()
    x = Case("GRU", batch_first=True).input()
    with pytest.raises(rnncheck.RNNMismatchError) as raised:
        rnncheck.verify(swapped_directions(module), x, like=module)
    message = str(raised.value)
    assert "the forward direction first differs at time step 0" in message
    assert f"the backward direction first differs at time step {x.shape[1] - 1}" in message
    assert "the directions are swapped" in message


def test_padding_reported_as_the_final_state_is_named() -> None:
    case = Case("GRU", form="packed")
    module = case.module()
    with pytest.raises(rnncheck.RNNMismatchError, match="holds the output at the last padded step"):
        rnncheck.verify(padding_as_last_step(module), case.input(), like=module)


def test_the_first_diverging_time_step_and_sample_are_located() -> None:
    module = nn.RNN(3, 4)
    x = torch.randn(5, 3, 3)

    def late_error(input: torch.Tensor, hx: object = None) -> tuple[torch.Tensor, torch.Tensor]:
        output, h_n = module(input)
        output = output.clone()
        output[3, 2] += 1
        return output, h_n

    with pytest.raises(
        rnncheck.RNNMismatchError, match="first differs at time step 3, batch index 2"
    ):
        rnncheck.verify(late_error, x, like=module)


def test_tolerances_decide() -> None:
    module = nn.GRU(3, 4)
    x = torch.randn(5, 2, 3)

    def slightly_off(input: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        output, h_n = module(input)
        return output + 1e-3, h_n + 1e-3

    with pytest.raises(rnncheck.RNNMismatchError, match=r"largest differences: output 0\.001"):
        rnncheck.verify(slightly_off, x, like=module)
    assert rnncheck.verify(slightly_off, x, like=module, atol=1e-2).atol == 1e-2


def test_wrong_shapes_are_a_mismatch() -> None:
    module = nn.GRU(3, 4, num_layers=2)

    def last_layer_only(input: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        output, h_n = module(input)
        return output, h_n[-1:]

    with pytest.raises(rnncheck.RNNMismatchError, match=r"h_n has shape \(1, 2, 4\), expected"):
        rnncheck.verify(last_layer_only, torch.randn(5, 2, 3), like=module)


def test_a_callable_needs_like() -> None:
    with pytest.raises(TypeError, match="like="):
        rnncheck.verify(lambda x: x, torch.randn(5, 2, 3))


def test_float64_uses_tight_default_tolerances() -> None:
    case = Case("LSTM", layers=2, form="packed")
    module = case.module(torch.float64)
    report = rnncheck.verify(module, case.input(torch.float64))
    assert (report.rtol, report.atol) == (1e-7, 1e-7)
