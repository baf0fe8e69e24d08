"""check_inputs, check_outputs and annotations: what they accept and what they tell."""

from __future__ import annotations

import pytest
import torch
from beartype import beartype
from jaxtyping import TypeCheckError, jaxtyped
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import rnncheck

from .cases import LENGTHS, Case
from .mistakes import hand_written_lstm, padding_as_last_step, swapped_directions


def test_swapped_directions_break_the_forward_equivalence() -> None:
    case = Case("GRU", layers=2, bidirectional=True, batch_first=True)
    module, x = case.module(), case.input()
    with pytest.raises(rnncheck.RNNContractError) as raised:
        rnncheck.check_outputs(module, x, swapped_directions(module)(x))
    message = str(raised.value)
    assert "broken: output at the last step, features [0:4] (the forward direction)" in message
    assert "== h_n[-2]" in message
    assert "for batch index 0, 1, 2" in message
    assert "layers*directions=4 (num_layers=2 x directions=2)" in message
    assert "output (batch=3, time=5, features=8)" in message


def test_the_output_of_the_wrong_layer_breaks_the_last_step_equivalence() -> None:
    module = nn.LSTM(4, 4, num_layers=2)
    x = torch.randn(6, 2, 4)
    with pytest.raises(rnncheck.RNNContractError, match=r"differ from h_n\[-1\]"):
        rnncheck.check_outputs(module, x, hand_written_lstm(module, "first layer's output")(x))


def test_padding_as_the_last_step_breaks_only_the_shorter_sequences() -> None:
    case = Case("GRU", form="packed")
    module, x = case.module(), case.input()
    shorter = [i for i, length in enumerate(LENGTHS) if length < max(LENGTHS)]
    with pytest.raises(rnncheck.RNNContractError) as raised:
        rnncheck.check_outputs(module, x, padding_as_last_step(module)(x))
    message = str(raised.value)
    assert "at each sample's last valid step" in message
    assert f"for batch index {', '.join(map(str, shorter))};" in message
    assert f"packed lengths={list(LENGTHS)}" in message


def test_a_loop_feeding_the_input_to_every_layer_keeps_the_equivalences() -> None:
    """Only the reference can catch this one: the contracts hold, `verify` does not."""
    module = nn.LSTM(4, 4, num_layers=2)
    x = torch.randn(6, 2, 4)
    wrong = hand_written_lstm(module, "input to every layer")
    rnncheck.check_outputs(module, x, wrong(x))
    with pytest.raises(rnncheck.RNNMismatchError):
        rnncheck.verify(wrong, x, like=module)


def test_a_wrong_shape_names_every_axis() -> None:
    module = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = torch.randn(5, 2, 3)
    output, (h_n, c_n) = module(x)
    with pytest.raises(rnncheck.RNNContractError) as raised:
        rnncheck.check_outputs(module, x, (output, (h_n[-2:], c_n)))
    assert "h_n has shape (2, 2, 4), expected (layers*directions=4, batch=2, hidden=4)" in str(
        raised.value
    )


def test_an_lstm_result_without_c_n_is_refused() -> None:
    module = nn.LSTM(3, 4)
    x = torch.randn(5, 2, 3)
    output, (h_n, _) = module(x)
    with pytest.raises(rnncheck.RNNContractError, match=r"returns \(output, \(h_n, c_n\)\)"):
        rnncheck.check_outputs(module, x, (output, h_n))


def test_nan_equals_nan() -> None:
    module = nn.RNN(3, 4, nonlinearity="relu")
    x = torch.randn(5, 2, 3)
    x[2, 0] = float("nan")
    output, h_n = module(x)
    assert h_n[-1, 0].isnan().all()
    assert not torch.equal(output[-1], h_n[-1])
    rnncheck.check_outputs(module, x, (output, h_n))
    h_wrong = h_n.clone()
    h_wrong[-1, 1] += 1
    with pytest.raises(rnncheck.RNNContractError, match="for batch index 1;"):
        rnncheck.check_outputs(module, x, (output, h_wrong))


@pytest.mark.parametrize("rnn", [nn.RNN(3, 4), nn.LSTM(3, 4), nn.GRU(3, 4)], ids=repr)
def test_packed_hx_with_more_samples_is_reported(rnn: nn.RNNBase) -> None:
    x = pack_padded_sequence(torch.randn(5, 3, 3), [2, 5, 3], enforce_sorted=False)
    h = torch.zeros(1, 4, 4)
    hx = (h, h) if isinstance(rnn, nn.LSTM) else h
    rnn(x, hx)  # torch accepts it silently
    with pytest.raises(rnncheck.RNNContractError) as raised:
        rnncheck.check_inputs(rnn, x, hx)
    message = str(raised.value)
    assert "h_0 holds 4 samples but the PackedSequence only 3 (batch_sizes[0])" in message
    assert "silently" in message


def test_packed_hx_with_fewer_samples_is_reported() -> None:
    rnn = nn.GRU(3, 4)
    x = pack_padded_sequence(torch.randn(5, 3, 3), [2, 5, 3], enforce_sorted=False)
    h = torch.zeros(1, 2, 4)
    with pytest.raises((IndexError, RuntimeError)) as from_torch:
        rnn(x, h)
    assert "PackedSequence" not in str(from_torch.value)
    with pytest.raises(
        rnncheck.RNNContractError, match="h_0 holds 2 samples but the PackedSequence 3"
    ):
        rnncheck.check_inputs(rnn, x, h)


def test_an_lstm_hx_must_be_a_pair() -> None:
    with pytest.raises(rnncheck.RNNContractError, match=r"hx as a tuple \(h_0, c_0\)"):
        rnncheck.check_inputs(nn.LSTM(3, 4), torch.randn(5, 2, 3), torch.zeros(1, 2, 4))


def test_the_contract_follows_a_changed_configuration() -> None:
    module = nn.GRU(3, 4)
    rnncheck.check_outputs(module, torch.randn(5, 2, 3), module(torch.randn(5, 2, 3)))
    module.batch_first = True
    x = torch.randn(2, 5, 3)
    rnncheck.check_outputs(module, x, module(x))
    with pytest.raises(rnncheck.RNNContractError, match=r"output \(batch=2, time=5"):
        rnncheck.check_outputs(module, x, (module(x)[0].transpose(0, 1), module(x)[1]))


def test_strict_mode_adds_jaxtyping() -> None:
    module = nn.GRU(3, 4)
    x = torch.randn(5, 2, 3)
    output, h_n = module(x)
    as_integers = (output.long(), h_n.long())
    rnncheck.check_outputs(module, x, as_integers)
    with pytest.raises(rnncheck.RNNContractError, match="jaxtyping rejects") as raised:
        rnncheck.check_outputs(module, x, as_integers, strict=True)
    assert "batch=2" in str(raised.value)
    rnncheck.check_outputs(module, x, (output, h_n), strict=True)


@pytest.mark.parametrize("form", ["batched", "unbatched", "packed"])
def test_strict_mode_accepts_every_input_form(form: str) -> None:
    case = Case("LSTM", layers=2, bidirectional=True, form="plain" if form == "batched" else form)
    module, x = case.module(), case.input()
    rnncheck.check_outputs(module, x, module(x), strict=True)


ENCODER = nn.LSTM(3, 4, num_layers=2, batch_first=True)
SHAPES = rnncheck.annotations(ENCODER)


@jaxtyped(typechecker=beartype)
def encode(x: SHAPES.input, h: SHAPES.h, c: SHAPES.c) -> SHAPES.output:
    """A user's function whose signature states the encoder's shapes."""
    return ENCODER(x, (h, c))[0]


def test_annotations_serve_a_users_signature() -> None:
    x = torch.randn(2, 5, 3)
    assert encode(x, torch.zeros(2, 2, 4), torch.zeros(2, 2, 4)).shape == (2, 5, 4)
    with pytest.raises(TypeCheckError, match="batch=2"):
        encode(x, torch.zeros(2, 3, 4), torch.zeros(2, 3, 4))
    with pytest.raises(TypeCheckError, match="cell=4"):
        encode(x, torch.zeros(2, 2, 4), torch.zeros(2, 2, 5))
    assert rnncheck.annotations(ENCODER) is SHAPES
    assert rnncheck.annotations(nn.GRU(3, 4)).c is None


def test_the_switch_turns_direct_checks_off(monkeypatch: pytest.MonkeyPatch) -> None:
    module = nn.GRU(3, 4)
    x = torch.randn(5, 2, 3)
    monkeypatch.setenv("RNNCHECK_DISABLE", "1")
    rnncheck.check_outputs(module, x, (x, x))
    monkeypatch.setenv("RNNCHECK_DISABLE", "0")
    with pytest.raises(rnncheck.RNNContractError):
        rnncheck.check_outputs(module, x, (x, x))


def test_a_modules_contract_is_kept_until_its_settings_change() -> None:
    from rnncheck.runtime.contracts import contract_for

    module = nn.GRU(3, 4, batch_first=True)
    first = contract_for(module)
    assert contract_for(module) is first
    module.batch_first = False
    changed = contract_for(module)
    assert changed is not first
    assert changed.layout.batch_first is False
