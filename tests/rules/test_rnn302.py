from tests.helpers import check, rows

HEAD = "import torch.nn as nn\n"


def test_decoder_narrower_than_a_bidirectional_encoder() -> None:
    source = HEAD + (
        "def f(x, hidden):\n"
        "    enc = nn.LSTM(4, hidden, bidirectional=True, batch_first=True)\n"
        "    dec = nn.LSTM(hidden, hidden, batch_first=True)\n"
        "    out, _ = enc(x)\n"
        "    y, _ = dec(out)\n"
        "    return y\n"
    )
    assert rows(source, "RNN302") == [6]
    assert "2 * hidden" in check(source, "RNN302")[0].message


def test_projection_and_matching_widths() -> None:
    source = HEAD + (
        "a = nn.LSTM(4, 32, proj_size=8)\nb = nn.GRU(32, 8)\nc = nn.GRU(8, 8)\n"
        "o, _ = a(x)\np, _ = b(o)\nq, _ = c(o)\n"
    )
    assert rows(source, "RNN302") == [6]


def test_a_projection_below_a_symbolic_hidden_feeding_an_rnn_sized_hidden() -> None:
    source = HEAD + (
        "def f(x, hidden, bi):\n"
        "    enc = nn.LSTM(4, hidden, proj_size=8, bidirectional=True)\n"
        "    dec = nn.GRU(2 * hidden, hidden)\n"
        "    same = nn.GRU(16, hidden)\n"
        "    unknown = nn.GRU(2 * hidden, hidden)\n"
        "    out, _ = enc(x)\n"
        "    y, _ = dec(out)\n"
        "    z, _ = same(out)\n"
        "    open_ended = nn.LSTM(4, hidden, proj_size=8, bidirectional=bi)\n"
        "    w, _ = unknown(open_ended(x)[0])\n"
        "    return y, z, w\n"
    )
    assert rows(source, "RNN302") == [8]
    assert "proj_size < hidden_size" in check(source, "RNN302")[0].message
