"""Values across objects: an object of a project class carries the values it was built with."""

from __future__ import annotations

from tests.helpers import check, rows

MODULES = """\
from torch import nn


class Encoder(nn.Module):
    def __init__(self, hidden, layers, bidirectional=True):
        super().__init__()
        self.layers = layers
        self.rnn = nn.LSTM(8, hidden, layers, bidirectional=bidirectional)

    def forward(self, src):
        outputs, (h, c) = self.rnn(src)
        return outputs, h, c


class Decoder(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src):
        _, h, c = self.encoder(src)
        return h[: self.decoder.layers]
"""
"""`h[: self.decoder.layers]` is line 29."""


def test_an_attribute_of_another_object_is_read_per_object() -> None:
    source = MODULES + "\nmodel = Seq2Seq(Encoder(16, 2).cuda(), Decoder(2))\n"
    (finding,) = check(source, "RNN207")
    assert finding.row == 29
    assert "when built as `Seq2Seq(Encoder(16, 2).cuda(), Decoder(2))`, line 31" in finding.message
    assert finding.fix is None


def test_objects_built_differently_are_told_apart() -> None:
    source = (
        MODULES
        + "\nsmall = Seq2Seq(Encoder(16, 1), Decoder(1))\nuni = Seq2Seq(Encoder(16, 2, False), Decoder(2))\n"
    )
    assert rows(source, "RNN207") == []  # one layer: h[:1] is its forward state; one direction


def test_a_shorter_decoder_takes_too_few_rows_of_a_deep_bidirectional_encoder() -> None:
    source = MODULES + "\nmodel = Seq2Seq(Encoder(16, 2), Decoder(1))\n"
    assert rows(source, "RNN207") == [29]  # h[:1]: layer 0's forward state only


def test_an_object_built_from_unknown_values_stays_quiet() -> None:
    source = (
        MODULES + "\ndef build(layers):\n    return Seq2Seq(Encoder(16, layers), Decoder(layers))\n"
    )
    assert check(source) == []


def test_calling_an_object_reads_its_forward_and_gives_back_what_it_returns() -> None:
    source = (
        MODULES + "\nencoder = Encoder(16, 1)\noutputs, h, c = encoder(x)\nlast = outputs[-1]\n"
    )
    assert rows(source, "RNN102") == [33]


def test_to_cuda_and_eval_return_the_same_module() -> None:
    for method in ("to(device)", "cuda()", "eval()", "float()"):
        source = f"from torch import nn\ngru = nn.GRU(4, 8, bidirectional=True).{method}\n_, h = gru(x)\ny = h[-1]\n"
        assert rows(source, "RNN201") == [4], method
