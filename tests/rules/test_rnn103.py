from tests.helpers import check, rows

HEAD = (
    "import torch\nimport torch.nn as nn\n"
    "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
)


def test_batch_first_and_time_major_padded_last_position() -> None:
    source = HEAD + (
        "a = nn.LSTM(4, 8, batch_first=True)\nb = nn.GRU(4, 8)\n"
        "pa, _ = a(pack_padded_sequence(x, n, batch_first=True))\n"
        "pb, _ = b(nn.utils.rnn.pack_padded_sequence(x, n))\n"
        "oa, la = pad_packed_sequence(pa, batch_first=True)\n"
        "ob, lb = nn.utils.rnn.pad_packed_sequence(pb)\n"
        "u = oa[:, -1, :]\nv = ob[-1]\n"
    )
    assert rows(source, "RNN103") == [10, 11]
    assert "lengths - 1" in check(source, "RNN103")[0].message


def test_unpacked_layout_comes_from_pad_packed_sequence() -> None:
    """pad_packed_sequence's own batch_first decides the layout, not the RNN's."""
    source = HEAD + (
        "a = nn.LSTM(4, 8, batch_first=True)\npa, _ = a(pack_padded_sequence(x, n, batch_first=True))\n"
        "o, l = pad_packed_sequence(pa)\nu = o[-1]\nv = o[:, -1]\n"
    )
    assert rows(source, "RNN103") == [7]
    assert rows(source, "RNN101") == [8]


def test_quiet_without_packing_and_for_gathers() -> None:
    source = HEAD + (
        "a = nn.LSTM(4, 8, batch_first=True)\npa, (h, c) = a(pack_padded_sequence(x, n, batch_first=True))\n"
        "o, l = pad_packed_sequence(pa, batch_first=True)\n"
        "u = o[torch.arange(o.size(0)), l - 1]\nv = h[-1]\n"
        "q, _ = a(x)\nw = q[:, -1]\n"
    )
    assert rows(source, "RNN103") == []


def test_unpacking_proves_the_packing_a_caller_did() -> None:
    source = HEAD + (
        "class E(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.LSTM(4, 8, batch_first=True)\n"
        "    def forward(self, packed):\n"
        "        o, _ = self.rnn(packed)\n"
        "        out, lengths = pad_packed_sequence(o, batch_first=True)\n"
        "        return out[:, -1], out[torch.arange(out.size(0)), lengths - 1]\n"
    )
    assert rows(source, "RNN103") == [11]


def test_an_output_never_unpacked_is_not_padded() -> None:
    source = HEAD + "def f(x):\n    o, _ = nn.GRU(4, 8)(x)\n    return o[-1]\n"
    assert rows(source, "RNN103") == []


def test_the_gather_proposed_for_a_bidirectional_output_halves_it() -> None:
    source = (
        "import torch.nn as nn\nfrom torch.nn.utils.rnn import pad_packed_sequence\n"
        "def encode(packed):\n"
        "    gru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "    out, lengths = pad_packed_sequence(gru(packed)[0], batch_first=True)\n"
        "    return out[:, -1]\n"
    )
    (finding,) = check(source, "RNN103")
    gather = "torch.cat((out[torch.arange(batch), lengths - 1, :8], out[:, 0, 8:]), dim=-1)"
    assert gather in finding.message


UNSEEN = "import torch\nfrom torch.nn.utils.rnn import pad_packed_sequence\n"


def test_unpacking_proves_the_padding_when_no_rnn_is_in_sight() -> None:
    source = UNSEEN + (
        "def last(packed):\n"
        "    out, lengths = pad_packed_sequence(packed, batch_first=True)\n"
        "    a = out[:, -1]\n"
        "    b = out[-1]\n"
        "    c = out[torch.arange(out.size(0)), lengths - 1]\n"
        "    d = out[:, -1].size(-1)\n"
        "    return a, b, c, d\n"
        "class Head(torch.nn.Module):\n"
        "    def forward(self, packed):\n"
        "        padded, _ = pad_packed_sequence(packed)\n"
        "        return padded[-1], padded[:, -1]\n"
    )
    assert [(f.code, f.row) for f in check(source)] == [("RNN103", 5), ("RNN103", 13)]
    message = check(source, "RNN103")[0].message
    assert "a PackedSequence made out of sight (unpacked at line 4)" in message
    assert "out[torch.arange(batch), lengths - 1]" in message
    assert "backward half at step 0" in message and "h_n" not in message


def test_unpacking_with_an_unknown_layout_or_of_a_visible_pack_is_quiet() -> None:
    source = UNSEEN + (
        "from torch.nn.utils.rnn import pack_padded_sequence\n"
        "def last(packed, first, x, n):\n"
        "    out, lengths = pad_packed_sequence(packed, batch_first=first)\n"
        "    same, _ = pad_packed_sequence(pack_padded_sequence(x, n))\n"
        "    return out[:, -1], out[-1], same[-1]\n"
    )
    assert check(source) == []
