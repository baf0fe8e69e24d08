"""rnncheck explain: the shapes it prints are torch's, and the slices it calls equal are equal."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn

from rnncheck.explain import main

pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections")

CONSTRUCTORS = [
    "nn.LSTM(10, 20, num_layers=2, bidirectional=True, batch_first=True)",
    "nn.GRU(3, 4)",
    "torch.nn.RNN(3, 4, 3, bidirectional=True)",
    "nn.LSTM(3, 4, num_layers=2, proj_size=2)",
]


def explained(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def run(constructor: str, batch: int, time: int) -> dict[str, torch.Tensor]:
    module = eval(constructor, {"nn": nn, "torch": torch})
    shape = (
        (batch, time, module.input_size) if module.batch_first else (time, batch, module.input_size)
    )
    output, hidden = module(torch.randn(shape))
    h_n, c_n = hidden if isinstance(hidden, tuple) else (hidden, None)
    return {"output": output, "h_n": h_n, "c_n": c_n, "torch": torch}


@pytest.mark.parametrize("constructor", CONSTRUCTORS)
def test_the_printed_shapes_are_torchs(
    capsys: pytest.CaptureFixture[str], constructor: str
) -> None:
    text = explained(capsys, constructor, "--batch", "2", "--time", "7")
    tensors = run(constructor, batch=2, time=7)
    for name in ("output", "h_n", "c_n"):
        printed = re.search(rf"^  {name} +\(([^)]*)\)", text, re.MULTILINE)
        if tensors[name] is None:
            assert printed is None
            continue
        assert printed is not None, f"{name} missing from:\n{text}"
        sizes = tuple(int(size) for size in re.findall(r"=(\d+)", printed.group(1)))
        assert sizes == tuple(tensors[name].shape)


@pytest.mark.parametrize("constructor", CONSTRUCTORS)
def test_what_it_calls_equal_is_equal_and_the_rest_is_not(
    capsys: pytest.CaptureFixture[str], constructor: str
) -> None:
    text = explained(capsys, constructor, "--batch", "3", "--time", "5")
    tensors = run(constructor, batch=3, time=5)
    equal = re.findall(r"^  (.+?)  ==  (\S+)", text, re.MULTILINE)
    different = re.findall(r"^  (.+?)  !=  (.+?\)):", text, re.MULTILINE)
    assert equal
    for left, right in equal:
        assert torch.equal(eval(left, tensors), eval(right, tensors)), f"{left} == {right}"
    for left, right in different:
        assert not torch.equal(eval(left, tensors), eval(right, tensors)), f"{left} != {right}"
    assert bool(different) == ("bidirectional=True" in constructor)


def test_rows_name_layer_and_direction(capsys: pytest.CaptureFixture[str]) -> None:
    text = explained(capsys, CONSTRUCTORS[0])
    assert "h_n[3]  layer 1's backward direction  (= h_n[-1])" in text
    assert "h_n[-1] is only the last layer's backward direction" in text
    assert "(batch=3, time=5, features=40)" in text


@pytest.mark.parametrize("text", ["nn.Linear(3, 4)", "nn.LSTM(size, 4)", "nn.LSTM(3,"])
def test_bad_text_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert main([text]) == 2
    error = capsys.readouterr().err
    assert error.startswith("rnncheck explain: ")


def test_bad_sizes_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nn.GRU(3, 4)", "--batch", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err
