from tests.helpers import check, fixed, rows

HEAD = "import torch.nn as nn\n"


def test_layer_count_slice_of_bidirectional_state() -> None:
    source = HEAD + (
        "class S(nn.Module):\n"
        "    def __init__(self, n_layers):\n"
        "        super().__init__()\n"
        "        self.n_layers = n_layers\n"
        "        self.enc = nn.LSTM(4, 8, n_layers, bidirectional=True)\n"
        "    def forward(self, x):\n"
        "        _, (h, c) = self.enc(x)\n"
        "        return h[: self.n_layers], c[0:self.n_layers]\n"
    )
    assert rows(source, "RNN207") == [9, 9]


def test_quiet_for_forward_rows_last_layer_and_unidirectional() -> None:
    source = HEAD + (
        "a = nn.LSTM(4, 8, 2, bidirectional=True)\nb = nn.LSTM(4, 8, 2)\n"
        "_, (h, c) = a(x)\n_, (g, d) = b(x)\n"
        "u = h[0::2]\nv = h[-2:]\nw = g[:2]\nz = h[:4]\n"
    )
    assert rows(source, "RNN207") == []


def test_any_prefix_shorter_than_the_rows_of_two_layers_or_more() -> None:
    source = HEAD + (
        "class S(nn.Module):\n"
        "    def __init__(self, layers):\n"
        "        super().__init__()\n"
        "        self.enc = nn.GRU(4, 8, 3, bidirectional=True)\n"
        "        self.one = nn.GRU(4, 8, bidirectional=True)\n"
        "        self.layers = layers\n"
        "    def forward(self, x):\n"
        "        _, h = self.enc(x)\n"
        "        _, s = self.one(x)\n"
        "        a, b, c = h[:1], h[0:5], h[:self.layers]\n"
        "        return a, b, c, h[:6], s[:1], h[:-1]\n"
    )
    assert rows(source, "RNN207") == [11, 11]


def test_a_suffix_of_the_rnns_own_layer_count() -> None:
    source = HEAD + (
        "class S(nn.Module):\n"
        "    def __init__(self, n_layers):\n"
        "        super().__init__()\n"
        "        self.n_layers = n_layers\n"
        "        self.enc = nn.LSTM(4, 8, n_layers, bidirectional=True)\n"
        "        self.two = nn.LSTM(4, 8, 2, bidirectional=True)\n"
        "    def forward(self, x):\n"
        "        _, (h, c) = self.enc(x)\n"
        "        _, (g, d) = self.two(x)\n"
        "        a = h[-self.n_layers:]\n"
        "        b = g[-2:].transpose(0, 1).reshape(x.size(1), -1)\n"
        "        return a, b, h[-1:]\n"
    )
    assert rows(source, "RNN207") == [11]


def test_the_message_says_which_rows_a_prefix_holds_and_the_fix_takes_the_top_layers() -> None:
    source = HEAD + (
        "gru = nn.GRU(4, 8, 2, bidirectional=True)\n_, h = gru(x)\none, three = h[:1], h[:3]\n"
    )
    first, second = check(source, "RNN207")
    assert "is not the first layer:" in first.message
    assert "holds only layer 0's forward direction." in first.message
    assert "For the last layer's forward state write `h[0::2][-1:]`" in first.message
    assert fixed(source, first).endswith("one, three = h[0::2][-1:], h[:3]\n")
    assert "holds layer 0 in both directions and layer 1's forward direction." in second.message
    assert "For the last 3 layers' forward state" in second.message
